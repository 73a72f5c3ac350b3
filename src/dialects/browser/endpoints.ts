import { z } from "../../core/zod.js";
import { defineEndpoint, type EndpointContext } from "../../core/endpoint.js";
import { AuthError, isAuthError } from "../../core/errors.js";
import { authorizeCredentials, CredentialsRefused } from "../../flows/credentials.js";
import { issueSession } from "../../flows/issue-session.js";
import { formPostToQuery, handleOAuthCallback, startOAuth } from "../../flows/oauth.js";
import { normalizeEmail, signUpWithPassword, verifyPasswordSignIn } from "../../flows/password.js";
import { signOut } from "../../flows/user.js";
import { toAccount } from "../../flows/accounts.js";
import type { AccountRecord, UserRecord } from "../../core/types.js";
import {
  renderErrorPage,
  renderSignInPage,
  renderSignOutPage,
  renderVerifyRequestPage,
  type SignInProvider,
} from "./pages/index.js";
import {
  allowSignIn,
  authjsErrorType,
  csrf,
  errorRedirectURL,
  field,
  pageBase,
  pageURL,
  redirectToError,
  safeRedirect,
  sendPage,
  tellEvent,
  toAuthJsSession,
  trustedFormPost,
} from "./support.js";
import { emailCallback, emailSignIn } from "./email.js";
import { formPostResponse } from "../form-post.js";

type Ctx = EndpointContext<unknown, unknown>;

const form = z.optional(z.record(z.string(), z.unknown()));
const query = z.optional(z.record(z.string(), z.string()));

/** The providers as Auth.js's `GET /providers` lists them. */
function providerList(
  ctx: Ctx,
): Record<string, { id: string; name: string; type: string; signinUrl: string; callbackUrl: string }> {
  const out: Record<
    string,
    { id: string; name: string; type: string; signinUrl: string; callbackUrl: string }
  > = {};
  const add = (id: string, name: string, type: string) => {
    out[id] = {
      id,
      name,
      type,
      signinUrl: `${ctx.apiURL}/signin/${id}`,
      callbackUrl: `${ctx.apiURL}/callback/${id}`,
    };
  };
  for (const c of ctx.auth.providers.values()) add(c.id, c.provider.name, c.provider.type);
  for (const p of ctx.auth.emailProviders.values()) add(p.id, p.name, "email");
  for (const p of ctx.auth.credentialProviders.values()) add(p.id, p.name, "credentials");
  return out;
}

function signInProviders(ctx: Ctx): SignInProvider[] {
  const list: SignInProvider[] = [];
  for (const c of ctx.auth.providers.values()) {
    list.push({
      id: c.id,
      name: c.provider.name,
      type: c.provider.type,
      signinURL: `${ctx.apiURL}/signin/${c.id}`,
      style: c.provider.config.style,
    });
  }
  for (const p of ctx.auth.emailProviders.values())
    list.push({ id: p.id, name: p.name, type: "email", signinURL: `${ctx.apiURL}/signin/${p.id}` });
  for (const p of ctx.auth.credentialProviders.values()) {
    list.push({
      id: p.id,
      name: p.name,
      type: "credentials",
      signinURL: `${ctx.apiURL}/signin/${p.id}`,
      callbackURL: `${ctx.apiURL}/callback/${p.id}`,
      credentials: p.credentials,
    });
  }
  if (builtInPassword(ctx)) {
    list.push({
      id: PASSWORD_PROVIDER,
      name: "Email and password",
      type: "credentials",
      signinURL: `${ctx.apiURL}/signin/${PASSWORD_PROVIDER}`,
      callbackURL: `${ctx.apiURL}/callback/${PASSWORD_PROVIDER}`,
      credentials: {
        email: { label: "Email", type: "email" },
        password: { label: "Password", type: "password" },
      },
    });
  }
  return list;
}

/** The id of the built-in email + password form (a Credentials provider with this id wins). */
const PASSWORD_PROVIDER = "password";

/** Whether the built-in email + password sign-in is offered: email + password on, id not taken. */
function builtInPassword(ctx: Ctx): boolean {
  return ctx.auth.password.enabled && !ctx.auth.credentialProviders.has(PASSWORD_PROVIDER);
}

/**
 * The built-in email + password sign-in of the browser routes: the same check as the JSON
 * API's (one password verify, or a dummy one for an unknown email, and the same answer), then
 * the sign-in callback, the session and the event.
 */
async function passwordCallback(ctx: Ctx): Promise<unknown> {
  if (ctx.request?.method !== "POST") return ctx.redirect(pageURL(ctx, "signIn"));
  if (!trustedFormPost(ctx)) return redirectToError(ctx, "MissingCSRF");
  const callbackUrl = await safeRedirect(ctx, field(ctx.body, "callbackUrl"));
  const email = normalizeEmail(field(ctx.body, "email") ?? "");
  const password = field(ctx.body, "password") ?? "";
  try {
    const found = email
      ? ((await ctx.auth.store.findOne("user", [{ field: "email", value: email }])) as UserRecord | null)
      : null;
    const user = await verifyPasswordSignIn(ctx, { identifier: email, user: found, password });
    if (ctx.auth.password.requireEmailVerification && !user.emailVerified)
      return redirectToError(ctx, "CredentialsSignin", { code: "email_not_verified" });
    const account = {
      provider: "credential",
      providerAccountId: user.id,
      type: "credentials" as const,
      userId: user.id,
    };
    const verdict = await allowSignIn(ctx, { user, account, credentials: { email } });
    if (verdict === false) return redirectToError(ctx, "AccessDenied");
    if (typeof verdict === "string") return ctx.redirect(await safeRedirect(ctx, verdict));
    await issueSession(ctx, ctx.auth.store, user);
    await tellEvent(ctx, "signIn", { user, account, isNewUser: false });
    return ctx.redirect(callbackUrl);
  } catch (error) {
    if (isAuthError(error) && error.status < 500)
      return redirectToError(ctx, "CredentialsSignin", { code: refusalCode(error) });
    throw error;
  }
}

/**
 * The `code` a refused form sign-in carries: the per-account limits name themselves (they say
 * nothing about whether the account exists); anything else is Auth.js's plain "credentials".
 */
function refusalCode(error: { code: string }): string {
  if (error.code === "TOO_MANY_REQUESTS") return "too_many_attempts";
  if (error.code === "PASSWORD_RESET_REQUIRED") return "password_reset_required";
  return "credentials";
}

/** Form values other than the CSRF token and the callback URL (a credentials form's fields). */
function formFields(body: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!body || typeof body !== "object") return out;
  for (const [k, v] of Object.entries(body)) {
    if (k === "csrfToken" || k === "callbackUrl" || typeof v !== "string") continue;
    out[k] = v;
  }
  return out;
}

async function credentialsCallback(ctx: Ctx, providerId: string): Promise<unknown> {
  if (ctx.request?.method !== "POST") return ctx.redirect(pageURL(ctx, "signIn"));
  if (!trustedFormPost(ctx)) return redirectToError(ctx, "MissingCSRF");
  const callbackUrl = await safeRedirect(ctx, field(ctx.body, "callbackUrl"));
  const fields = formFields(ctx.body);
  try {
    const { user, isNewUser } = await authorizeCredentials(ctx, providerId, fields);
    const account = {
      provider: providerId,
      providerAccountId: user.id,
      type: "credentials" as const,
      userId: user.id,
    };
    const verdict = await allowSignIn(ctx, { user, account, credentials: fields });
    if (verdict === false) return redirectToError(ctx, "AccessDenied");
    if (typeof verdict === "string") return ctx.redirect(await safeRedirect(ctx, verdict));
    await issueSession(ctx, ctx.auth.store, user);
    await tellEvent(ctx, "signIn", { user, account, isNewUser });
    return ctx.redirect(callbackUrl);
  } catch (error) {
    if (error instanceof CredentialsRefused)
      return redirectToError(ctx, "CredentialsSignin", { code: error.code });
    if (isAuthError(error) && error.status < 500)
      return redirectToError(ctx, "CredentialsSignin", { code: refusalCode(error) });
    ctx.auth.logger.error("gatehouse: credentials sign-in failed", error);
    return redirectToError(ctx, "Configuration");
  }
}

async function oauthCallback(ctx: Ctx, providerId: string): Promise<unknown> {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries((ctx.query as Record<string, string> | undefined) ?? {}))
    params.set(k, v);
  return handleOAuthCallback(ctx, providerId, params, {
    errorURL: (code) => errorRedirectURL(ctx, authjsErrorType(code)),
    allowSignIn: async (check) => {
      const verdict = await allowSignIn(ctx, {
        user: {
          id: check.profileUser.id,
          name: check.profileUser.name ?? "",
          email: check.profileUser.email ?? "",
          emailVerified: check.profileUser.emailVerified === true,
          image: check.profileUser.image ?? null,
          createdAt: new Date(),
          updatedAt: new Date(),
        },
        account: {
          provider: check.providerId,
          providerAccountId: check.profileUser.id,
          type: check.providerType,
          access_token: check.tokens.access_token,
          refresh_token: check.tokens.refresh_token,
          id_token: check.tokens.id_token,
          expires_at: check.tokens.expires_at,
          token_type: check.tokens.token_type,
          scope: check.tokens.scope,
        },
        profile: check.profile,
      });
      return typeof verdict === "string" ? safeRedirect(ctx, verdict) : verdict;
    },
    afterSignIn: async ({ user, isNewUser, providerId: id }) => {
      const row = (await ctx.auth.store.findOne("account", [
        { field: "providerId", value: id },
        { field: "userId", value: user.id },
      ])) as AccountRecord | null;
      const account = row ? await toAccount(ctx.auth, row) : null;
      await tellEvent(ctx, "signIn", { user, account, isNewUser });
    },
  });
}

/**
 * The browser routes in Auth.js's dialect: the paths, form fields, CSRF double-submit, error
 * names and redirects of `@auth/express`, over the same flows as the JSON API. Mounted with
 * `ExpressAuth` (gatehouse/express).
 */
export const browserEndpoints = {
  csrf: defineEndpoint({
    method: "GET",
    path: "/csrf",
    handler: async (ctx) => ({ csrfToken: csrf(ctx).token }),
  }),
  providers: defineEndpoint({
    method: "GET",
    path: "/providers",
    handler: async (ctx) => providerList(ctx),
  }),
  session: defineEndpoint({
    method: ["GET", "POST"],
    path: "/session",
    body: form,
    handler: async (ctx) => {
      if (ctx.request?.method === "POST" && !csrf(ctx, field(ctx.body, "csrfToken")).verified) {
        // Auth.js answers a failed session update with 400 and no redirect: it is an API call.
        return new Response("null", { status: 400, headers: { "content-type": "application/json" } });
      }
      const data = await ctx.getSession({ disableCookieCache: ctx.request?.method === "POST" });
      const body = data ? await toAuthJsSession(ctx, data) : null;
      return new Response(JSON.stringify(body), {
        headers: { "content-type": "application/json", "cache-control": "private, no-cache, no-store" },
      });
    },
  }),
  signInPage: defineEndpoint({
    method: "GET",
    path: "/signin",
    query,
    handler: async (ctx) => {
      const q = ctx.query ?? {};
      if (ctx.auth.options.pages?.signIn) {
        const target = new URL(pageURL(ctx, "signIn"));
        for (const k of ["callbackUrl", "error", "code"]) if (q[k]) target.searchParams.set(k, q[k]);
        return ctx.redirect(target.href);
      }
      const { token } = csrf(ctx);
      return sendPage(ctx, (nonce) =>
        renderSignInPage({
          ...pageBase(ctx),
          nonce,
          providers: signInProviders(ctx),
          csrfToken: token,
          callbackUrl: q.callbackUrl,
          error: q.error,
          email: q.email,
          signUp: ctx.auth.password.enabled ? { action: `${ctx.apiURL}/signup` } : undefined,
        }),
      );
    },
  }),
  signIn: defineEndpoint({
    method: "POST",
    path: "/signin/:provider",
    body: form,
    query,
    handler: async (ctx) => {
      const id = ctx.params.provider ?? "";
      if (!csrf(ctx, field(ctx.body, "csrfToken")).verified) return redirectToError(ctx, "MissingCSRF");
      const callbackUrl = await safeRedirect(ctx, field(ctx.body, "callbackUrl"));
      if (ctx.auth.emailProviders.has(id)) return emailSignIn(ctx, id, field(ctx.body, "email"), callbackUrl);
      if (!ctx.auth.providers.has(id)) return ctx.redirect(pageURL(ctx, "signIn"));
      try {
        const { url } = await startOAuth(ctx, {
          provider: id,
          callbackURL: callbackUrl,
          errorCallbackURL: undefined,
          authorizationParams: ctx.query ?? {},
        });
        return ctx.redirect(url);
      } catch (error) {
        if (isAuthError(error) && error.status < 500 && error.code !== "PROVIDER_UNAVAILABLE") throw error;
        ctx.auth.logger.warn("gatehouse: could not start the OAuth sign-in", error);
        return redirectToError(ctx, "OAuthSignin");
      }
    },
  }),
  callback: defineEndpoint({
    method: ["GET", "POST"],
    path: "/callback/:provider",
    // OAuth form_post arrives cross-site; credentials and email check origin and CSRF themselves.
    skipOriginCheck: true,
    body: form,
    query,
    handler: async (ctx) => {
      const id = ctx.params.provider ?? "";
      if (ctx.auth.credentialProviders.has(id)) return credentialsCallback(ctx, id);
      if (id === PASSWORD_PROVIDER && builtInPassword(ctx)) return passwordCallback(ctx);
      if (ctx.auth.emailProviders.has(id)) return emailCallback(ctx, id);
      if (ctx.request?.method === "POST") {
        const fields = formPostResponse.safeParse(ctx.body ?? {});
        if (!fields.success) return redirectToError(ctx, "OAuthCallbackError");
        return formPostToQuery(ctx, id, fields.data);
      }
      return oauthCallback(ctx, id);
    },
  }),
  signOutPage: defineEndpoint({
    method: "GET",
    path: "/signout",
    query,
    handler: async (ctx) => {
      if (ctx.auth.options.pages?.signOut) return ctx.redirect(pageURL(ctx, "signOut"));
      const { token } = csrf(ctx);
      return sendPage(ctx, (nonce) =>
        renderSignOutPage({
          ...pageBase(ctx),
          nonce,
          action: `${ctx.apiURL}/signout`,
          csrfToken: token,
          callbackUrl: ctx.query?.callbackUrl,
        }),
      );
    },
  }),
  signOut: defineEndpoint({
    method: "POST",
    path: "/signout",
    body: form,
    handler: async (ctx) => {
      if (!csrf(ctx, field(ctx.body, "csrfToken")).verified) return redirectToError(ctx, "MissingCSRF");
      const current = await ctx.getSession({ disableCookieCache: true });
      await signOut(ctx);
      await tellEvent(ctx, "signOut", { session: current?.session ?? null });
      return ctx.redirect(await safeRedirect(ctx, field(ctx.body, "callbackUrl")));
    },
  }),
  signUp: defineEndpoint({
    method: "POST",
    path: "/signup",
    summary: "Gatehouse's addition to the browser routes: sign-up with the built-in form",
    body: form,
    handler: async (ctx) => {
      if (!csrf(ctx, field(ctx.body, "csrfToken")).verified) return redirectToError(ctx, "MissingCSRF");
      const callbackUrl = await safeRedirect(ctx, field(ctx.body, "callbackUrl"));
      const email = field(ctx.body, "email") ?? "";
      try {
        if (!z.email().safeParse(email.trim()).success) throw new AuthError(400, "INVALID_EMAIL");
        const name = (field(ctx.body, "name") ?? "").trim() || email.split("@")[0] || "User";
        // As the JSON API does: PostgreSQL cannot store a NUL, so the insert was a 500.
        if (name.includes("\u0000")) throw new AuthError(400, "VALIDATION_ERROR");
        await signUpWithPassword(ctx, {
          name,
          email: email.trim(),
          password: field(ctx.body, "password") ?? "",
        });
        return ctx.redirect(callbackUrl);
      } catch (error) {
        if (isAuthError(error) && error.status < 500)
          return redirectToError(ctx, "EmailCreateAccount", { code: error.code });
        throw error;
      }
    },
  }),
  errorPage: defineEndpoint({
    method: "GET",
    path: "/error",
    query,
    handler: async (ctx) => {
      if (ctx.auth.options.pages?.error) {
        const target = new URL(pageURL(ctx, "error"));
        if (ctx.query?.error) target.searchParams.set("error", ctx.query.error);
        return ctx.redirect(target.href);
      }
      return sendPage(ctx, (nonce) =>
        renderErrorPage({
          ...pageBase(ctx),
          nonce,
          error: ctx.query?.error,
          signInURL: pageURL(ctx, "signIn"),
        }),
      );
    },
  }),
  verifyRequest: defineEndpoint({
    method: "GET",
    path: "/verify-request",
    handler: async (ctx) => {
      if (ctx.auth.options.pages?.verifyRequest) return ctx.redirect(pageURL(ctx, "verifyRequest"));
      return sendPage(ctx, (nonce) => renderVerifyRequestPage({ ...pageBase(ctx), nonce, url: ctx.origin }));
    },
  }),
};
