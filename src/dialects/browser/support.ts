import type { EndpointContext, Redirect } from "../../core/endpoint.js";
import type { AuthJsCallbacks, AuthJsEvents, AuthJsSession, SessionWithUser } from "../../core/options.js";
import type { UserRecord } from "../../core/types.js";
import { csrfCookieName, csrfState, type CsrfState } from "../../http/csrf.js";
import { checkOrigin } from "../../http/origin.js";
import { isSafeRedirect } from "../../http/redirect.js";
import { modeForContext, trustedFor } from "../../core/call.js";
import { createPageNonce, pageResponse, type RenderedPage } from "./pages/index.js";
import { fitsURLLength } from "../url-field.js";

type Ctx = EndpointContext<unknown, unknown>;

/**
 * Helpers shared by the browser routes: CSRF, Auth.js error redirects, safe callback URLs,
 * the Auth.js session shape and page responses.
 */

/** Reads (and when needed sets) the CSRF cookie; `verified` when the body echoes the token. */
export function csrf(ctx: Ctx, posted?: unknown): CsrfState {
  const name = csrfCookieName(ctx.auth.cookiePrefix, modeForContext(ctx).secure);
  const state = csrfState(ctx.getCookie(name), ctx.auth.secrets, posted);
  if (state.cookie) ctx.setCookie(name, state.cookie, { httpOnly: true, sameSite: "lax", path: "/" });
  return state;
}

/**
 * For form posts to the callback route, which skips the generic Origin check because an OAuth
 * provider's form_post arrives cross-site: a credentials, password or email form must come from
 * a trusted origin and carry the CSRF token.
 */
export function trustedFormPost(ctx: Ctx): boolean {
  if (!ctx.auth.disableOriginCheck && checkOrigin("POST", ctx.headers, trustedFor(ctx.auth, ctx.origin)))
    return false;
  return csrf(ctx, field(ctx.body, "csrfToken")).verified;
}

/** Auth.js error types shown on the sign-in page rather than the error page. */
const SIGN_IN_KIND = new Set([
  "CredentialsSignin",
  "OAuthAccountNotLinked",
  "OAuthCallbackError",
  "OAuthSignin",
  "OAuthCreateAccount",
  "EmailSignin",
  "EmailCreateAccount",
  "Callback",
  "Signin",
]);

/** Maps the engine's stable codes to Auth.js's error types (what `?error=` carries here). */
export function authjsErrorType(code: string): string {
  switch (code) {
    case "access_denied":
    case "signup_disabled":
      return "AccessDenied";
    case "account_not_linked":
    case "account_already_linked_to_different_user":
    case "email_does_not_match":
      return "OAuthAccountNotLinked";
    case "provider_unavailable":
      return "OAuthSignin";
    case "unable_to_create_user":
      return "OAuthCreateAccount";
    case "internal_error":
    case "oauth_provider_not_found":
      return "Configuration";
    default:
      return "OAuthCallbackError";
  }
}

/** The URL of one of the built-in pages, or the app's replacement from `pages`. */
export function pageURL(ctx: Ctx, page: "signIn" | "signOut" | "error" | "verifyRequest"): string {
  const custom = ctx.auth.options.pages?.[page];
  if (custom) return new URL(custom, ctx.origin).href;
  const path = { signIn: "signin", signOut: "signout", error: "error", verifyRequest: "verify-request" }[
    page
  ];
  return `${ctx.apiURL}/${path}`;
}

/** Where an Auth.js error goes: the sign-in page for sign-in errors, else the error page. */
export function errorRedirectURL(ctx: Ctx, type: string, extra: Record<string, string> = {}): string {
  const url = new URL(pageURL(ctx, SIGN_IN_KIND.has(type) ? "signIn" : "error"));
  url.searchParams.set("error", type);
  for (const [k, v] of Object.entries(extra)) url.searchParams.set(k, v);
  return url.href;
}

export function redirectToError(ctx: Ctx, type: string, extra: Record<string, string> = {}): Redirect {
  return ctx.redirect(errorRedirectURL(ctx, type, extra));
}

/**
 * Where a redirect may go: the app's `callbacks.redirect`, or by default a path on this site or
 * a URL on a trusted origin, of at most 2048 characters once percent-encoded (as the JSON API's
 * URL fields); anything else becomes the site's root, as Auth.js does.
 */
export async function safeRedirect(ctx: Ctx, url: unknown): Promise<string> {
  const baseUrl = ctx.origin;
  const target = typeof url === "string" && url !== "" ? url : baseUrl;
  const custom = ctx.auth.options.callbacks?.redirect;
  if (custom) return custom({ url: target, baseUrl });
  if (fitsURLLength(target) && isSafeRedirect(target, trustedFor(ctx.auth, ctx.origin)))
    return new URL(target, baseUrl).href;
  return baseUrl;
}

/** Runs `callbacks.signIn`; false refuses, a string is where to go instead. */
export async function allowSignIn(
  ctx: Ctx,
  args: Parameters<NonNullable<AuthJsCallbacks["signIn"]>>[0],
): Promise<boolean | string> {
  const check = ctx.auth.options.callbacks?.signIn;
  return check ? check(args) : true;
}

/**
 * Tells one of Auth.js's events. An event is told after the fact and cannot change the outcome:
 * a listener that throws is logged, never turned into a failed sign-in or sign-out.
 */
export async function tellEvent<Name extends keyof AuthJsEvents>(
  ctx: Ctx,
  name: Name,
  message: Parameters<NonNullable<AuthJsEvents[Name]>>[0],
): Promise<void> {
  const listener = ctx.auth.options.events?.[name] as
    | ((message: Parameters<NonNullable<AuthJsEvents[Name]>>[0]) => unknown)
    | undefined;
  if (!listener) return;
  try {
    await listener(message);
  } catch (error) {
    ctx.auth.logger.error(`gatehouse: events.${name} threw`, error);
  }
}

/** The session in Auth.js's shape, passed through `callbacks.session`. */
export async function toAuthJsSession(ctx: Ctx, data: SessionWithUser): Promise<AuthJsSession> {
  const { user, session } = data;
  const base: AuthJsSession = {
    user: { id: user.id, name: user.name ?? null, email: user.email ?? null, image: user.image ?? null },
    expires: session.expiresAt.toISOString(),
  };
  const shaped = ctx.auth.options.callbacks?.session
    ? await ctx.auth.options.callbacks.session({ session: base, user: user as UserRecord, token: data.token })
    : base;
  await tellEvent(ctx, "session", { session: shaped });
  return shaped;
}

/**
 * Sends a page. The CSP's form-action lets sign-in forms post here and the browser follow the
 * redirect to an https provider; a provider on a loopback host (development) is added too.
 */
export function sendPage(ctx: Ctx, render: (nonce: string) => RenderedPage): Response {
  const page = render(createPageNonce());
  const loopback = [...ctx.auth.providers.values()]
    .map((c) => c.provider.authorizationURL ?? c.provider.issuer)
    .filter((u): u is string => typeof u === "string" && u.startsWith("http://"))
    .map((u) => new URL(u).origin);
  if (loopback.length === 0) return pageResponse(page);
  const headers = { ...page.headers };
  headers["content-security-policy"] = String(headers["content-security-policy"]).replace(
    "form-action 'self' https:",
    `form-action 'self' https: ${[...new Set(loopback)].join(" ")}`,
  );
  return pageResponse({ ...page, headers });
}

/** The app's display name and theme for pages. */
export function pageBase(ctx: Ctx): { appName: string; theme: NonNullable<typeof ctx.auth.options.theme> } {
  return { appName: ctx.auth.appName, theme: ctx.auth.options.theme ?? {} };
}

/** Reads a string field from a form or JSON body. */
export function field(body: unknown, name: string): string | undefined {
  if (!body || typeof body !== "object") return undefined;
  const value = (body as Record<string, unknown>)[name];
  return typeof value === "string" ? value : undefined;
}
