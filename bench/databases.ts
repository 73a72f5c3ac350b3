import { randomBytes } from "node:crypto";
import { join } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import type { PostgresDatabase, SqliteDatabase } from "./servers/config.js";

/** The PostgreSQL server the benchmarks use (the same one as the test suite). */
export const POSTGRES_URL = process.env.POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/** Connects once; returns null when PostgreSQL answers, else the reason it cannot be used. */
export async function postgresUnavailable(url = POSTGRES_URL): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query("select 1");
    return null;
  } catch (error) {
    return `PostgreSQL at ${url.replace(/\/\/[^@]*@/, "//")} is unreachable (${(error as Error).message || String(error)})`;
  } finally {
    await client.end().catch(() => {});
  }
}

/** Creates databases for one benchmark run and removes them afterwards. */
export class Databases {
  private readonly schemas: string[] = [];
  private readonly tag = randomBytes(4).toString("hex");
  private count = 0;

  constructor(
    private readonly dir: string,
    private readonly postgresUrl = POSTGRES_URL,
  ) {}

  /** A new SQLite file in the run's temp directory. */
  sqlite(name: string): SqliteDatabase {
    this.count += 1;
    return { kind: "sqlite", file: join(this.dir, `${name}-${this.count}.db`) };
  }

  /** A new, empty schema with a random name. */
  async postgres(): Promise<PostgresDatabase> {
    this.count += 1;
    const schema = `gatehouse_bench_${this.tag}_${this.count}`;
    await this.withClient(this.postgresUrl, (client) => client.query(`create schema "${schema}"`));
    this.schemas.push(schema);
    return { kind: "postgres", url: this.postgresUrl, schema };
  }

  /** Drops the schemas this run created (SQLite files go with the temp directory). */
  async dispose(): Promise<void> {
    if (this.schemas.length === 0) return;
    await this.withClient(this.postgresUrl, async (client) => {
      for (const schema of this.schemas.splice(0)) await client.query(`drop schema "${schema}" cascade`);
    });
  }

  private async withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  }
}

const quote = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/**
 * Makes `extra` more rows in the `session` table by copying the one real session with a new id
 * and a random token of the same length (Gatehouse stores a 64-character SHA-256 hex, Better
 * Auth the raw token). One INSERT … SELECT does them all, so a million rows take seconds.
 */
export async function seedSessions(target: SqliteDatabase | PostgresDatabase, extra: number): Promise<void> {
  if (extra <= 0) return;
  if (target.kind === "sqlite") {
    const db = new Database(target.file);
    try {
      db.pragma("busy_timeout = 10000");
      const columns = (db.pragma("table_info(session)") as { name: string }[]).map((c) => c.name);
      const select = columns.map((c) =>
        c === "id"
          ? "'seed-' || seq.n"
          : c === "token"
            ? "substr(lower(hex(randomblob(64))), 1, length(s.token))"
            : `s.${quote(c)}`,
      );
      db.prepare(
        `with recursive seq(n) as (select 1 union all select n + 1 from seq where n < ?)
         insert into session (${columns.map(quote).join(", ")})
         select ${select.join(", ")} from seq, (select * from session limit 1) s`,
      ).run(extra);
      db.exec("analyze");
    } finally {
      db.close();
    }
    return;
  }
  const client = new pg.Client({ connectionString: target.url });
  await client.connect();
  try {
    await client.query(`set search_path to ${quote(target.schema)}`);
    const { rows } = await client.query<{ column_name: string }>(
      "select column_name from information_schema.columns where table_schema = $1 and table_name = 'session' order by ordinal_position",
      [target.schema],
    );
    const columns = rows.map((r) => r.column_name);
    const select = columns.map((c) =>
      c === "id"
        ? "'seed-' || g.n"
        : c === "token"
          ? "left(md5(random()::text || g.n) || md5(g.n || random()::text), length(s.token))"
          : `s.${quote(c)}`,
    );
    await client.query(
      `insert into session (${columns.map(quote).join(", ")})
       select ${select.join(", ")} from generate_series(1, $1) as g(n), (select * from session limit 1) s`,
      [extra],
    );
    await client.query("analyze session");
  } finally {
    await client.end();
  }
}
