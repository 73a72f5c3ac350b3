import { parseCookies, cookieNames, serializeCookie } from "../http/cookies.js";
import { checkOrigin, normalizeOrigin } from "../http/origin.js";
import type { CookieMode, ResolvedSession } from "../session/manager.js";
import type { AuthContext } from "./context.js";
import { type AnyEndpoint, type CookieAttributes, type EndpointContext, Redirect } from "./endpoint.js";
import { AuthError } from "./errors.js";
import type { SessionWithUser } from "./options.js";

/** Raw input of one endpoint call, before validation. */
export interface CallInput {
  body: unknown;
  query: unknown;
  params: Record<string, string>;
  headers: Headers;
  request: Request | undefined;
  /** The request URL, when there is one (used for the origin when no baseURL is set). */
  url: URL | undefined;
}

/** What a call produced: a value, a redirect or a ready Response, plus headers to send. */
export interface CallOutcome {
  result: unknown;
  headers: Headers;
}

/** The public origin for a call: baseURL, else the request (forwarded headers only with trustHost). */
export function callOrigin(auth: AuthContext, headers: HeaderReader, url: URL | undefined): string {
  if (auth.baseURL) return auth.baseURL.origin;
  let proto = url ? url.protocol.replace(":", "") : "http";
  let host = url?.host ?? headers.get("host") ?? "localhost";
  if (auth.trustHost) {
    const fProto = headers.get("x-forwarded-proto")?.split(",")[0]?.trim();
    const fHost = headers.get("x-forwarded-host")?.split(",")[0]?.trim();
    if (fProto === "http" || fProto === "https") proto = fProto;
    if (fHost) host = fHost;
  }
  return normalizeOrigin(`${proto}://${host}`) ?? "http://localhost";
}

/**
 * What {@link callOrigin} reads from request headers: a `Headers` fits, and so does a plain
 * getter, which lets the Express edge work out the origin without making a `Headers` (the first
 * one loads Node's fetch implementation, ~30 ms at start-up).
 */
export interface HeaderReader {
  get(name: string): string | null;
}

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/**
 * The API URL for links that leave this request: the ones mailed for a password reset, an
 * email check, an email change or a magic link. Without `baseURL` the origin comes from the
 * request's Host, which whoever sends the request chooses: a reset asked for someone else with
 * `Host: evil.example` would mail them a link to evil.example, handing the token to its owner.
 * So a Host-made origin is used only when the app vouches for it (`trustHost`, or listed in
 * `trustedOrigins`) or it is a loopback host (development); otherwise 400 UNTRUSTED_HOST.
 */
export function linkBaseURL(ctx: EndpointContext<unknown, unknown>): string {
  const { auth, origin } = ctx;
  if (auth.baseURL || auth.trustHost || auth.trustedOrigins.includes(origin)) return ctx.apiURL;
  const host = new URL(origin).hostname;
  if (LOOPBACK_HOSTS.has(host)) return ctx.apiURL;
  throw new AuthError(400, "UNTRUSTED_HOST", {
    message:
      `Links cannot be sent for the host "${new URL(origin).host}": set baseURL ` +
      "(or AUTH_URL / BETTER_AUTH_URL), list the origin in trustedOrigins, or set trustHost behind a proxy",
  });
}

/** The cookie mode (names, Secure) for an origin. */
export function cookieMode(auth: AuthContext, origin: string): CookieMode {
  const secure = auth.useSecureCookies ?? origin.startsWith("https:");
  return { names: cookieNames(auth.cookiePrefix, secure), secure };
}

/** Trusted origins for a call: the configured ones plus the app's own origin. */
export function trustedFor(auth: AuthContext, origin: string): Set<string> {
  const set = new Set(auth.trustedOrigins);
  set.add(origin);
  return set;
}

function formatIssues(
  where: string,
  error: { issues: readonly { path: PropertyKey[]; message: string }[] },
): AuthError {
  const first = error.issues[0];
  const field = first ? [where, ...first.path.map(String)].join(".") : where;
  return new AuthError(400, "VALIDATION_ERROR", {
    message: `[${field}] ${first?.message ?? "invalid"}`,
    details: {
      field,
      issues: error.issues.map((i) => ({
        path: [where, ...i.path.map(String)].join("."),
        message: i.message,
      })),
    },
  });
}

/**
 * Runs one endpoint: validates input, checks the origin (HTTP only), runs hooks and the
 * handler. Shared by the HTTP router and `auth.api`, so both behave the same.
 */
export async function runEndpoint(
  auth: AuthContext,
  name: string,
  endpoint: AnyEndpoint,
  input: CallInput,
  options: { checkOrigin: boolean },
): Promise<CallOutcome> {
  const origin = callOrigin(auth, input.headers, input.url);
  const trusted = trustedFor(auth, origin);
  const method =
    input.request?.method ?? (Array.isArray(endpoint.method) ? endpoint.method[0] : endpoint.method);
  if (options.checkOrigin && !auth.disableOriginCheck && !endpoint.skipOriginCheck) {
    const refusal = checkOrigin(method ?? "GET", input.headers, trusted);
    if (refusal) throw new AuthError(403, refusal.code, refusal.message ? { message: refusal.message } : {});
  }

  let body: unknown = input.body;
  if (endpoint.body) {
    const parsed = endpoint.body.safeParse(body ?? {});
    if (!parsed.success) throw formatIssues("body", parsed.error);
    body = parsed.data;
  }
  let query: unknown = input.query;
  if (endpoint.query) {
    const parsed = endpoint.query.safeParse(query ?? {});
    if (!parsed.success) throw formatIssues("query", parsed.error);
    query = parsed.data;
  }

  const mode = cookieMode(auth, origin);
  const cookies = parseCookies(input.headers.get("cookie"));
  const responseHeaders = new Headers();
  let sessionPromise: Promise<ResolvedSession | null> | undefined;
  let sessionCacheAllowed = true;

  const loadSession = (disableCookieCache: boolean): Promise<ResolvedSession | null> => {
    if (!sessionPromise || (disableCookieCache && sessionCacheAllowed)) {
      sessionCacheAllowed = !disableCookieCache;
      sessionPromise = auth.sessions.resolve(cookies, mode, { disableCookieCache }).then((s) => {
        for (const c of s?.setCookies ?? []) responseHeaders.append("set-cookie", c);
        return s;
      });
    }
    return sessionPromise;
  };

  const ctx: EndpointContext<unknown, unknown> = {
    auth,
    body,
    query,
    params: input.params,
    headers: input.headers,
    request: input.request,
    origin,
    apiURL: origin + auth.basePath,
    secure: mode.secure,
    responseHeaders,
    async getSession(opts) {
      const s = await loadSession(opts?.disableCookieCache ?? false);
      if (!s) return null;
      return s.token
        ? { session: s.session, user: s.user, token: s.token }
        : { session: s.session, user: s.user };
    },
    async requireSession(opts): Promise<SessionWithUser> {
      // Actions on the account always read the database, never the cookie cache.
      const s = await loadSession(true);
      if (!s) throw new AuthError(401, "UNAUTHORIZED");
      if (opts?.fresh && auth.sessions.config.freshAge > 0) {
        const age = Date.now() - s.session.createdAt.getTime();
        if (age > auth.sessions.config.freshAge * 1000) throw new AuthError(403, "SESSION_NOT_FRESH");
      }
      return { session: s.session, user: s.user };
    },
    setCookie(cookieName: string, value: string, attributes: CookieAttributes = {}) {
      responseHeaders.append(
        "set-cookie",
        serializeCookie(cookieName, value, { ...attributes, secure: attributes.secure ?? mode.secure }),
      );
    },
    getCookie(cookieName: string) {
      return cookies[cookieName];
    },
    redirect(url: string) {
      return new Redirect(url);
    },
  };

  const event = { endpoint: name, path: endpoint.path, body, query, headers: input.headers };
  for (const h of auth.hooks) await h.before?.(event);
  const result = await endpoint.handler(ctx);
  for (const h of auth.hooks) await h.after?.({ ...event, result });
  return { result, headers: responseHeaders };
}

/** The cookie mode and session-cookie helpers, for flows that issue sessions. */
export function modeForContext(ctx: EndpointContext<unknown, unknown>): CookieMode {
  return cookieMode(ctx.auth, ctx.origin);
}
