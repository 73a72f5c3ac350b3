import type { PostgresDatabase, SqliteDatabase } from "../servers/config.js";

/**
 * What the soak and timing-audit runs tell their Gatehouse server, as JSON in the SOAK_CONFIG
 * environment variable.
 */
export interface SoakServerConfig {
  /** Port on 127.0.0.1. */
  port: number;
  /** Secret of 32+ characters. */
  secret: string;
  database: SqliteDatabase | PostgresDatabase;
  /**
   * "default": no `rateLimit` option at all, so the library's defaults apply;
   * "off": `rateLimit: { enabled: false }`.
   */
  rateLimit: "default" | "off";
  /**
   * Where mail goes. Production refuses to start without a transport when password reset is on,
   * so there is always one: a function that resolves at once, or an SMTP URL (a local sink).
   */
  mail: { kind: "function" } | { kind: "smtp"; url: string };
}

/** Memory and CPU of the server process at one moment. */
export interface MemoryReading {
  /** Bytes, from `process.memoryUsage()`. */
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  /** User + system CPU time used so far, in microseconds. */
  cpuMicros: number;
  /** True when a full garbage collection ran just before the reading. */
  afterGc: boolean;
}

/** Messages from the server to the parent. */
export type SoakServerMessage =
  /** Listening; `rateLimit` says in words which rate-limit rules are in force. */
  | { type: "ready"; rateLimit: string }
  /** The answer to the {@link SoakServerRequest} with the same `id`. */
  | ({ type: "memory"; id: number } & MemoryReading);

/** Messages from the parent to the server. */
export interface SoakServerRequest {
  type: "memory";
  /** Echoed in the answer, so overlapping requests each get their own. */
  id: number;
  /** Run a full garbage collection first (the server runs with --expose-gc). */
  gc?: boolean;
}
