import { z } from "../core/zod.js";

/** Largest query string a form_post callback is moved into (the redirect's Location header). */
export const MAX_FORM_POST_QUERY = 8 * 1024;

/** RFC 6749 Appendix A: codes, states and error fields are printable ASCII. */
const ascii = (max: number) =>
  z.string().check(z.maxLength(max), z.regex(/^[\x20-\x7e]*$/, "printable ASCII only"));

/**
 * The body of an OAuth authorization response posted back with `response_mode=form_post`:
 * the fields the callback reads (RFC 6749 §4.1.2 `code`, `state`, `error`, `error_description`,
 * `error_uri`; RFC 9207 `iss`; Apple's one-time `user`), others dropped. Both dialects move
 * these fields to a GET on the same callback (`formPostToQuery`), so they end up in a Location
 * header: the resulting query must fit in {@link MAX_FORM_POST_QUERY}, or the redirect is
 * larger than Node's 16 KiB header limit (and than a proxy's header buffer) and the browser
 * gets no usable answer.
 */
export const formPostResponse = z
  .object({
    code: z.optional(ascii(4096)),
    state: z.optional(ascii(512)),
    iss: z.optional(ascii(2048)),
    error: z.optional(ascii(256)),
    error_description: z.optional(ascii(2048)),
    error_uri: z.optional(ascii(2048)),
    user: z.optional(z.string().check(z.maxLength(4096))),
  })
  .check(
    z.refine(
      (fields) => {
        const params = new URLSearchParams();
        for (const [k, v] of Object.entries(fields)) if (v !== undefined) params.set(k, v);
        return params.toString().length <= MAX_FORM_POST_QUERY;
      },
      { message: `the callback's fields take more than ${MAX_FORM_POST_QUERY} bytes` },
    ),
  );
