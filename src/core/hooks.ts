import type { Row, Where } from "../db/adapter.js";

/** What a hook is told about the write besides the data. */
export interface HookMeta {
  /** For update and delete: which rows are targeted. */
  where?: Where[];
  /**
   * Reads through the store performing the write, inside its transaction when there is one.
   * Use it (not a store kept from elsewhere) for lookups in a hook: on SQLite a read outside
   * the open transaction would wait for it to finish.
   */
  db: HookReader;
}

/** The reads a database hook may do. */
export interface HookReader {
  findOne(model: string, where: Where[]): Promise<Row | null>;
  count(model: string, where?: Where[]): Promise<number>;
}

/** The models database hooks can observe. */
export type HookedModel = "user" | "session" | "account" | "verification";

/** What a `before` hook may return: `false` aborts the write, `{ data }` replaces fields. */
export type BeforeHookResult = false | { data: Row } | undefined;

/** Lifecycle hooks for one model. */
export interface ModelHooks {
  create?: {
    before?: (data: Row, meta: HookMeta) => Promise<BeforeHookResult | void> | BeforeHookResult | void;
    after?: (row: Row) => Promise<void> | void;
  };
  update?: {
    before?: (update: Row, meta: HookMeta) => Promise<BeforeHookResult | void> | BeforeHookResult | void;
    after?: (row: Row) => Promise<void> | void;
  };
  delete?: {
    before?: (row: Row, meta: HookMeta) => Promise<false | undefined | void> | false | undefined | void;
    after?: (row: Row) => Promise<void> | void;
  };
}

/** `databaseHooks` option: before/after create, update and delete of each core model. */
export type DatabaseHooks = Partial<Record<HookedModel, ModelHooks>>;

/** What an endpoint hook sees. */
export interface EndpointHookEvent {
  /** The endpoint's API name, e.g. "signUpEmail". */
  endpoint: string;
  /** The route path, e.g. "/sign-up/email". */
  path: string;
  body: unknown;
  query: unknown;
  headers: Headers;
}

/**
 * Endpoint hooks. `before` runs after input validation and may throw an `AuthError` to refuse
 * the call; `after` sees the result and may throw as well. Neither mutates another feature's input.
 */
export interface AuthHooks {
  before?: (event: EndpointHookEvent) => Promise<void> | void;
  after?: (event: EndpointHookEvent & { result: unknown }) => Promise<void> | void;
}
