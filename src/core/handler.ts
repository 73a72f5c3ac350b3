import { readBody } from "./body.js";
import { clientAddress } from "./client-ip.js";
import { runEndpoint } from "./call.js";
import type { AuthContext } from "./context.js";
import { Redirect } from "./endpoint.js";
import { AuthError, isAuthError } from "./errors.js";
import type { Router } from "./router.js";

/** Turns an error into the `{ code, message }` response; unknown errors are logged and hidden. */
export function errorResponse(auth: AuthContext, error: unknown, headers = new Headers()): Response {
  const known = toAuthError(auth, error);
  for (const [name, value] of Object.entries(known.headers ?? {})) headers.set(name, value);
  headers.set("content-type", "application/json");
  headers.set("cache-control", "no-store");
  return new Response(JSON.stringify(known.toJSON()), { status: known.status, headers });
}

/** Maps any thrown value to an AuthError that is safe to show. */
export function toAuthError(auth: AuthContext, error: unknown): AuthError {
  if (isAuthError(error)) {
    // A plugin's error thrown with only a code gets the message the plugin declared for it.
    const declared = auth.errorMessages[String(error.code)];
    if (declared && error.message === error.code) {
      return new AuthError(error.status, error.code, {
        message: declared,
        cause: error.cause,
        details: error.details,
        headers: error.headers,
      });
    }
    return error;
  }
  const code = (error as { code?: unknown } | null)?.code;
  if (code === "DATABASE_UNAVAILABLE") return new AuthError(503, "DATABASE_UNAVAILABLE", { cause: error });
  if (code === "EMAIL_DELIVERY_FAILED") {
    auth.logger.error("gatehouse: email delivery failed", error);
    return new AuthError(502, "EMAIL_DELIVERY_FAILED", { cause: error });
  }
  auth.logger.error("gatehouse: unexpected error", error);
  return new AuthError(500, "INTERNAL_SERVER_ERROR", { cause: error });
}

/** Serializes a handler result into a Response. */
export function toResponse(result: unknown, headers: Headers, status = 200): Response {
  if (result instanceof Response) {
    for (const c of headers.getSetCookie()) result.headers.append("set-cookie", c);
    return result;
  }
  if (result instanceof Redirect) {
    headers.set("location", result.url);
    return new Response(null, { status: 302, headers });
  }
  headers.set("content-type", "application/json");
  if (!headers.has("cache-control")) headers.set("cache-control", "no-store");
  return new Response(JSON.stringify(result ?? null), { status, headers });
}

/** Builds the Web `handler(request)` of an auth instance. */
export function createHandler(auth: AuthContext, router: Router): (request: Request) => Promise<Response> {
  const base = auth.basePath;
  const limiter = auth.rateLimiter;
  return async function gatehouseHandler(request: Request): Promise<Response> {
    try {
      const url = new URL(request.url);
      let path = url.pathname;
      if (base !== "/" && base !== "") {
        if (path !== base && !path.startsWith(`${base}/`)) throw new AuthError(404, "NOT_FOUND");
        path = path.slice(base.length) || "/";
      }
      const match = router.match(request.method, path);
      if (match.kind === "not-found") throw new AuthError(404, "NOT_FOUND");
      if (match.kind === "method-not-allowed") {
        const headers = new Headers({ allow: match.allow.join(", ") });
        return errorResponse(auth, new AuthError(405, "METHOD_NOT_ALLOWED"), headers);
      }
      if (limiter) {
        const client = clientAddress(request, auth.ipAddressHeaders);
        if (!client) limiter.noClientAddress();
        else {
          const decision = await limiter.hit({
            client,
            basePath: base,
            route: match.endpoint.path,
            params: match.params,
          });
          if (!decision.allowed) {
            const seconds = String(decision.retryAfter);
            return errorResponse(
              auth,
              new AuthError(429, "TOO_MANY_REQUESTS"),
              new Headers({ "retry-after": seconds, "x-retry-after": seconds }),
            );
          }
        }
      }
      if (request.method === "HEAD" && match.endpoint.consumesToken) {
        return new Response(null, { status: 200, headers: { "cache-control": "no-store" } });
      }
      const hasBody = request.method !== "GET" && request.method !== "HEAD";
      const body = hasBody ? await readBody(request) : undefined;
      const query = Object.fromEntries(url.searchParams);
      const outcome = await runEndpoint(
        auth,
        match.name,
        match.endpoint,
        { body, query, params: match.params, headers: request.headers, request, url },
        { checkOrigin: true },
      );
      const response = toResponse(outcome.result, outcome.headers);
      return request.method === "HEAD"
        ? new Response(null, { status: response.status, headers: response.headers })
        : response;
    } catch (error) {
      return errorResponse(auth, error);
    }
  };
}
