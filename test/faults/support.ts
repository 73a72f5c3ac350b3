/**
 * Shared pieces of the fault tests: a pg Pool that reaches PostgreSQL through a TCP proxy
 * (so a test can take the database away without stopping the server other test files use),
 * and an HTTP caller that never hangs and tallies what came back.
 */
import pg from "pg";
import { randomSuffix } from "../db/adapter-contract.js";
import { CookieJar } from "../helpers/http.js";
import { requireService } from "../helpers/services.js";
import { startTcpProxy, type TcpProxy } from "../helpers/tcp-proxy.js";

export const POSTGRES_URL = process.env.POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";
export const MYSQL_URL = process.env.MYSQL_URL ?? "mysql://root@127.0.0.1:3306/test";

/** Not a common password (sign-up may refuse those). */
export const PASSWORD = "fault-tolerant horse battery";

/** Errors the driver raised outside any query (a socket dying under an idle or held client). */
export interface DriverErrors {
  readonly pool: Error[];
  readonly client: Error[];
}

/** PostgreSQL in its own schema, reached through a proxy, with a direct pool for checks. */
export interface ProxiedPostgres {
  readonly schema: string;
  readonly proxy: TcpProxy;
  /** The app's pool: every connection goes through the proxy. */
  readonly pool: pg.Pool;
  /** A pool straight to the server, for checking rows while the proxy is down. */
  readonly direct: pg.Pool;
  readonly driverErrors: DriverErrors;
  close(): Promise<void>;
}

/**
 * Creates the schema (or reports PostgreSQL unreachable: `null`, the suite skips) and the two
 * pools. The app pool has a short `connectionTimeoutMillis`, so connects to a dead network end.
 */
export async function proxiedPostgres(tag: string): Promise<ProxiedPostgres | null> {
  const schema = `gh_fault_${tag}_${randomSuffix()}`;
  const up = await requireService("postgres", async () => {
    const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 3000 });
    await client.connect();
    try {
      await client.query(`create schema "${schema}"`);
    } finally {
      await client.end();
    }
  });
  if (!up) return null;
  const target = new URL(POSTGRES_URL);
  const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
  const viaProxy = new URL(POSTGRES_URL);
  viaProxy.hostname = proxy.host;
  viaProxy.port = String(proxy.port);
  const options = `-c search_path=${schema}`;
  const pool = new pg.Pool({
    connectionString: viaProxy.toString(),
    options,
    max: 5,
    connectionTimeoutMillis: 500,
  });
  const driverErrors: DriverErrors = { pool: [], client: [] };
  // What every app on a pg Pool has to do today, or the process dies when the database goes
  // away: pg emits 'error' on an idle client through the pool, and on a checked-out client
  // (one Kysely holds for a query or a transaction) on the client itself, where nobody
  // listens. Reported: the adapter should attach these for pools it is given or makes
  // (see pg-crash.test.ts, which shows the crash with a pool Gatehouse creates).
  pool.on("error", (error) => void driverErrors.pool.push(error));
  pool.on("connect", (client) => client.on("error", (error) => void driverErrors.client.push(error)));
  const direct = new pg.Pool({ connectionString: POSTGRES_URL, options, max: 2 });
  return {
    schema,
    proxy,
    pool,
    direct,
    driverErrors,
    async close() {
      await pool.end().catch(() => {});
      await proxy.close();
      await direct.query(`drop schema "${schema}" cascade`);
      await direct.end();
    },
  };
}

/** What one HTTP call came back with; `status` 0 means no answer within the deadline. */
export interface Outcome {
  readonly label: string;
  readonly status: number;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON shapes
  readonly body: any;
  readonly contentType: string;
  readonly setCookies: string[];
}

/**
 * Generous bound on one request, only so a hang fails the test instead of stalling it; the
 * pool's connect timeout (500 ms) is what should end requests during an outage.
 */
const DEADLINE_MS = 15_000;

/** A caller with a cookie jar that records every outcome. */
export class Caller {
  readonly jar = new CookieJar();

  constructor(
    readonly base: string,
    readonly outcomes: Outcome[],
  ) {}

  async call(
    label: string,
    method: "GET" | "POST",
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Outcome> {
    const init: RequestInit = {
      method,
      redirect: "manual",
      signal: AbortSignal.timeout(DEADLINE_MS),
      headers: {
        origin: this.base,
        ...(this.jar.header() ? { cookie: this.jar.header() } : {}),
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    };
    let outcome: Outcome;
    try {
      const response = await fetch(`${this.base}${path}`, init);
      const text = await response.text();
      const contentType = response.headers.get("content-type") ?? "";
      let parsed: unknown = text;
      if (contentType.includes("json")) parsed = text === "" ? null : JSON.parse(text);
      const setCookies = response.headers.getSetCookie();
      // A failed request must not change the jar: only successful answers set cookies here.
      if (response.status < 500) this.jar.store(setCookies);
      outcome = { label, status: response.status, body: parsed, contentType, setCookies };
    } catch (error) {
      outcome = { label, status: 0, body: String(error), contentType: "", setCookies: [] };
    }
    this.outcomes.push(outcome);
    return outcome;
  }
}

/** `{ "label status": count }`, for messages and the report. */
export function tally(outcomes: readonly Outcome[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const o of outcomes) {
    const key = `${o.label} ${o.status}`;
    out[key] = (out[key] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
