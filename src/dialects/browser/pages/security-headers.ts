import { randomToken } from "../../../crypto/random.js";

/** base64 or base64url, 16 to 256 characters, optional padding: all a CSP nonce may be. */
const NONCE_PATTERN = /^[A-Za-z0-9+/_-]{16,256}={0,2}$/;

/**
 * Returns a fresh nonce for one page response (128 random bits, base64url). Use it once:
 * pass it to the render function, which puts it in both the `<style>` element and the CSP.
 */
export function createPageNonce(): string {
  return randomToken(16);
}

/**
 * Throws unless `nonce` can go into a CSP header and an HTML attribute as it is.
 *
 * @throws {TypeError} When `nonce` is not 16 to 256 base64 or base64url characters.
 */
export function assertNonce(nonce: string): void {
  if (typeof nonce !== "string" || !NONCE_PATTERN.test(nonce)) {
    throw new TypeError("pages: nonce must be 16 to 256 base64 or base64url characters");
  }
}

/**
 * The headers every built-in page carries. The CSP allows no scripts at all, styles only from
 * the element carrying `nonce`, images from this site or https, and form posts to this site
 * or https (a provider's sign-in route on this origin, which then redirects away).
 *
 * @throws {TypeError} When `nonce` is not a valid nonce (see {@link assertNonce}).
 */
export function securityHeaders(nonce: string): Record<string, string> {
  assertNonce(nonce);
  return {
    "content-type": "text/html; charset=utf-8",
    "content-security-policy": [
      "default-src 'none'",
      `style-src 'nonce-${nonce}'`,
      "img-src 'self' https: data:",
      "form-action 'self' https:",
      "frame-ancestors 'none'",
      "base-uri 'none'",
    ].join("; "),
    "x-content-type-options": "nosniff",
    // same-origin, not no-referrer: under no-referrer browsers send `Origin: null` on the
    // pages' own form posts, which the Origin check must refuse. same-origin still sends
    // nothing to other origins, so the confirm page's token never reaches a logo's host.
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
    "cache-control": "no-store",
  };
}
