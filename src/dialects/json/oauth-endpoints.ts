import { z } from "zod";
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
const providerId = z.string().min(1).max(64);
const scopes = z.array(z.string().min(1).max(256)).max(50);
/**
 * Which account: Better Auth 1.7 sends `accountId` (the account row's id); earlier clients send
 * `providerId` (and optionally the provider's account id as `accountId`). Both are accepted.
 */
const accountSelector = z
  .object({
    providerId: providerId.optional(),
    accountId: z.string().min(1).max(256).optional(),
    userId: z.string().min(1).max(256).optional(),
  })
  .refine((s) => s.providerId !== undefined || s.accountId !== undefined, {
    message: "accountId or providerId is required",
    path: ["accountId"],
  });

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
      callbackURL: url.optional(),
      errorCallbackURL: url.optional(),
      newUserCallbackURL: url.optional(),
      disableRedirect: z.boolean().optional(),
      scopes: scopes.optional(),
      loginHint: z.string().max(320).optional(),
      requestSignUp: z.boolean().optional(),
      idToken: z
        .object({
          token: z.string().min(1).max(16_384),
          nonce: z.string().max(512).optional(),
          accessToken: z.string().max(16_384).optional(),
          refreshToken: z.string().max(16_384).optional(),
          expiresAt: z.number().optional(),
          // Apple's native sign-in hands the name over once, beside the ID token.
          user: z
            .object({
              name: z
                .object({
                  firstName: z.string().max(256).optional(),
                  lastName: z.string().max(256).optional(),
                })
                .optional(),
              email: z.string().max(320).optional(),
            })
            .optional(),
        })
        .optional(),
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
    query: z.record(z.string(), z.unknown()).optional(),
    body: formPostResponse.optional(),
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
      callbackURL: url.optional(),
      errorCallbackURL: url.optional(),
      disableRedirect: z.boolean().optional(),
      scopes: scopes.optional(),
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
