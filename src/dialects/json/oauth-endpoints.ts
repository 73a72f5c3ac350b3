import { z } from "../../core/zod.js";
import { defineEndpoint } from "../../core/endpoint.js";
import {
  accountInfo,
  getAccessToken,
  listAccounts,
  refreshToken,
  unlinkAccount,
} from "../../flows/accounts.js";
import { formPostToQuery, handleOAuthCallback, signInWithIdToken, startOAuth } from "../../flows/oauth.js";
import { formPostResponse } from "../form-post.js";
import { urlField } from "../url-field.js";

const url = urlField;
const providerId = z.string().check(z.minLength(1), z.maxLength(64));
const scopes = z.array(z.string().check(z.minLength(1), z.maxLength(256))).check(z.maxLength(50));
/**
 * Which account: Better Auth 1.7 sends `accountId` (the account row's id); earlier clients send
 * `providerId` (and optionally the provider's account id as `accountId`). Both are accepted.
 */
const accountSelector = z
  .object({
    providerId: z.optional(providerId),
    accountId: z.optional(z.string().check(z.minLength(1), z.maxLength(256))),
    userId: z.optional(z.string().check(z.minLength(1), z.maxLength(256))),
  })
  .check(
    z.refine((s) => s.providerId !== undefined || s.accountId !== undefined, {
      message: "accountId or providerId is required",
      path: ["accountId"],
    }),
  );

function callbackParams(source: unknown): URLSearchParams {
  const params = new URLSearchParams();
  if (source && typeof source === "object") {
    for (const [k, v] of Object.entries(source)) if (typeof v === "string") params.set(k, v);
  }
  return params;
}

/** Social sign-in and linked accounts, in Better Auth's paths and shapes. */
export const oauthEndpoints = {
  signInSocial: defineEndpoint({
    method: "POST",
    path: "/sign-in/social",
    summary: "Start sign-in with an OAuth / OIDC provider, or sign in with its ID token",
    body: z.object({
      provider: providerId,
      callbackURL: z.optional(url),
      errorCallbackURL: z.optional(url),
      newUserCallbackURL: z.optional(url),
      disableRedirect: z.optional(z.boolean()),
      scopes: z.optional(scopes),
      loginHint: z.optional(z.string().check(z.maxLength(320))),
      requestSignUp: z.optional(z.boolean()),
      idToken: z.optional(
        z.object({
          token: z.string().check(z.minLength(1), z.maxLength(16_384)),
          nonce: z.optional(z.string().check(z.maxLength(512))),
          accessToken: z.optional(z.string().check(z.maxLength(16_384))),
          refreshToken: z.optional(z.string().check(z.maxLength(16_384))),
          expiresAt: z.optional(z.number()),
          // Apple's native sign-in hands the name over once, beside the ID token.
          user: z.optional(
            z.object({
              name: z.optional(
                z.object({
                  firstName: z.optional(z.string().check(z.maxLength(256))),
                  lastName: z.optional(z.string().check(z.maxLength(256))),
                }),
              ),
              email: z.optional(z.string().check(z.maxLength(320))),
            }),
          ),
        }),
      ),
    }),
    handler: async (ctx) => {
      const { idToken, ...input } = ctx.body;
      if (idToken) return signInWithIdToken(ctx, input.provider, idToken, { callbackURL: input.callbackURL });
      const started: { url: string; redirect: boolean; token?: undefined; user?: undefined } =
        await startOAuth(ctx, input);
      return started;
    },
  }),
  callbackOAuth: defineEndpoint({
    method: ["GET", "POST"],
    path: "/callback/:provider",
    summary: "Where the provider sends the browser back",
    // The provider's form_post arrives cross-site; the state and the transaction cookie protect it.
    skipOriginCheck: true,
    query: z.optional(z.record(z.string(), z.unknown())),
    body: z.optional(formPostResponse),
    handler: async (ctx) => {
      const provider = ctx.params.provider ?? "";
      if (ctx.request?.method === "POST") return formPostToQuery(ctx, provider, ctx.body);
      return handleOAuthCallback(ctx, provider, callbackParams(ctx.query));
    },
  }),
  linkSocial: defineEndpoint({
    method: "POST",
    path: "/link-social",
    summary: "Link a provider account to the signed-in user",
    body: z.object({
      provider: providerId,
      callbackURL: z.optional(url),
      errorCallbackURL: z.optional(url),
      disableRedirect: z.optional(z.boolean()),
      scopes: z.optional(scopes),
    }),
    handler: async (ctx) => {
      const { user } = await ctx.requireSession();
      return startOAuth(ctx, ctx.body, { userId: user.id, email: user.email });
    },
  }),
  unlinkAccount: defineEndpoint({
    method: "POST",
    path: "/unlink-account",
    body: accountSelector,
    handler: (ctx) => unlinkAccount(ctx, ctx.body),
  }),
  listUserAccounts: defineEndpoint({
    method: "GET",
    path: "/list-accounts",
    handler: (ctx) => listAccounts(ctx),
  }),
  refreshToken: defineEndpoint({
    method: "POST",
    path: "/refresh-token",
    body: accountSelector,
    handler: (ctx) => refreshToken(ctx, ctx.body),
  }),
  getAccessToken: defineEndpoint({
    method: "POST",
    path: "/get-access-token",
    body: accountSelector,
    handler: (ctx) => getAccessToken(ctx, ctx.body),
  }),
  accountInfo: defineEndpoint({
    method: "GET",
    path: "/account-info",
    query: accountSelector,
    handler: (ctx) => accountInfo(ctx, ctx.query),
  }),
};
