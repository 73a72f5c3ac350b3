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

  it("leaves other errors alone", () => {
    const error = withCode("42P01");
    expect(translateDatabaseError(error)).toBe(error);
    expect(translateDatabaseError("text")).toBe("text");
  });
});
