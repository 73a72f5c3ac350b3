/** A write broke a unique constraint (a duplicate email, token or id), on any engine. */
export class UniqueViolationError extends Error {
  readonly code = "UNIQUE_VIOLATION" as const;
  override readonly name = "UniqueViolationError";

  constructor(message = "unique constraint violated", options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The database could not be reached (refused, reset, timed out, not resolvable). */
export class DatabaseUnavailableError extends Error {
  readonly code = "DATABASE_UNAVAILABLE" as const;
  override readonly name = "DatabaseUnavailableError";
  /**
   * HTTP status for error handlers that read `status` (Express's default handler does): an
   * outage reaching `next(err)` from the Express middleware answers 503, not 500.
   */
  readonly status = 503 as const;

  constructor(message = "the database is unavailable", options?: { cause?: unknown }) {
    super(message, options);
  }
}

const UNIQUE_CODES = new Set([
  "SQLITE_CONSTRAINT_UNIQUE",
  "SQLITE_CONSTRAINT_PRIMARYKEY",
  "23505", // PostgreSQL unique_violation
  "ER_DUP_ENTRY", // MySQL / MariaDB 1062
]);

const UNAVAILABLE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
  "PROTOCOL_CONNECTION_LOST",
  "57P01", // admin_shutdown
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now
  "53300", // too_many_connections
  "08000", // connection_exception
  "08001", // sqlclient_unable_to_establish_sqlconnection
  "08003", // connection_does_not_exist
  "08004", // sqlserver_rejected_establishment_of_sqlconnection
  "08006", // connection_failure
  "ECONNABORTED",
  "ER_CON_COUNT_ERROR",
  "ER_SERVER_SHUTDOWN", // MySQL / MariaDB 1053: the server is shutting down
  "ER_CONNECTION_KILLED", // MariaDB 1927: the server killed the connection (e.g. at shutdown)
  "SQLITE_CANTOPEN",
  "SQLITE_BUSY",
]);

/**
 * Driver errors that say "the connection is gone" with a message and no code. Matched
 * exactly, so an unrelated error that merely mentions these words is left alone.
 */
const UNAVAILABLE_MESSAGES = new Set([
  // pg: the server closed the socket (stopped, restarted, network cut)
  "Connection terminated unexpectedly",
  // pg: the client was ended (e.g. pool.end()) while a query waited
  "Connection terminated",
  // pg: a query on a client whose socket already failed (e.g. the ROLLBACK after a cut
  // inside a transaction, which Kysely throws instead of the first error)
  "Client has encountered a connection error and is not queryable",
  "Client was closed and is not queryable",
  // pg-pool: a new connection did not open within connectionTimeoutMillis
  "Connection terminated due to connection timeout",
  // pg-pool: no client became free within connectionTimeoutMillis
  "timeout exceeded when trying to connect",
  // pg query_timeout: no answer from the server in time
  "Query read timeout",
  // mysql2: a query on a connection that already died
  "Can't add new command when connection is in closed state",
  "Can't write in closed state",
]);

function codesOf(error: unknown): string[] {
  if (typeof error !== "object" || error === null) return [];
  const out: string[] = [];
  const { code, errno, errors } = error as { code?: unknown; errno?: unknown; errors?: unknown };
  if (typeof code === "string") out.push(code);
  if (errno === 1062) out.push("ER_DUP_ENTRY");
  // Node's happy-eyeballs connect failures are AggregateErrors holding one error per address.
  if (Array.isArray(errors)) for (const inner of errors) out.push(...codesOf(inner));
  return out;
}

function isConnectionGoneMessage(error: unknown): boolean {
  return error instanceof Error && UNAVAILABLE_MESSAGES.has(error.message);
}

/**
 * Maps a driver error to {@link UniqueViolationError} or {@link DatabaseUnavailableError}
 * (keeping the original as `cause`); any other error is returned unchanged.
 */
export function translateDatabaseError(error: unknown): unknown {
  if (error instanceof UniqueViolationError || error instanceof DatabaseUnavailableError) return error;
  const codes = codesOf(error);
  const message = error instanceof Error ? error.message : String(error);
  if (codes.some((c) => UNIQUE_CODES.has(c))) {
    return new UniqueViolationError(message, { cause: error });
  }
  if (codes.some((c) => UNAVAILABLE_CODES.has(c)) || isConnectionGoneMessage(error)) {
    return new DatabaseUnavailableError(`the database is unavailable: ${message || codes[0]}`, {
      cause: error,
    });
  }
  return error;
}
