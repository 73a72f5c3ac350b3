/**
 * Cookies too large for one browser cookie, split the way Auth.js splits its session cookie:
 * a value longer than {@link COOKIE_CHUNK_SIZE} characters is written as `name.0`, `name.1`, ...
 * and read back by joining the chunks in numeric order; a value that fits is written as
 * `name` alone. Every write also clears the chunks (or the unchunked cookie) left over from
 * the previous value.
 *
 * This module deals in names and values only; the caller serializes them with its cookie
 * attributes (clearing = empty value, `Max-Age=0`, the same path and domain).
 *
 * @module
 */

/**
 * Longest value, in characters, that goes in one cookie: Auth.js's 4096-byte cookie budget
 * minus the 160 bytes it reserves for the name and attributes.
 */
export const COOKIE_CHUNK_SIZE = 4096 - 160;

/**
 * Most chunks written or read. A value needing more is refused on write; a request carrying
 * more (or an index past it) is not one we wrote, and reads as no cookie. 16 chunks are about
 * 63 KB, four times Node's default limit for all request headers together.
 */
export const MAX_COOKIE_CHUNKS = 16;

/** A cookie to set: its name and value, without attributes. */
export interface CookieChunk {
  name: string;
  value: string;
}

/** What to write for a value: the cookies to set and the names of stale cookies to clear. */
export interface ChunkedCookieWrite {
  set: CookieChunk[];
  /** Cookies the request carried under this name that the new value no longer uses. */
  clear: string[];
}

/** Options of {@link chunkCookie}. */
export interface ChunkCookieOptions {
  /** The request's cookies (parsed Cookie header), to find stale chunks to clear. */
  existing?: Readonly<Record<string, string | undefined>>;
}

/** RFC 6265 cookie-octet: printable ASCII except space, `"`, `,`, `;` and `\`. */
const COOKIE_OCTETS = /^[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]+$/;
/** A chunk index as written: no leading zero, at most two digits (the cap is below 100). */
const CHUNK_INDEX = /^(?:0|[1-9][0-9]?)$/;

/**
 * Splits a value into the cookies to set under `name`, and lists the cookies to clear: the
 * request's `name` and `name.<anything>` that the new value does not overwrite.
 *
 * @example
 * const { set, clear } = chunkCookie("authjs.session-token", jwe, { existing: parseCookies(header) });
 * for (const c of set) res.append("Set-Cookie", serializeCookie(c.name, c.value, attributes));
 * for (const n of clear) res.append("Set-Cookie", serializeCookie(n, "", { ...attributes, maxAge: 0 }));
 * @throws {TypeError} When the name is empty, the value is empty (use {@link clearChunkedCookie}),
 *   holds characters that are not cookie-safe (encode it first: its length must be what is sent),
 *   or needs more than {@link MAX_COOKIE_CHUNKS} chunks.
 */
export function chunkCookie(
  name: string,
  value: string,
  options: ChunkCookieOptions = {},
): ChunkedCookieWrite {
  assertName(name, "chunkCookie");
  if (typeof value !== "string" || value === "") {
    throw new TypeError(
      "chunkCookie: value must be a non-empty string; to remove the cookie use clearChunkedCookie",
    );
  }
  if (!COOKIE_OCTETS.test(value)) {
    throw new TypeError("chunkCookie: value must hold only cookie-safe characters (RFC 6265 cookie-octet)");
  }
  const count = Math.ceil(value.length / COOKIE_CHUNK_SIZE);
  if (count > MAX_COOKIE_CHUNKS) {
    throw new TypeError(
      `chunkCookie: a ${value.length}-character value needs ${count} cookies, more than the ${MAX_COOKIE_CHUNKS} allowed`,
    );
  }

  const set: CookieChunk[] = [];
  if (count === 1) {
    set.push({ name, value });
  } else {
    for (let i = 0; i < count; i++) {
      set.push({
        name: `${name}.${i}`,
        value: value.slice(i * COOKIE_CHUNK_SIZE, (i + 1) * COOKIE_CHUNK_SIZE),
      });
    }
  }
  const written = new Set(set.map((c) => c.name));
  const clear = clearChunkedCookie(options.existing ?? {}, name).filter((n) => !written.has(n));
  return { set, clear };
}

/**
 * Reads a cookie that may be chunked: `name.0` ... `name.N-1` joined in numeric order, or
 * `name` alone. Empty cookies count as absent (they are cleared ones) and names such as
 * `name.x` are ignored.
 *
 * Returns undefined when there is no such cookie, when a chunk is missing (a gap in the
 * numbering), when an index reaches {@link MAX_COOKIE_CHUNKS}, or when both `name` and its
 * chunks are present (which of the two is current cannot be told).
 */
export function readChunkedCookie(
  cookies: Readonly<Record<string, string | undefined>>,
  name: string,
): string | undefined {
  assertName(name, "readChunkedCookie");
  const prefix = `${name}.`;
  const chunks: string[] = [];
  let found = 0;
  let whole: string | undefined;
  for (const key of Object.keys(cookies)) {
    const value = cookies[key];
    if (typeof value !== "string" || value === "") continue;
    if (key === name) {
      whole = value;
      continue;
    }
    if (!key.startsWith(prefix)) continue;
    const suffix = key.slice(prefix.length);
    if (!/^[0-9]+$/.test(suffix)) continue; // `name.x`: not a chunk
    const index = CHUNK_INDEX.test(suffix) ? Number(suffix) : MAX_COOKIE_CHUNKS;
    if (index >= MAX_COOKIE_CHUNKS) return undefined; // `name.007`, `name.99999`: never written by us
    chunks[index] = value;
    found++;
  }
  if (found === 0) return whole;
  if (whole !== undefined) return undefined;
  // `found` distinct indices fill 0..found-1 exactly when none is missing.
  for (let i = 0; i < found; i++) {
    if (chunks[i] === undefined) return undefined;
  }
  return chunks.join("");
}

/** RFC 6265 cookie-name (an RFC 7230 token): what a Set-Cookie header can name. */
const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * Names of every cookie the request carries under `name` (`name` and `name.<anything>`), to
 * clear on sign-out or before writing a new value. Names that no Set-Cookie header can carry
 * (a space, a non-ASCII character: a client can send them, we never set them) are left out:
 * serializing one throws, which turned any sign-in or sign-out into a 500.
 */
export function clearChunkedCookie(
  cookies: Readonly<Record<string, string | undefined>>,
  name: string,
): string[] {
  assertName(name, "clearChunkedCookie");
  const prefix = `${name}.`;
  return Object.keys(cookies).filter(
    (key) => (key === name || key.startsWith(prefix)) && COOKIE_NAME.test(key),
  );
}

function assertName(name: string, caller: string): void {
  if (typeof name !== "string" || name === "") {
    throw new TypeError(`${caller}: name must be a non-empty string`);
  }
}
