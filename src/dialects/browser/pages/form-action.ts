import { safeLinkUrl } from "./safe-url.js";

/**
 * The target of a page whose whole point is one form (sign-out, confirm). Such a target is
 * configuration, never request input, so an unsafe one is a programming error.
 *
 * @throws {TypeError} When `action` is not a path on this site or an http(s) URL.
 */
export function requireFormAction(page: string, action: string): string {
  const safe = safeLinkUrl(action);
  if (safe === undefined) {
    throw new TypeError(`${page}: action must be a path on this site or an http(s) URL`);
  }
  return safe;
}
