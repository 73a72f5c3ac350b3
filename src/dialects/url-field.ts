import { z } from "../core/zod.js";

/** Longest URL a client may hand over (callbackURL, redirectTo, image ...), counted percent-encoded. */
export const MAX_URL_LENGTH = 2048;

/**
 * The length of `url` once characters outside printable ASCII are percent-encoded as UTF-8,
 * which is how it goes out in a Location header or a link: "/€" counts 10, not 2.
 */
export function encodedURLLength(url: string): number {
  let length = 0;
  for (const char of url) {
    const code = char.codePointAt(0) ?? 0;
    if (code >= 0x21 && code <= 0x7e) length += 1;
    else length += 3 * (code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4);
  }
  return length;
}

/** Whether a URL a client handed over is short enough to send back (see {@link urlField}). */
export function fitsURLLength(url: string): boolean {
  return url.length <= MAX_URL_LENGTH && encodedURLLength(url) <= MAX_URL_LENGTH;
}

/**
 * A URL field of a request (callbackURL, errorCallbackURL, redirectTo, image ...): at most
 * {@link MAX_URL_LENGTH} characters once percent-encoded. Measured raw, 2,000 "€" passed the
 * old limit and became an 18 KB Location header, more than Node's 16 KiB limit for a whole
 * header block: the browser got no usable answer.
 */
export const urlField = z.string().check(
  z.maxLength(MAX_URL_LENGTH),
  z.refine(fitsURLLength, {
    message: `Too long: at most ${MAX_URL_LENGTH} characters once percent-encoded`,
  }),
);
