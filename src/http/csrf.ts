import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * CSRF double-submit in Auth.js's format: the cookie holds `token|sha256hex(token + secret)`, the
 * form echoes `token` as `csrfToken`. The hash lets the server trust a cookie it set without
 * storing anything; the echo proves the form came from a page that could read the token.
 */

/** The CSRF cookie's name: `__Host-` on https (no Domain, Path=/, Secure), as Auth.js does. */
export function csrfCookieName(prefix: string, secure: boolean): string {
  return `${secure ? "__Host-" : ""}${prefix}.csrf-token`;
}

function hashFor(token: string, secret: string): string {
  return createHash("sha256").update(`${token}${secret}`, "utf8").digest("hex");
}

function sameString(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The CSRF state of one request. */
export interface CsrfState {
  /** The token to put in forms (`csrfToken`). */
  token: string;
  /** A new cookie value to set, when the request had no valid one. */
  cookie: string | undefined;
  /** True when the request's cookie is ours and the posted token matches it. */
  verified: boolean;
}

/**
 * Reads the CSRF cookie (any secret of the rotation list may have made it) and checks the posted
 * token against it; makes a new token when the cookie is missing or not ours.
 */
export function csrfState(
  cookieValue: string | undefined,
  secrets: readonly string[],
  posted: unknown,
): CsrfState {
  if (cookieValue) {
    const bar = cookieValue.indexOf("|");
    const token = bar > 0 ? cookieValue.slice(0, bar) : "";
    const hash = bar > 0 ? cookieValue.slice(bar + 1) : "";
    if (token && secrets.some((secret) => sameString(hash, hashFor(token, secret)))) {
      return { token, cookie: undefined, verified: typeof posted === "string" && sameString(posted, token) };
    }
  }
  const token = randomBytes(32).toString("hex");
  return { token, cookie: `${token}|${hashFor(token, secrets[0] ?? "")}`, verified: false };
}
