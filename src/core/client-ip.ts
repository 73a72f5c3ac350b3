import { isIP } from "node:net";

const addresses = new WeakMap<Request, string>();

/**
 * Records the client address the edge (toNodeHandler) saw for a Request. A private channel:
 * nothing a client sends can set it.
 */
export function setClientIp(request: Request, ip: string): void {
  addresses.set(request, ip);
}

/** The address recorded for a Request by the edge, if any. */
export function getClientIp(request: Request | undefined): string | undefined {
  return request ? addresses.get(request) : undefined;
}

/**
 * The client address of a request, for rate limits: the first header in `trustedHeaders` that
 * holds an IP address (the app's proxy sets it; for a list such as X-Forwarded-For, the last
 * entry, the one the nearest proxy appended, since entries before it come from the client),
 * else the address the edge recorded (the socket's, or Express's `req.ip`, which honours
 * `trust proxy`). Without configured headers nothing a client sends is believed.
 */
export function clientAddress(request: Request, trustedHeaders: readonly string[]): string | undefined {
  return addressFromHeaders(request.headers, trustedHeaders) ?? getClientIp(request);
}

/**
 * The client address named by the first of `trustedHeaders` that holds an IP address (for a
 * list, its last entry). Used alone for `auth.api` calls, which have no socket behind them.
 */
export function addressFromHeaders(headers: Headers, trustedHeaders: readonly string[]): string | undefined {
  for (const name of trustedHeaders) {
    const value = headers.get(name);
    const last = value?.split(",").at(-1)?.trim();
    if (last && isIP(last.replace(/^\[|\]$/g, ""))) return last;
  }
  return undefined;
}
