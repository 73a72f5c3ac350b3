/** The Kysely adapter for SQLite, PostgreSQL and MySQL: `gatehouse/adapters/kysely`. */
export { kyselyAdapter, type KyselyAdapterOptions } from "../db/kysely-adapter.js";
export type { SqlDialect } from "../db/sql-dialect.js";
export type { Adapter, AdapterFactory, Row, SortBy, Where, WhereOperator } from "../db/adapter.js";
export { UniqueViolationError, DatabaseUnavailableError } from "../db/errors.js";
