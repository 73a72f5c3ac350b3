import type { $ZodType } from "zod/v4/core";
import type { CookieAttributes } from "../http/cookies.js";
import type { AuthContext } from "./context.js";
import type { SessionWithUser } from "./options.js";

/** HTTP methods an endpoint may answer. */
export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/**
 * A redirect returned by a handler: 302 over HTTP, `{ redirect: true, url }` through `auth.api`.
 * The URL is kept as given except that characters outside printable ASCII (non-ASCII, spaces,
 * control characters) are percent-encoded as UTF-8, as a browser would: a header value holds
 * bytes, so `Location: /€` cannot be sent at all and `Location: /é` would send Latin-1.
 */
export class Redirect {
  readonly url: string;

  constructor(url: string) {
    this.url = url.replace(/[^\x21-\x7e]/gu, percentEncode);
  }
}

/** One code point as percent-encoded UTF-8 (a lone surrogate as U+FFFD, as UTF-8 encoders do). */
function percentEncode(char: string): string {
  return encodeURIComponent(/^[\ud800-\udfff]$/.test(char) ? "\ufffd" : char);
}

export type { CookieAttributes };

/** What validating input gives: the parsed value, or the issues (zod's shape). */
export type InputParseResult<T> =
  | { success: true; data: T }
  | { success: false; error: { issues: readonly { path: PropertyKey[]; message: string }[] } };

/**
 * An input schema: a zod schema from classic zod (`import { z } from "zod"`) or from `zod/mini`,
 * from the app's own copy of zod or from ours. Both kinds carry `safeParse`, and input is
 * validated through it, so a schema is always run by the zod that built it (the app's config,
 * custom error maps and locale included).
 */
export interface InputSchema<T> extends $ZodType<T> {
  safeParse(data: unknown): InputParseResult<T>;
}

/** Everything a handler gets for one call. */
export interface EndpointContext<Body, Query> {
  readonly auth: AuthContext;
  readonly body: Body;
  readonly query: Query;
  readonly params: Record<string, string>;
  readonly headers: Headers;
  /** The incoming request when called over HTTP (or when the caller passed one). */
  readonly request: Request | undefined;
  /** Public origin of the app for this call, e.g. "https://example.com". */
  readonly origin: string;
  /** Absolute URL of the JSON API, e.g. "https://example.com/api/auth". */
  readonly apiURL: string;
  /** Whether cookies are Secure (and prefixed) for this call. */
  readonly secure: boolean;
  /** Headers of the response; handlers append Set-Cookie through {@link setCookie}. */
  readonly responseHeaders: Headers;
  /** The caller's session (after sliding renewal), or null. Resolved on first use. */
  getSession(options?: { disableCookieCache?: boolean }): Promise<SessionWithUser | null>;
  /**
   * Like getSession, but answers 401 UNAUTHORIZED when there is none. Always reads the database
   * (bypasses the cookie cache), since it guards actions on the account.
   */
  requireSession(options?: { fresh?: boolean }): Promise<SessionWithUser>;
  setCookie(name: string, value: string, attributes?: CookieAttributes): void;
  /** Reads a request cookie by its full name. */
  getCookie(name: string): string | undefined;
  redirect(url: string): Redirect;
}

/** One endpoint, defined once and served over HTTP and as `auth.api[name]`. */
export interface Endpoint<Body = unknown, Query = unknown, Result = unknown> {
  method: HttpMethod | HttpMethod[];
  /** Path under basePath, with `:param` segments. */
  path: string;
  body?: InputSchema<Body>;
  query?: InputSchema<Query>;
  /**
   * A GET that changes state (consumes a one-time token). HEAD requests to it are answered
   * without running the handler, so link checkers that probe with HEAD do not use up links.
   */
  consumesToken?: boolean;
  /**
   * Skip the Origin check. Only for endpoints a third party legitimately posts to (an OAuth
   * provider's form_post callback), which must then be protected by something else (state).
   */
  skipOriginCheck?: boolean;
  /** Not served over HTTP (server-only API). */
  serverOnly?: boolean;
  /** Short description for docs and OpenAPI. */
  summary?: string;
  handler(ctx: EndpointContext<Body, Query>): Promise<Result | Redirect | Response>;
}

/** An endpoint of any input/output types. */
// biome-ignore lint/suspicious/noExplicitAny: heterogeneous endpoint maps need an existential type
export type AnyEndpoint = Endpoint<any, any, any>;

/** Identity helper that infers an endpoint's types from its schemas. */
export function defineEndpoint<Body = undefined, Query = undefined, Result = unknown>(
  endpoint: Endpoint<Body, Query, Result>,
): Endpoint<Body, Query, Result> {
  return endpoint;
}
