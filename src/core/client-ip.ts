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
