import { modeForContext } from "../core/call.js";
import { addressFromHeaders, clientAddress } from "../core/client-ip.js";
import type { EndpointContext } from "../core/endpoint.js";
import { parseCookies } from "../http/cookies.js";
import type { Store } from "../core/store.js";
import type { SessionRecord, UserRecord } from "../core/types.js";

/**
 * The client address recorded on a new session, by the same rule as rate limits: a header the
 * app named in `advanced.ipAddress.ipAddressHeaders`, else what the edge saw (the socket, or
 * Express's `req.ip` under `trust proxy`). A client-sent X-Forwarded-For is never believed on
 * its own, with or without `trustHost` (which is about the host name, not the address).
 */
export function clientIp(ctx: EndpointContext<unknown, unknown>): string | null {
  const trusted = ctx.auth.ipAddressHeaders;
  if (ctx.request) return clientAddress(ctx.request, trusted) ?? null;
  return addressFromHeaders(ctx.headers, trusted) ?? null;
}

/**
 * The one way to sign a user in: a new session row (never reusing a planted one), its
 * cookies on the response. Every sign-in method calls this.
 */
export async function issueSession(
  ctx: EndpointContext<unknown, unknown>,
  store: Store,
  user: UserRecord,
  options: { rememberMe?: boolean } = {},
): Promise<{ token: string; session: SessionRecord }> {
  const rememberMe = options.rememberMe !== false;
  const { token, session } = await ctx.auth.sessions.create(store, {
    userId: user.id,
    ipAddress: clientIp(ctx),
    userAgent: ctx.headers.get("user-agent")?.slice(0, 512) ?? null,
    rememberMe,
  });
  const existing = parseCookies(ctx.headers.get("cookie"));
  const mode = modeForContext(ctx);
  // The session this browser held until now ends here (ASVS 7.2.4): a sign-in replaces it, and
  // a token that was planted or left behind must not stay usable alongside the new one.
  const previous = ctx.auth.sessions.tokenFromCookie(existing[mode.names.sessionToken]);
  if (previous && previous !== token) await ctx.auth.sessions.revokeToken(store, previous);
  for (const cookie of await ctx.auth.sessions.sessionCookies(
    mode,
    token,
    { session, user },
    rememberMe,
    existing,
  )) {
    ctx.responseHeaders.append("set-cookie", cookie);
  }
  return { token, session };
}

/** Removes the session cookies from the browser. */
export function clearSessionCookies(ctx: EndpointContext<unknown, unknown>): void {
  for (const cookie of ctx.auth.sessions.clearCookies(
    modeForContext(ctx),
    parseCookies(ctx.headers.get("cookie")),
  ))
    ctx.responseHeaders.append("set-cookie", cookie);
}
