/**
 * A database connection killed inside sign-up (issue #6, item 5.2): the user row and its
 * credential account are written in one transaction, so whatever point the connection dies
 * at, the database holds either both or neither, the client gets 503, and the same sign-up
 * (or, if the commit did land, a sign-in) works straight after. Checked on PostgreSQL and on
 * MariaDB by cutting the app's connection in a TCP proxy when given SQL goes by, and reading
 * the rows straight from the server.
 */
import mysql from "mysql2";
import mysqlPromise from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAuth } from "../../src/index.js";
import { toNodeHandler } from "../../src/node/index.js";
import { randomSuffix } from "../db/adapter-contract.js";
import { startServer, TEST_SECRET, type TestServer, uniqueEmail } from "../helpers/http.js";
import { requireService } from "../helpers/services.js";
import { startTcpProxy, type CutWhenOptions, type TcpProxy } from "../helpers/tcp-proxy.js";
import { Caller, MYSQL_URL, type Outcome, PASSWORD, proxiedPostgres } from "./support.js";

/** One engine under test: the app's database option, its proxy, and a direct line for checks. */
interface Engine {
  readonly database: unknown;
  readonly proxy: TcpProxy;
  /** Credential accounts per user with this email, read directly from the server. */
  accountsPerUser(email: string): Promise<number[]>;
  /** Users (anywhere in this test's tables) that have no credential account. */
  usersWithoutAccount(): Promise<number>;
  close(): Promise<void>;
}

/** Where the connection is cut, as SQL the app sends. */
interface CutPoint {
  readonly name: string;
  readonly pattern: string | RegExp;
  readonly options: CutWhenOptions;
}

function cutPoints(quote: string, commit: string): CutPoint[] {
  const user = `insert into ${quote}user${quote}`;
  const account = `insert into ${quote}account${quote}`;
  return [
    { name: "before the user row is sent", pattern: user, options: { when: "before-forwarding" } },
    { name: "after the user row, before the account row", pattern: account, options: {} },
    {
      name: "once the account row reached the server",
      pattern: account,
      options: { when: "after-forwarding" },
    },
    { name: "before COMMIT reaches the server", pattern: commit, options: {} },
    // The server may or may not have committed: both are fine, half is not.
    { name: "once COMMIT reached the server", pattern: commit, options: { when: "after-forwarding" } },
  ];
}

async function postgresEngine(): Promise<Engine | null> {
  const pg = await proxiedPostgres("signup");
  if (!pg) return null;
  return {
    database: pg.pool,
    proxy: pg.proxy,
    async accountsPerUser(email) {
      const { rows } = await pg.direct.query<{ n: string }>(
        `select count(a.id) as n from "user" u left join "account" a
           on a."userId" = u.id and a."providerId" = 'credential'
         where u.email = $1 group by u.id`,
        [email],
      );
      return rows.map((r) => Number(r.n));
    },
    async usersWithoutAccount() {
      const { rows } = await pg.direct.query<{ n: string }>(
        `select count(*) as n from "user" u where not exists
           (select 1 from "account" a where a."userId" = u.id and a."providerId" = 'credential')`,
      );
      return Number(rows[0]!.n);
    },
    close: () => pg.close(),
  };
}

async function mariadbEngine(): Promise<Engine | null> {
  const database = `gh_fault_signup_${randomSuffix()}`;
  const up = await requireService("mysql", async () => {
    const connection = await mysqlPromise.createConnection({ uri: MYSQL_URL, connectTimeout: 3000 });
    try {
      await connection.query(`create database \`${database}\``);
    } finally {
      await connection.end();
    }
  });
  if (!up) return null;
  const target = new URL(MYSQL_URL);
  const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 3306) });
  const viaProxy = new URL(MYSQL_URL);
  viaProxy.hostname = proxy.host;
  viaProxy.port = String(proxy.port);
  viaProxy.pathname = `/${database}`;
  const pool = mysql.createPool({ uri: viaProxy.toString(), connectionLimit: 4, connectTimeout: 1000 });
  const directUrl = new URL(MYSQL_URL);
  directUrl.pathname = `/${database}`;
  const direct = mysqlPromise.createPool({ uri: directUrl.toString(), connectionLimit: 2 });
  return {
    database: pool,
    proxy,
    async accountsPerUser(email) {
      const [rows] = await direct.query(
        `select count(a.id) as n from \`user\` u left join \`account\` a
           on a.\`userId\` = u.id and a.\`providerId\` = 'credential'
         where u.email = ? group by u.id`,
        [email],
      );
      return (rows as { n: number }[]).map((r) => Number(r.n));
    },
    async usersWithoutAccount() {
      const [rows] = await direct.query(
        `select count(*) as n from \`user\` u where not exists
           (select 1 from \`account\` a where a.\`userId\` = u.id and a.\`providerId\` = 'credential')`,
      );
      return Number((rows as { n: number }[])[0]!.n);
    },
    async close() {
      await new Promise<void>((resolve) => pool.end(() => resolve()));
      await proxy.close();
      await direct.query(`drop database \`${database}\``);
      await direct.end();
    },
  };
}

const engines = [
  {
    name: "PostgreSQL",
    engine: await postgresEngine(),
    // pg sends each statement as a Parse message: the SQL then a NUL.
    points: cutPoints('"', "commit\u0000"),
  },
  {
    name: "MariaDB",
    engine: await mariadbEngine(),
    // mysql2 sends each statement as COM_QUERY: the byte 0x03, then the SQL.
    points: cutPoints("`", "\u0003commit"),
  },
];

describe.each(engines)("sign-up cut short on $name", ({ name, engine, points }) => {
  let server: TestServer;
  const outcomes: Outcome[] = [];

  beforeAll(async () => {
    if (!engine) return;
    const auth = createAuth({
      secret: TEST_SECRET,
      database: engine.database,
      emailAndPassword: { enabled: true },
      rateLimit: { enabled: false },
      logger: { info() {}, warn() {}, error() {} },
    });
    await auth.migrate();
    server = await startServer(toNodeHandler(auth));
  });

  afterAll(async () => {
    await server?.close();
    await engine?.close();
  });

  it.skipIf(!engine).each(points)("$name: both rows or neither, and a retry works", async (point) => {
    const db = engine!;
    const caller = new Caller(server.url, outcomes);
    const email = uniqueEmail("cut");
    const body = { name: "Cut Short", email, password: PASSWORD };

    const fired = db.proxy.cutWhenClientSends(point.pattern, point.options);
    const first = await caller.call("sign-up", "POST", "/api/auth/sign-up/email", body);
    db.proxy.disarm();
    await fired;
    expect(first.status, JSON.stringify(first.body)).toBe(503);
    expect(first.body).toMatchObject({ code: "DATABASE_UNAVAILABLE" });

    // Straight from the server: no user without its credential account.
    const accounts = await db.accountsPerUser(email);
    expect(
      accounts.every((n) => n === 1),
      `accounts per user: ${accounts}`,
    ).toBe(true);
    expect(accounts.length).toBeLessThanOrEqual(1);
    console.info(
      `${name}, cut ${point.name}: ${first.status}, ${accounts.length ? "committed" : "nothing written"}`,
    );

    // The user tries again, and gets in either way.
    const retry = await caller.call("sign-up", "POST", "/api/auth/sign-up/email", body);
    if (accounts.length === 0 && retry.status !== 200) {
      // A COMMIT that reached the server just before the cut can still land after the look
      // above (the server finishes it once it reads the message): then the retry finds the
      // user, and the user must have its account.
      expect(retry.body).toMatchObject({ code: "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL" });
      expect(point.name, "only a cut after the COMMIT left can land late").toBe(
        "once COMMIT reached the server",
      );
    } else if (accounts.length === 0) {
      expect(retry.status, JSON.stringify(retry.body)).toBe(200);
    } else {
      // The COMMIT landed before the cut: the account exists and the password works.
      expect(retry.body).toMatchObject({ code: "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL" });
    }
    const signIn = await caller.call("sign-in", "POST", "/api/auth/sign-in/email", {
      email,
      password: PASSWORD,
    });
    expect(signIn.status).toBe(200);
    expect(await db.accountsPerUser(email)).toEqual([1]);
    expect(await db.usersWithoutAccount()).toBe(0);
  });
});
