import type { IncomingHttpHeaders } from "node:http";

/**
 * Converts Node's `req.headers` into Web `Headers` (arrays become repeated values), for
 * `auth.api.getSession({ headers: fromNodeHeaders(req.headers) })`.
 */
export function fromNodeHeaders(headers: IncomingHttpHeaders): Headers {
  const out = new Headers();
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) out.append(name, v);
    else out.set(name, String(value));
  }
  return out;
}
