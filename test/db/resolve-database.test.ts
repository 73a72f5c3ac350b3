import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import Database from "better-sqlite3";
import { Kysely, MysqlDialect, PostgresDialect, SqliteDialect } from "kysely";
import mysql from "mysql2";
import mysqlPromise from "mysql2/promise";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { DatabaseUnavailableError } from "../../src/db/errors.js";
import { memoryAdapter } from "../../src/db/memory-adapter.js";
import { resolveAdapter } from "../../src/db/resolve-database.js";
import { contractSchema as schema } from "./adapter-contract.js";

const dir = mkdtempSync(join(tmpdir(), "gatehouse-resolve-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const row = { id: "u1", name: "A", email: "a@example.com", createdAt: new Date(), updatedAt: new Date() };

describe("resolveAdapter", () => {
  it("returns an Adapter as is and calls a factory with the schema", () => {
    const adapter = memoryAdapter(schema);
    expect(resolveAdapter(adapter, schema)).toBe(adapter);
    let seen: unknown;
    const made = resolveAdapter((s: unknown) => {
      seen = s;
      return adapter;
    }, schema);
    expect(made).toBe(adapter);
    expect(seen).toBe(schema);
    expect(() => resolveAdapter(() => ({}), schema)).toThrow(/^database: the factory/);
  });

  it("wraps a better-sqlite3 Database, with WAL only for files and foreign keys on", async () => {
    const memory = new Database(":memory:");
    const file = new Database(join(dir, "wal.db"));
    const a = resolveAdapter(memory, schema);
    const b = resolveAdapter(file, schema);
    expect(a.id).toBe("sqlite");
    expect(memory.pragma("journal_mode", { simple: true })).toBe("memory");
    expect(file.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(file.pragma("foreign_keys", { simple: true })).toBe(1);
    await b.migrate();
    await b.create({ model: "user", data: row });
    await b.close(); // the caller owns the Database: still open
    expect(file.open).toBe(true);
    memory.close();
    file.close();
  });

  it("accepts a Kysely instance (engine detected) and { db, type }", async () => {
    const sqlite = new Kysely<unknown>({
      dialect: new SqliteDialect({ database: new Database(":memory:") }),
    });
    const pgDb = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: new pg.Pool() }) });
    const myDb = new Kysely<unknown>({ dialect: new MysqlDialect({ pool: mysql.createPool({}) }) });
    expect(resolveAdapter(sqlite, schema).id).toBe("sqlite");
    expect(resolveAdapter(pgDb, schema).id).toBe("postgres");
    expect(resolveAdapter(myDb, schema).id).toBe("mysql");
    expect(resolveAdapter({ db: sqlite, type: "sqlite" }, schema).id).toBe("sqlite");
    expect(() => resolveAdapter({ db: sqlite, type: "oracle" }, schema)).toThrow(/^database: \{ db, type \}/);
    const adapter = resolveAdapter(sqlite, schema);
    await adapter.migrate();
    expect(await adapter.count({ model: "user" })).toBe(0);
    await sqlite.destroy();
    await pgDb.destroy();
    await myDb.destroy();
  });

  it("recognizes pg pools and mysql2 callback and promise pools", async () => {
    const pool = new pg.Pool();
    const callbackPool = mysql.createPool({});
    const promisePool = mysqlPromise.createPool({});
    expect(resolveAdapter(pool, schema).id).toBe("postgres");
    expect(resolveAdapter(callbackPool, schema).id).toBe("mysql");
    expect(resolveAdapter(promisePool, schema).id).toBe("mysql");
    await pool.end();
    await promisePool.end();
    await new Promise<void>((resolve) => callbackPool.end(() => resolve()));
  });

  it("opens and owns SQLite URLs", async () => {
    for (const url of [
      "sqlite::memory:",
      `sqlite:${join(dir, "a", "b.db")}`,
      `file:${join(dir, "c.db")}`,
      pathToFileURL(join(dir, "d e.db")).href,
    ]) {
      const adapter = resolveAdapter(url, schema);
      expect(adapter.id).toBe("sqlite");
      await adapter.migrate();
      await adapter.create({ model: "user", data: row });
      expect(await adapter.count({ model: "user" })).toBe(1);
      await adapter.close();
      await expect(adapter.count({ model: "user" })).rejects.toThrow();
    }
  });

  it("maps postgres and mysql URLs and reports unreachable servers as DATABASE_UNAVAILABLE", async () => {
    for (const url of [
      "postgres://u@127.0.0.1:1/x",
      "postgresql://u@127.0.0.1:1/x",
      "mysql://u@127.0.0.1:1/x",
    ]) {
      const adapter = resolveAdapter(url, schema);
      expect(adapter.id).toBe(url.startsWith("mysql") ? "mysql" : "postgres");
      const failing = adapter.count({ model: "user" });
      await expect(failing).rejects.toBeInstanceOf(DatabaseUnavailableError);
      await expect(failing).rejects.toMatchObject({ code: "DATABASE_UNAVAILABLE", cause: expect.anything() });
      await adapter.close();
    }
  });

  it("throws a TypeError starting with `database:` for anything else", () => {
    for (const bad of [
      42,
      null,
      undefined,
      {},
      "redis://localhost",
      "sqlite:",
      [],
      { db: {}, type: "sqlite" },
    ]) {
      expect(() => resolveAdapter(bad, schema)).toThrow(TypeError);
      expect(() => resolveAdapter(bad, schema)).toThrow(/^database: /);
    }
  });
});
