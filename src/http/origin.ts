import { AuthError } from "../core/errors.js";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** Normalizes an origin string ("https://Example.com:443/x" -> "https://example.com"), or null. */
export function normalizeOrigin(value: string): string | null {
  try {
    const url = new URL(value);
    if (url.protocol !== "http:" && url.protocol !== "https:") return null;
    return url.origin;
  } catch {
    return null;
  }
}

/**
 * Refuses state-changing requests from untrusted origins.
 *
 * - A request that names an Origin (or, lacking one, a Referer) must name a trusted one.
 * - A request that carries cookies must name one: cookies without Origin/Referer are refused.
 * - A request with neither cookies nor browser headers (a server-to-server client) passes.
 * - A cross-site navigation (`Sec-Fetch-Site: cross-site` + `Sec-Fetch-Mode: navigate`) is refused.
 */
export function checkOrigin(method: string, headers: Headers, trusted: ReadonlySet<string>): void {
  if (SAFE_METHODS.has(method)) return;
  if (headers.get("sec-fetch-site") === "cross-site" && headers.get("sec-fetch-mode") === "navigate") {
    throw new AuthError(403, "CROSS_SITE_NAVIGATION");
  }
  const origin = headers.get("origin");
  let claimed: string | null = null;
  if (origin !== null) {
    claimed = origin === "null" ? "null" : (normalizeOrigin(origin) ?? "invalid");
  } else {
    const referer = headers.get("referer");
    if (referer) claimed = normalizeOrigin(referer) ?? "invalid";
  }
  if (claimed === null) {
    const hasCookies = Boolean(headers.get("cookie"));
    const browserish = headers.has("sec-fetch-site") && headers.get("sec-fetch-site") !== "same-origin";
    if (hasCookies || browserish)
      throw new AuthError(403, "INVALID_ORIGIN", { message: "Missing or null Origin" });
    return;
  }
  if (!trusted.has(claimed)) throw new AuthError(403, "INVALID_ORIGIN");
}
