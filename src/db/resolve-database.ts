import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { Kysely, MysqlDialect, PostgresDialect, SqliteDialect } from "kysely";
import type { Adapter, AdapterFactory } from "./adapter.js";
import { kyselyAdapter, type SqliteStatementSource } from "./kysely-adapter.js";
import type { Schema } from "./schema.js";
import type { SqlDialect } from "./sql-dialect.js";

const ACCEPTED =
  "pass an Adapter, a factory (schema) => Adapter, a better-sqlite3 Database, a pg Pool, a mysql2 pool, " +
  'a Kysely instance, { db: Kysely, type: "sqlite" | "postgres" | "mysql" }, or a URL string ' +
  '("sqlite:path", "sqlite::memory:", "file:path", "postgres://...", "mysql://...")';

// Drivers are optional dependencies, loaded only when used. In the CJS build `import.meta.url`
// is empty, so prefer `__filename` when it exists.
const requireFrom = (): NodeJS.Require =>
  typeof __filename === "string" && __filename !== ""
    ? createRequire(__filename)
    : createRequire(import.meta.url);

function loadDriver<T>(pkg: string, purpose: string): T {
  try {
    return requireFrom()(pkg) as T;
  } catch (error) {
    throw new Error(
      `database: ${purpose} needs the "${pkg}" package; install it with \`npm install ${pkg}\``,
      {
        cause: error,
      },
    );
  }
}

type Fn = (...args: unknown[]) => unknown;
const has = (value: object, ...names: string[]): boolean =>
  names.every((n) => typeof (value as Record<string, unknown>)[n] === "function");

/** Finds the engine of a Kysely instance from its dialect adapter. */
function kyselyDialect(db: Kysely<unknown>): SqlDialect {
  const adapter = db.getExecutor().adapter;
  const name = adapter.constructor.name.toLowerCase();
  if (name.includes("sqlite")) return "sqlite";
  if (name.includes("postgres")) return "postgres";
  if (name.includes("mysql")) return "mysql";
  throw new TypeError(
    `database: cannot tell the engine of this Kysely instance (${adapter.constructor.name}); ` +
      'pass { db, type: "sqlite" | "postgres" | "mysql" }',
  );
}

interface BetterSqliteLike {
  pragma: Fn;
  prepare: Fn;
  memory?: boolean;
}

function sqliteKysely(database: BetterSqliteLike): Kysely<unknown> {
  if (!database.memory) database.pragma("journal_mode = WAL");
  database.pragma("foreign_keys = ON");
  // The dialect config is typed against better-sqlite3's own interface; duck typing checked it.
  return new Kysely({ dialect: new SqliteDialect({ database: database as never }) });
}

interface PgPoolLike {
  on(event: "error", listener: (error: Error) => void): unknown;
  on(
    event: "connect",
    listener: (client: { on(event: "error", listener: () => void): unknown }) => void,
  ): unknown;
  listenerCount(event: string): number;
}

/**
 * Kysely over a pg Pool that survives its connections dying. pg emits 'error' on the pool when
 * an idle connection dies and on a client when its connection dies while checked out; with
 * no listener Node ends the process. The failed query already rejects (and is answered 503),
 * so these listeners only keep the process alive; the pool replaces the dead connection. A
 * pool the app passed keeps its own 'error' listener if it has one.
 */
function postgresKysely(pool: PgPoolLike): Kysely<unknown> {
  if (pool.listenerCount("error") === 0) pool.on("error", () => {});
  pool.on("connect", (client) => client.on("error", () => {}));
  return new Kysely({ dialect: new PostgresDialect({ pool: pool as never }) });
}

function sqliteFromPath(path: string): { db: Kysely<unknown>; sqlite: BetterSqliteLike } {
  const Database = loadDriver<new (file: string) => BetterSqliteLike>("better-sqlite3", "a SQLite URL");
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Database(path);
  return { db: sqliteKysely(sqlite), sqlite };
}

function sqlitePath(url: string): string {
  if (url.startsWith("file://")) return fileURLToPath(url);
  const rest = url.slice(url.indexOf(":") + 1);
  return rest.startsWith("//") ? rest.slice(2) : rest;
}

function fromUrl(url: string): { db: Kysely<unknown>; dialect: SqlDialect; sqlite?: BetterSqliteLike } {
  if (url.startsWith("sqlite:") || url.startsWith("file:")) {
    const path = sqlitePath(url);
    if (path === "") throw new TypeError(`database: "${url}" names no file; ${ACCEPTED}`);
    return { ...sqliteFromPath(path), dialect: "sqlite" };
  }
  if (url.startsWith("postgres://") || url.startsWith("postgresql://")) {
    const pg = loadDriver<{ Pool: new (config: object) => unknown }>("pg", "a postgres:// URL");
    // pg waits forever for a connection by default; a network that swallows packets would
    // hold every request. Ten seconds, then the request is answered 503.
    const pool = new pg.Pool({ connectionString: url, connectionTimeoutMillis: 10_000 });
    return { db: postgresKysely(pool as unknown as PgPoolLike), dialect: "postgres" };
  }
  if (url.startsWith("mysql://") || url.startsWith("mariadb://")) {
    const mysql = loadDriver<{ createPool: (config: object) => unknown }>("mysql2", "a mysql:// URL");
    const uri = url.replace(/^mariadb:/, "mysql:");
    const pool = mysql.createPool({ uri, timezone: "Z", charset: "utf8mb4" });
    return { db: new Kysely({ dialect: new MysqlDialect({ pool: pool as never }) }), dialect: "mysql" };
  }
  throw new TypeError(`database: unsupported URL "${url.replace(/\/\/[^@/]*@/, "//***@")}"; ${ACCEPTED}`);
}

function isAdapter(value: object): value is Adapter {
  return has(value, "create", "findOne", "transaction");
}

/**
 * Turns the `database` option into an {@link Adapter}. Accepted forms: an Adapter; a factory
 * `(schema) => Adapter`; a better-sqlite3 Database (WAL for files, foreign keys on); a pg
 * Pool; a mysql2 pool (callback or promise); a Kysely instance or `{ db, type }`; or a URL
 * string (`sqlite:path`, `sqlite::memory:`, `file:path`, `postgres://`, `postgresql://`,
 * `mysql://`). For URL strings the adapter owns the connection and `close()` closes it; with
 * the other forms the caller keeps ownership. Anything else throws a TypeError.
 */
export function resolveAdapter(database: unknown, schema: Schema): Adapter {
  const wrap = (
    db: Kysely<unknown>,
    dialect: SqlDialect,
    more: { ownsConnection?: boolean; sqlite?: BetterSqliteLike | undefined } = {},
  ): Adapter =>
    kyselyAdapter(db, {
      schema,
      dialect,
      ownsConnection: more.ownsConnection ?? false,
      // Where the better-sqlite3 handle is ours to see, point lookups use cached statements.
      ...(more.sqlite ? { sqlite: more.sqlite as unknown as SqliteStatementSource } : {}),
    });

  if (typeof database === "string") {
    const { db, dialect, sqlite } = fromUrl(database);
    return wrap(db, dialect, { ownsConnection: true, sqlite });
  }
  if (typeof database === "function") {
    const adapter: unknown = (database as AdapterFactory)(schema);
    if (typeof adapter === "object" && adapter !== null && isAdapter(adapter)) return adapter;
    throw new TypeError(`database: the factory function did not return an Adapter; ${ACCEPTED}`);
  }
  if (typeof database !== "object" || database === null) {
    throw new TypeError(`database: got ${database === null ? "null" : typeof database}; ${ACCEPTED}`);
  }
  if (isAdapter(database)) return database;
  const value = database as Record<string, unknown>;
  if (has(value, "selectFrom", "getExecutor"))
    return wrap(value as unknown as Kysely<unknown>, kyselyDialect(value as never));
  if (typeof value.db === "object" && value.db !== null && has(value.db, "selectFrom", "getExecutor")) {
    const type = value.type;
    if (type !== "sqlite" && type !== "postgres" && type !== "mysql") {
      throw new TypeError(
        `database: { db, type } needs type "sqlite", "postgres" or "mysql", got ${String(type)}`,
      );
    }
    return wrap(value.db as Kysely<unknown>, type);
  }
  if (has(value, "prepare", "pragma")) {
    const sqlite = value as unknown as BetterSqliteLike;
    return wrap(sqliteKysely(sqlite), "sqlite", { sqlite });
  }
  if (has(value, "connect", "query") && ("totalCount" in value || value.constructor?.name === "Pool")) {
    return wrap(postgresKysely(value as unknown as PgPoolLike), "postgres");
  }
  // mysql2/promise pools wrap the callback pool Kysely needs in `.pool`.
  const inner = value.pool as Record<string, unknown> | undefined;
  const pool = typeof inner === "object" && inner !== null && has(inner, "getConnection") ? inner : value;
  if (has(pool, "getConnection") && ("config" in pool || "pool" in pool)) {
    return wrap(new Kysely({ dialect: new MysqlDialect({ pool: pool as never }) }), "mysql");
  }
  throw new TypeError(`database: unrecognized object; ${ACCEPTED}`);
}
