import { z } from "zod";

/** Largest query string a form_post callback is moved into (the redirect's Location header). */
export const MAX_FORM_POST_QUERY = 8 * 1024;

/** RFC 6749 Appendix A: codes, states and error fields are printable ASCII. */
const ascii = (max: number) =>
  z
    .string()
    .max(max)
    .regex(/^[\x20-\x7e]*$/, "printable ASCII only");

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
    code: ascii(4096).optional(),
    state: ascii(512).optional(),
    iss: ascii(2048).optional(),
    error: ascii(256).optional(),
    error_description: ascii(2048).optional(),
    error_uri: ascii(2048).optional(),
    user: z.string().max(4096).optional(),
  })
  .refine(
    (fields) => {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(fields)) if (v !== undefined) params.set(k, v);
      return params.toString().length <= MAX_FORM_POST_QUERY;
    },
    { message: `the callback's fields take more than ${MAX_FORM_POST_QUERY} bytes` },
  );
