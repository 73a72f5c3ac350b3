import type { SchemaExtension } from "../db/base-schema.js";
import type { AuthContext } from "./context.js";
import type { AnyEndpoint } from "./endpoint.js";
import type { AuthHooks, DatabaseHooks } from "./hooks.js";

/** A rate-limit rule a plugin asks for on one of its paths. */
export interface RateLimitRule {
  /** Path relative to basePath, e.g. "/sign-in/username". */
  path: string;
  /** Window in seconds. */
  window: number;
  /** Requests allowed per window and client. */
  max: number;
}

/**
 * A plugin: an id plus whatever it contributes. The core reads these fields once, when
 * `createAuth` runs, and never imports a plugin.
 */
export interface Plugin<Endpoints extends Record<string, AnyEndpoint> = Record<string, AnyEndpoint>> {
  /** Unique id, e.g. "username". */
  id: string;
  /** Endpoints added to both HTTP and `auth.api`, keyed by API name. */
  endpoints?: Endpoints;
  /** Models and fields added to the schema (migrations pick them up). */
  schema?: SchemaExtension;
  /** Endpoint hooks, run after the app's own. */
  hooks?: AuthHooks;
  /** Database hooks, run after the app's own. */
  databaseHooks?: DatabaseHooks;
  /** Rate-limit rules for the plugin's paths. */
  rateLimit?: RateLimitRule[];
  /** Called once when `createAuth` has built its context; keep what the plugin needs from it. */
  init?: (context: AuthContext) => void;
  /** Error codes and messages the plugin may answer with. */
  errorCodes?: Record<string, string>;
}

type UnionToIntersection<U> = (U extends unknown ? (arg: U) => void : never) extends (arg: infer I) => void
  ? I
  : never;

/** The endpoints a list of plugins adds, so `auth.api` types them too. */
export type PluginEndpoints<Plugins> = Plugins extends readonly (infer P)[]
  ? UnionToIntersection<P extends Plugin<infer E> ? E : never> extends infer I
    ? [I] extends [never]
      ? {}
      : I
    : {}
  : {};
