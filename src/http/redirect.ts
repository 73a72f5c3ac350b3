import { normalizeOrigin } from "./origin.js";

/**
 * Is `target` a safe place to send the browser? Relative paths on this site ("/dashboard",
 * not "//evil" or "/\\evil") and absolute http(s) URLs on a trusted origin are; everything
 * else (other schemes, control characters, backslashes, userinfo tricks) is not.
 */
export function isSafeRedirect(target: string, trusted: ReadonlySet<string>): boolean {
  if (target.length === 0 || target.length > 2048) return false;
  // Control characters and backslashes are how parsers are made to disagree.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  if (/[\u0000-\u001f\u007f\\]/.test(target)) return false;
  if (target.startsWith("/")) {
    if (target.startsWith("//")) return false;
    // Dot segments ("/..//evil", "/%2e//evil") normalize to the path "//evil": a caller that
    // resolves the target (new URL) and answers its pathname sends a scheme-relative Location.
    return !new URL(target, "http://path.invalid").pathname.startsWith("//");
  }
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return false;
  }
  if (url.username || url.password) return false;
  const origin = normalizeOrigin(url.href);
  return origin !== null && trusted.has(origin);
}

/** Makes a safe redirect target absolute against the app's origin. */
export function absoluteURL(target: string, origin: string): string {
  return new URL(target, origin).href;
}
