/** The in-memory adapter, for tests and demos: `gatehouse/adapters/memory`. */
export { memoryAdapter } from "../db/memory-adapter.js";
export type { Adapter, AdapterFactory, Row, SortBy, Where, WhereOperator } from "../db/adapter.js";
export { UniqueViolationError, DatabaseUnavailableError } from "../db/errors.js";
