import type { $RefinementCtx } from "zod/v4/core";
import { z } from "../../core/zod.js";
import { defineEndpoint } from "../../core/endpoint.js";
import { assertSafeCallback, resendVerification, verifyEmail } from "../../flows/email-verification.js";
import { signInWithPassword, signUpWithPassword } from "../../flows/password.js";
import { requestPasswordReset, resetPassword, resetPasswordLink } from "../../flows/reset-password.js";
import {
  changeEmail,
  changePassword,
  deleteUser,
  listSessions,
  revokeSession,
  revokeSessions,
  signOut,
  updateUser,
} from "../../flows/user.js";
import { userJSON } from "../../flows/password.js";
import { renderErrorPage } from "./error-page.js";
import { urlField } from "../url-field.js";

const email = z.pipe(z.string().check(z.trim(), z.maxLength(320)), z.email({ error: "Invalid email" }));
const password = z.string().check(z.minLength(1), z.maxLength(4096));
const token = z.string().check(z.minLength(1), z.maxLength(512));
const url = urlField;

/**
 * Refuses NUL characters in the top-level strings of a body that are stored on the user (name,
 * image, additional fields): PostgreSQL cannot hold one in a text column, so the insert failed
 * and the client got a 500 instead of a 400. No name or URL needs one. The password is only
 * hashed and the callback URL has its own check, so both are left as they were.
 */
function refuseNul(body: Record<string, unknown>, ctx: $RefinementCtx): void {
  for (const [key, value] of Object.entries(body)) {
    if (key === "password" || key === "callbackURL") continue;
    if (typeof value === "string" && value.includes("\u0000"))
      ctx.addIssue({ code: "custom", path: [key], message: "must not contain NUL characters" });
  }
}

/**
 * The JSON API in Better Auth's dialect: the same paths, bodies, response shapes and error
 * codes, so `better-auth/client` works unchanged. Each entry is a route over a flow.
 */
export const jsonEndpoints = {
  signUpEmail: defineEndpoint({
    method: "POST",
    path: "/sign-up/email",
    summary: "Create a user with email and password",
    body: z
      .looseObject({
        name: z.string().check(z.trim(), z.minLength(1), z.maxLength(256)),
        email,
        password,
        image: z.optional(url),
        callbackURL: z.optional(url),
        rememberMe: z.optional(z.boolean()),
      })
      .check(z.superRefine(refuseNul)),
    handler: (ctx) => signUpWithPassword(ctx, ctx.body),
  }),
  signInEmail: defineEndpoint({
    method: "POST",
    path: "/sign-in/email",
    summary: "Sign in with email and password",
    body: z.object({ email, password, callbackURL: z.optional(url), rememberMe: z.optional(z.boolean()) }),
    handler: async (ctx) => {
      assertSafeCallback(ctx, ctx.body.callbackURL);
      return signInWithPassword(ctx, ctx.body);
    },
  }),
  getSession: defineEndpoint({
    method: "GET",
    path: "/get-session",
    summary: "The current session and user, or null",
    query: z.optional(
      z.object({ disableCookieCache: z.optional(z.union([z.boolean(), z.enum(["true", "false"])])) }),
    ),
    handler: async (ctx) => {
      const disable = ctx.query?.disableCookieCache === true || ctx.query?.disableCookieCache === "true";
      const s = await ctx.getSession({ disableCookieCache: disable });
      return s ? { session: s.session, user: userJSON(ctx, s.user) } : null;
    },
  }),
  signOut: defineEndpoint({
    method: "POST",
    path: "/sign-out",
    summary: "Sign out",
    handler: (ctx) => signOut(ctx),
  }),
  listSessions: defineEndpoint({
    method: "GET",
    path: "/list-sessions",
    handler: (ctx) => listSessions(ctx),
  }),
  revokeSession: defineEndpoint({
    method: "POST",
    path: "/revoke-session",
    body: z.object({ token }),
    handler: (ctx) => revokeSession(ctx, ctx.body.token),
  }),
  revokeSessions: defineEndpoint({
    method: "POST",
    path: "/revoke-sessions",
    handler: (ctx) => revokeSessions(ctx, { keepCurrent: false }),
  }),
  revokeOtherSessions: defineEndpoint({
    method: "POST",
    path: "/revoke-other-sessions",
    handler: (ctx) => revokeSessions(ctx, { keepCurrent: true }),
  }),
  updateUser: defineEndpoint({
    method: "POST",
    path: "/update-user",
    body: z
      .looseObject({
        name: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(256))),
        image: z.optional(z.nullable(url)),
      })
      .check(z.superRefine(refuseNul)),
    handler: (ctx) => updateUser(ctx, ctx.body),
  }),
  changePassword: defineEndpoint({
    method: "POST",
    path: "/change-password",
    body: z.object({
      currentPassword: password,
      newPassword: password,
      revokeOtherSessions: z.optional(z.boolean()),
    }),
    handler: (ctx) => changePassword(ctx, ctx.body),
  }),
  changeEmail: defineEndpoint({
    method: "POST",
    path: "/change-email",
    body: z.object({ newEmail: email, callbackURL: z.optional(url) }),
    handler: (ctx) => changeEmail(ctx, ctx.body),
  }),
  deleteUser: defineEndpoint({
    method: "POST",
    path: "/delete-user",
    body: z.optional(
      z.object({
        password: z.optional(password),
        callbackURL: z.optional(url),
        token: z.optional(z.string()),
      }),
    ),
    handler: (ctx) => deleteUser(ctx, ctx.body ?? {}),
  }),
  requestPasswordReset: defineEndpoint({
    method: "POST",
    path: "/request-password-reset",
    body: z.object({ email, redirectTo: z.optional(url) }),
    handler: (ctx) => requestPasswordReset(ctx, ctx.body.email, ctx.body.redirectTo),
  }),
  resetPasswordCallback: defineEndpoint({
    method: "GET",
    path: "/reset-password/:token",
    query: z.object({ callbackURL: url }),
    handler: (ctx) => resetPasswordLink(ctx, ctx.params.token ?? "", ctx.query.callbackURL),
  }),
  resetPassword: defineEndpoint({
    method: "POST",
    path: "/reset-password",
    body: z.object({ newPassword: password, token }),
    handler: (ctx) => resetPassword(ctx, ctx.body.token, ctx.body.newPassword),
  }),
  verifyEmail: defineEndpoint({
    method: "GET",
    path: "/verify-email",
    consumesToken: true,
    query: z.object({ token, callbackURL: z.optional(url) }),
    handler: (ctx) => verifyEmail(ctx, ctx.query.token, ctx.query.callbackURL),
  }),
  sendVerificationEmail: defineEndpoint({
    method: "POST",
    path: "/send-verification-email",
    body: z.object({ email, callbackURL: z.optional(url) }),
    handler: (ctx) => resendVerification(ctx, ctx.body.email, ctx.body.callbackURL),
  }),
  ok: defineEndpoint({ method: "GET", path: "/ok", handler: async () => ({ ok: true as const }) }),
  error: defineEndpoint({
    method: "GET",
    path: "/error",
    query: z.optional(z.object({ error: z.optional(z.string().check(z.maxLength(128))) })),
    handler: async (ctx) => renderErrorPage(ctx.query?.error),
  }),
};
