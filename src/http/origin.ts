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

/** Why a request was refused by {@link checkOrigin} (the caller answers 403 with this code). */
export interface OriginRefusal {
  code: "INVALID_ORIGIN" | "CROSS_SITE_NAVIGATION";
  message?: string;
}

/**
 * Decides whether a state-changing request comes from a trusted origin; returns the refusal,
 * or null when it may go on.
 *
 * - A request that names an Origin (or, lacking one, a Referer) must name a trusted one.
 * - A request that carries cookies must name one: cookies without Origin/Referer are refused.
 * - A request with neither cookies nor browser headers (a server-to-server client) passes.
 * - A cross-site navigation (`Sec-Fetch-Site: cross-site` + `Sec-Fetch-Mode: navigate`) is refused.
 */
export function checkOrigin(
  method: string,
  headers: Headers,
  trusted: ReadonlySet<string>,
): OriginRefusal | null {
  if (SAFE_METHODS.has(method)) return null;
  if (headers.get("sec-fetch-site") === "cross-site" && headers.get("sec-fetch-mode") === "navigate") {
    return { code: "CROSS_SITE_NAVIGATION" };
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
    return hasCookies || browserish ? { code: "INVALID_ORIGIN", message: "Missing or null Origin" } : null;
  }
  return trusted.has(claimed) ? null : { code: "INVALID_ORIGIN" };
}
