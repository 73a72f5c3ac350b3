import { runEndpoint } from "./call.js";
import type { AuthContext } from "./context.js";
import type { AnyEndpoint } from "./endpoint.js";
import { Redirect } from "./endpoint.js";
import { errorResponse, toAuthError, toResponse } from "./handler.js";

/** Arguments of a server-side call `auth.api.<name>(...)`. */
export interface ApiCallOptions<Body, Query> {
  body?: Body;
  query?: Query;
  params?: Record<string, string>;
  /** Request headers (cookies for the session); use `fromNodeHeaders(req.headers)` from Express. */
  headers?: Headers | HeadersInit;
  /** The incoming request, when there is one. */
  request?: Request;
  /** Return the HTTP Response instead of the value. */
  asResponse?: boolean;
  /** Return `{ headers, response }` so Set-Cookie can be forwarded. */
  returnHeaders?: boolean;
}

type ResultOf<E> = E extends { handler(ctx: never): Promise<infer R> }
  ? Exclude<R, Redirect | Response>
  : never;
type BodyOf<E> = E extends { body?: { _zod: { output: infer B } } } ? B : undefined;
type QueryOf<E> = E extends { query?: { _zod: { output: infer Q } } } ? Q : undefined;

/** One server-side call. The overloads follow `asResponse` / `returnHeaders`. */
export interface ApiMethod<E extends AnyEndpoint> {
  (options: ApiCallOptions<BodyOf<E>, QueryOf<E>> & { asResponse: true }): Promise<Response>;
  (
    options: ApiCallOptions<BodyOf<E>, QueryOf<E>> & { returnHeaders: true },
  ): Promise<{ headers: Headers; response: ResultOf<E> }>;
  (options?: ApiCallOptions<BodyOf<E>, QueryOf<E>>): Promise<ResultOf<E>>;
}

/** `auth.api`: every endpoint as a typed async function. */
export type Api<Endpoints extends Record<string, AnyEndpoint>> = {
  [K in keyof Endpoints]: ApiMethod<Endpoints[K]>;
};

/**
 * Builds `auth.api`. Calls run the same validation, hooks and handler as HTTP, but not the
 * Origin check (the server is calling itself). Errors are thrown as `AuthError`.
 */
export function createApi<Endpoints extends Record<string, AnyEndpoint>>(
  auth: AuthContext,
  endpoints: Endpoints,
): Api<Endpoints> {
  const api: Record<string, unknown> = {};
  for (const [name, endpoint] of Object.entries(endpoints)) {
    api[name] = async (options: ApiCallOptions<unknown, unknown> = {}) => {
      const headers = new Headers(options.headers ?? options.request?.headers);
      const url = options.request ? new URL(options.request.url) : undefined;
      try {
        const outcome = await runEndpoint(
          auth,
          name,
          endpoint,
          {
            body: options.body,
            query: options.query,
            params: options.params ?? {},
            headers,
            request: options.request,
            url,
          },
          { checkOrigin: false },
        );
        if (options.asResponse) return toResponse(outcome.result, outcome.headers);
        const value =
          outcome.result instanceof Redirect ? { redirect: true, url: outcome.result.url } : outcome.result;
        if (options.returnHeaders) return { headers: outcome.headers, response: value };
        return value;
      } catch (error) {
        if (options.asResponse) return errorResponse(auth, error);
        throw toAuthError(auth, error);
      }
    };
  }
  return api as Api<Endpoints>;
}
