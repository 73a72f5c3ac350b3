/**
 * What the harness tells a benchmark server, as JSON in the BENCH_CONFIG environment variable.
 * Servers are separate processes so each has its own heap, event loop and start-up cost.
 */
export interface ServerConfig {
  /** Port on 127.0.0.1 chosen by the harness (it polls it for the cold-start measurement). */
  port: number;
  /** Shared secret (32+ characters) for signing cookies or JWTs. */
  secret: string;
  /** Where sessions live; absent for contenders without a database. */
  database?: SqliteDatabase | PostgresDatabase;
  /** Turn the library's signed session-data cookie on. */
  cookieCache?: boolean;
  /** Keep sessions in an encrypted cookie (JWT) rather than a database row. */
  jwt?: boolean;
  /** Create the tables before listening (only the preparation start does this). */
  migrate?: boolean;
}

/** The floor server's session cookie: its name and the token its one session row holds. */
export const FLOOR_COOKIE = "session";
export const FLOOR_TOKEN = "floor-session-token-0123456789abcdefghijklmnopqrstuv";

/** A better-sqlite3 file. */
export interface SqliteDatabase {
  kind: "sqlite";
  file: string;
}

/** A PostgreSQL database and the schema (search_path) that holds this run's tables. */
export interface PostgresDatabase {
  kind: "postgres";
  url: string;
  schema: string;
}

/** Messages between the harness and a server over the IPC channel. */
export type ServerMessage =
  | { type: "ready" }
  | { type: "rss"; rss: number }
  /** User plus system CPU time the server process has used, in microseconds. */
  | { type: "cpu"; micros: number };

/** Reads BENCH_CONFIG; throws with a clear message when the harness did not set it. */
export function readConfig(): ServerConfig {
  const raw = process.env.BENCH_CONFIG;
  if (!raw) throw new Error("BENCH_CONFIG is not set: start benchmark servers through `npm run bench`");
  return JSON.parse(raw) as ServerConfig;
}
