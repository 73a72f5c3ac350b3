import { describe, expect, it } from "vitest";
import {
  DatabaseUnavailableError,
  translateDatabaseError,
  UniqueViolationError,
} from "../../src/db/errors.js";

const withCode = (code: string, extra: object = {}): Error => Object.assign(new Error(code), { code }, extra);

describe("translateDatabaseError", () => {
  it("maps unique violations of every engine", () => {
    for (const error of [
      withCode("SQLITE_CONSTRAINT_UNIQUE"),
      withCode("SQLITE_CONSTRAINT_PRIMARYKEY"),
      withCode("23505"),
      withCode("ER_DUP_ENTRY", { errno: 1062 }),
    ]) {
      const out = translateDatabaseError(error);
      expect(out).toBeInstanceOf(UniqueViolationError);
      expect(out).toMatchObject({ code: "UNIQUE_VIOLATION", cause: error });
    }
  });

  it("maps connection failures, including AggregateErrors", () => {
    const aggregate = new AggregateError([withCode("ECONNREFUSED")], "connect failed");
    for (const error of [withCode("ECONNREFUSED"), withCode("PROTOCOL_CONNECTION_LOST"), aggregate]) {
      const out = translateDatabaseError(error);
      expect(out).toBeInstanceOf(DatabaseUnavailableError);
      expect(out).toMatchObject({ code: "DATABASE_UNAVAILABLE", cause: error });
    }
  });

  it("maps the drivers' connection-gone errors that carry only a message", () => {
    // pg and pg-pool throw these with no code when the server goes away mid-request, when a
    // connect times out, and on the ROLLBACK Kysely sends on a connection that just died.
    for (const message of [
      "Connection terminated unexpectedly",
      "Client has encountered a connection error and is not queryable",
      "Connection terminated due to connection timeout",
      "timeout exceeded when trying to connect",
      "Query read timeout",
      "Can't add new command when connection is in closed state",
    ]) {
      const error = new Error(message);
      expect(translateDatabaseError(error)).toMatchObject({ code: "DATABASE_UNAVAILABLE", cause: error });
    }
    for (const code of ["57P01", "08006", "ER_SERVER_SHUTDOWN", "ER_CONNECTION_KILLED"]) {
      expect(translateDatabaseError(withCode(code))).toBeInstanceOf(DatabaseUnavailableError);
    }
  });

  it("gives an outage HTTP status 503 for error handlers that read `status` (Express's does)", () => {
    expect(new DatabaseUnavailableError()).toMatchObject({ status: 503, code: "DATABASE_UNAVAILABLE" });
  });

  it("leaves other errors alone", () => {
    const error = withCode("42P01");
    expect(translateDatabaseError(error)).toBe(error);
    // Only the exact driver messages count, not any text that mentions a connection.
    const mentions = new Error("Connection terminated unexpectedly? no: a hook said so");
    expect(translateDatabaseError(mentions)).toBe(mentions);
    expect(translateDatabaseError("text")).toBe("text");
  });
});
