import type { IncomingHttpHeaders } from "node:http";

/** Header the edge uses to pass the socket's client address to the core; never taken from clients. */
export const CLIENT_IP_HEADER = "x-gatehouse-client-ip";

/**
 * Converts Node's `req.headers` into Web `Headers` (arrays become repeated values), for
 * `auth.api.getSession({ headers: fromNodeHeaders(req.headers) })`. A client-sent
 * {@link CLIENT_IP_HEADER} is dropped, so it cannot spoof the address the core records.
 */
export function fromNodeHeaders(headers: IncomingHttpHeaders): Headers {
  const out = new Headers();
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || name.toLowerCase() === CLIENT_IP_HEADER) continue;
    if (Array.isArray(value)) for (const v of value) out.append(name, v);
    else out.set(name, String(value));
  }
  return out;
}
