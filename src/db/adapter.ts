import type { Schema } from "./schema.js";

/** Comparison operators a {@link Where} clause may use. */
export type WhereOperator =
  | "eq"
  | "ne"
  | "lt"
  | "lte"
  | "gt"
  | "gte"
  | "in"
  | "not_in"
  | "contains"
  | "starts_with"
  | "ends_with";

/** One condition on a field. Conditions are joined with AND unless `connector` is "OR". */
export interface Where {
  field: string;
  value: unknown;
  /** Defaults to "eq". */
  operator?: WhereOperator;
  /** How this condition joins the previous ones. Defaults to "AND". */
  connector?: "AND" | "OR";
}

/** Sort order for {@link Adapter.findMany}. */
export interface SortBy {
  field: string;
  direction: "asc" | "desc";
}

/** A row as the adapter returns it: field names of the schema, Date objects for date fields. */
export type Row = Record<string, unknown>;

/** Which row to read along with another: the row of `model` whose id is the first row's `on` field. */
export interface JoinSpec {
  model: string;
  on: string;
}

/** A row and the row it references (see {@link Adapter.findOneWithJoin}). */
export interface JoinedRow {
  row: Row;
  joined: Row | null;
}

/**
 * Storage contract. Every adapter (memory, Kysely on SQLite / PostgreSQL / MySQL) passes the
 * shared contract suite in `test/db/adapter-contract.ts`.
 *
 * Models and fields are the logical names of the {@link Schema}; the adapter maps them to
 * tables and columns. `create` receives a complete row, `id` included.
 */
export interface Adapter {
  /** A short name for logs and errors, e.g. "sqlite", "postgres", "memory". */
  readonly id: string;
  create(args: { model: string; data: Row }): Promise<Row>;
  findOne(args: { model: string; where: Where[] }): Promise<Row | null>;
  findMany(args: {
    model: string;
    where?: Where[];
    limit?: number;
    offset?: number;
    sortBy?: SortBy;
  }): Promise<Row[]>;
  /** Updates the first row matching `where` and returns it after the update, or null. */
  update(args: { model: string; where: Where[]; update: Row }): Promise<Row | null>;
  /** Updates every matching row; returns how many were updated. */
  updateMany(args: { model: string; where: Where[]; update: Row }): Promise<number>;
  delete(args: { model: string; where: Where[] }): Promise<void>;
  /** Deletes every matching row; returns how many were deleted. */
  deleteMany(args: { model: string; where: Where[] }): Promise<number>;
  count(args: { model: string; where?: Where[] }): Promise<number>;
  /**
   * Optional: the first row of `model` matching `where` plus the row of `join.model` whose id
   * is that row's `join.on` field, read together (one query on SQL engines). The session check
   * reads a session and its user this way. Null when no row matches; `joined` is null when
   * the referenced row does not exist. Adapters without it are read with two `findOne`s.
   */
  findOneWithJoin?(args: { model: string; where: Where[]; join: JoinSpec }): Promise<JoinedRow | null>;
  /**
   * Runs `fn` in one transaction: if it throws, nothing it wrote stays. The adapter passed to
   * `fn` must be used for every write inside it.
   */
  transaction<R>(fn: (tx: Adapter) => Promise<R>): Promise<R>;
  /** Creates missing tables, columns and indexes for the schema; returns the statements run. */
  migrate(): Promise<string[]>;
  /** The statements {@link migrate} would run now, as SQL text (empty when up to date). */
  planMigration(): Promise<string[]>;
  /** Releases connections the adapter opened itself (not ones the caller passed in). */
  close(): Promise<void>;
}

/** Builds an adapter for a schema. Plugins and apps may pass their own. */
export type AdapterFactory = (schema: Schema) => Adapter;
