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
  "08001", // sqlclient_unable_to_establish_sqlconnection
  "08006", // connection_failure
  "ER_CON_COUNT_ERROR",
  "SQLITE_CANTOPEN",
  "SQLITE_BUSY",
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
  if (codes.some((c) => UNAVAILABLE_CODES.has(c))) {
    return new DatabaseUnavailableError(`the database is unavailable: ${message || codes[0]}`, {
      cause: error,
    });
  }
  return error;
}
