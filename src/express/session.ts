import type { NextFunction, Request, RequestHandler, Response } from "express";
import { cookieMode, callOrigin, type HeaderReader } from "../core/call.js";
import type { AuthContext } from "../core/context.js";
import type { Auth } from "../create-auth.js";
import type { AuthJsSession, SessionWithUser } from "../core/options.js";
import { authFor, type ExpressAuthConfig } from "./express-auth.js";
import { publicRow } from "../core/store.js";
import { parseCookies } from "../http/cookies.js";
import type { CookieMode } from "../session/manager.js";

declare global {
  namespace Express {
    interface Request {
      /** The session of this request, set by `authSession(auth)`; null when signed out. */
      auth?: SessionWithUser | null;
    }
    interface Locals {
      /**
       * The session for templates: `{ session, user }` from `authSession(auth)`, or Auth.js's
       * `{ user, expires }` when an app sets it from `getSession(req, config)`; null when signed out.
       */
      session?: SessionWithUser | AuthJsSession | null;
    }
  }
}

/** Something that owns a Gatehouse context (an `auth` instance). */
export type AuthLike = Pick<Auth, "$context">;

/**
 * What the per-request path remembers per auth instance: the last (protocol, host) seen and the
 * origin it gave, and the cookie mode of each scheme. Both are pure functions of their inputs,
 * so remembering them changes no answer; one entry keeps the memory bounded whatever Host
 * headers clients send.
 */
interface EdgeMemo {
  key: string | undefined;
  origin: string;
  modes: { http?: CookieMode; https?: CookieMode };
}

const memos = new WeakMap<AuthContext, EdgeMemo>();

function memoFor(ctx: AuthContext): EdgeMemo {
  let memo = memos.get(ctx);
  if (!memo) {
    memo = { key: undefined, origin: "", modes: {} };
    memos.set(ctx, memo);
  }
  return memo;
}

function computeOrigin(
  ctx: AuthContext,
  protocol: string,
  host: string | undefined,
  forwarded: HeaderReader,
): string {
  let url: URL | undefined;
  try {
    url = new URL(`${protocol}://${host || "localhost"}`);
  } catch {
    url = undefined; // A junk Host header: fall back to callOrigin's default rather than throwing.
  }
  return callOrigin(ctx, forwarded, url);
}

/**
 * No forwarded headers. A plain reader, not `new Headers()`: this module is loaded by every app
 * that imports `gatehouse/express`, and the first `Headers` loads Node's fetch implementation.
 */
const NO_HEADERS: HeaderReader = { get: () => null };

function originOf(ctx: AuthContext, memo: EdgeMemo, req: Request): string {
  if (ctx.baseURL) return ctx.baseURL.origin;
  // req.protocol honours Express's own `trust proxy` setting; with trustHost, callOrigin also
  // applies X-Forwarded-Proto/Host exactly as the core does, so both pick the same cookie names.
  const protocol = req.protocol;
  const host = req.get("host");
  if (ctx.trustHost) {
    // Express joins repeated headers with ", " as Headers would; callOrigin takes the first.
    const forwarded: HeaderReader = {
      get: (name) =>
        name === "x-forwarded-proto" || name === "x-forwarded-host" ? req.get(name) || null : null,
    };
    return computeOrigin(ctx, protocol, host, forwarded);
  }
  const key = `${protocol} ${host ?? ""}`;
  if (memo.key !== key) {
    memo.origin = computeOrigin(ctx, protocol, host, NO_HEADERS);
    memo.key = key;
  }
  return memo.origin;
}

/** cookieMode depends on the origin only through its scheme: one mode per scheme, made once. */
function modeOf(ctx: AuthContext, memo: EdgeMemo, origin: string): CookieMode {
  const scheme = origin.startsWith("https:") ? "https" : "http";
  let mode = memo.modes[scheme];
  if (!mode) {
    mode = cookieMode(ctx, origin);
    memo.modes[scheme] = mode;
  }
  return mode;
}

async function readSession(
  req: Request,
  auth: AuthLike,
  res: Response | undefined,
): Promise<SessionWithUser | null> {
  // No Cookie header, no session: skip working out the origin and cookie names.
  if (!req.headers.cookie) return null;
  const ctx = auth.$context;
  const memo = memoFor(ctx);
  const mode = modeOf(ctx, memo, originOf(ctx, memo, req));
  const resolved = await ctx.sessions.resolve(parseCookies(req.headers.cookie), mode);
  if (!resolved) return null;
  if (res && !res.headersSent && resolved.setCookies.length > 0)
    res.append("Set-Cookie", resolved.setCookies);
  const user = publicRow(ctx.schema, "user", resolved.user) as SessionWithUser["user"];
  return resolved.token
    ? { session: resolved.session, user, token: resolved.token }
    : { session: resolved.session, user };
}

function isAuthLike(value: unknown): value is AuthLike {
  return typeof value === "object" && value !== null && "$context" in value;
}

/**
 * Reads the session of an Express request: straight from the cookie through the session
 * manager (no synthetic Request, no endpoint pipeline). A sliding renewal's cookies are set on
 * `res` (with a config object: `req.res` when `res` is not given). Returns null when signed out.
 *
 * - `getSession(req, auth)` (an instance from `createAuth`): `{ session, user }`.
 * - `getSession(req, authConfig)` (the object given to `ExpressAuth`, as in Auth.js): Auth.js's
 *   `{ user: { id, name, email, image }, expires }`, shaped by `callbacks.session`. The same
 *   object always maps to the same instance, so nothing is set up per call.
 */
export function getSession(req: Request, auth: AuthLike, res?: Response): Promise<SessionWithUser | null>;
export function getSession(
  req: Request,
  config: ExpressAuthConfig,
  res?: Response,
): Promise<AuthJsSession | null>;
export async function getSession(
  req: Request,
  authOrConfig: AuthLike | ExpressAuthConfig,
  res?: Response,
): Promise<SessionWithUser | AuthJsSession | null> {
  if (isAuthLike(authOrConfig)) return readSession(req, authOrConfig, res);
  const auth = authFor(authOrConfig);
  // Auth.js's getSession(req, config) has no `res`: the renewal goes on Express's req.res.
  const data = await readSession(req, auth, res ?? req.res);
  if (!data) return null;
  const base: AuthJsSession = {
    user: {
      id: data.user.id,
      name: data.user.name ?? null,
      email: data.user.email ?? null,
      image: data.user.image ?? null,
    },
    expires: data.session.expiresAt.toISOString(),
  };
  const { callbacks, events, logger } = auth.$context.options;
  const shaped = callbacks?.session
    ? await callbacks.session({ session: base, user: data.user, token: data.token })
    : base;
  if (events?.session) {
    // An event cannot change the answer: its errors are logged.
    await Promise.resolve(events.session({ session: shaped })).catch((error: unknown) =>
      (logger ?? console).error("gatehouse: events.session threw", error),
    );
  }
  return shaped;
}

/**
 * Middleware that puts the session on `req.auth` and `res.locals.session` (null when signed
 * out) for every request after it, e.g. for templates.
 */
export function authSession(auth: AuthLike): RequestHandler {
  return function gatehouseSession(req: Request, res: Response, next: NextFunction): void {
    readSession(req, auth, res).then((session) => {
      req.auth = session;
      res.locals.session = session;
      next();
    }, next);
  };
}

/** Options of {@link requireAuth}. */
export interface RequireAuthOptions {
  /** Where browsers are sent when signed out. Default "/sign-in". `callbackUrl` is appended. */
  signInURL?: string;
}

function wantsHTML(req: Request): boolean {
  if (req.xhr) return false;
  const accept = req.get("accept") ?? "";
  return req.method === "GET" && accept.includes("text/html");
}

/**
 * Protects one route or a whole router: signed-out API requests get 401 `{ code, message }`,
 * signed-out browser page loads are redirected to the sign-in URL with `callbackUrl`.
 * Reuses `req.auth` when `authSession` already ran.
 */
export function requireAuth(auth: AuthLike, options: RequireAuthOptions = {}): RequestHandler {
  const signInURL = options.signInURL ?? "/sign-in";
  return function gatehouseRequireAuth(req: Request, res: Response, next: NextFunction): void {
    const known = req.auth !== undefined ? Promise.resolve(req.auth) : readSession(req, auth, res);
    known.then((session) => {
      req.auth = session;
      res.locals.session = session;
      if (session) return next();
      if (wantsHTML(req)) {
        const target = new URL(signInURL, "http://placeholder.invalid");
        // "//host/x" or "/\\host" would read as another site to a naive sign-in page: keep one slash.
        target.searchParams.set("callbackUrl", req.originalUrl.replace(/^[/\\]+/, "/"));
        const location =
          target.origin === "http://placeholder.invalid" ? target.pathname + target.search : target.href;
        res.redirect(302, location);
        return;
      }
      res
        .status(401)
        .set("cache-control", "no-store")
        .json({ code: "UNAUTHORIZED", message: "Unauthorized" });
    }, next);
  };
}
