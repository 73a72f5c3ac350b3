/*
 * URL checks for attributes (href, src, action) and for values that are posted back as URLs.
 * Both accept a path on this site ("/auth/signin", not "//evil" or "/\evil") or an absolute
 * URL of an allowed scheme; anything else yields undefined, so the caller drops it.
 */

const MAX_URL_LENGTH = 2048;

/** A link or form target: a path on this site or an absolute http(s) URL. */
export function safeLinkUrl(value: string | undefined): string | undefined {
  return checkUrl(value, ["http:", "https:"]);
}

/**
 * An image source: a path on this site or an absolute https URL. Plain http is refused
 * because the page's CSP would block it anyway (mixed content).
 */
export function safeImageUrl(value: string | undefined): string | undefined {
  return checkUrl(value, ["https:"]);
}

function checkUrl(value: string | undefined, schemes: readonly string[]): string | undefined {
  if (typeof value !== "string" || value.length === 0 || value.length > MAX_URL_LENGTH) return undefined;
  // Control characters, spaces and backslashes are how URL parsers are made to disagree
  // ("java\tscript:", "/\t/evil", "/\evil").
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  if (/[\u0000-\u0020\u007f\\]/.test(value)) return undefined;
  if (value.startsWith("/")) return value.startsWith("//") ? undefined : value;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (!schemes.includes(url.protocol) || url.username || url.password) return undefined;
  return url.href;
}
