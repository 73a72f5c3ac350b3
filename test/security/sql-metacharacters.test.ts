/**
 * Attack corpus, SQL metacharacters, over real HTTP on SQLite, PostgreSQL and MariaDB: quotes,
 * comments, stacked statements, backslash escapes, LIKE wildcards, placeholders, NUL, control
 * characters, emoji and maximum lengths in every user-controlled field (sign-up name, email
 * and image; update-user; sign-in). Each value is stored and returned verbatim (or refused with
 * a 4xx before the database), the row in the database is the same, and the tables and other
 * users' rows are intact. PostgreSQL and MariaDB are skipped with a printed reason when they
 * cannot be reached, unless REQUIRE_SERVICES=1.
 */
import Database from "better-sqlite3";
import mysql from "mysql2";
import mysqlPromise from "mysql2/promise";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Auth } from "../../src/create-auth.js";
import type { TestServer } from "../helpers/http.js";
import { requireService } from "../helpers/services.js";
import {
  type Answer,
  CookieJar,
  corpusAuth,
  inBatches,
  loggedErrors,
  PASSWORD,
  reportCount,
  send,
  serveBoth,
} from "./support.js";

/** Values that break string-built SQL on one engine or another. */
const SQL_VALUES: readonly string[] = [
  "' OR 1=1 --",
  "' OR '1'='1",
  '" OR ""="',
  '"; DROP TABLE user; --',
  `'); DROP TABLE "user"; --`,
  "'; DELETE FROM session; --",
  "1; UPDATE user SET emailVerified = 1 --",
  "' UNION SELECT password FROM account --",
  "\\",
  "\\'",
  "\\'; DROP TABLE account; --",
  "\\\\'",
  "'\\",
  "%",
  "_",
  "%_%",
  "a%b_c",
  "$1",
  "?",
  ":name",
  "@@version",
  "`whoami`",
  "/* comment */",
  "-- comment",
  "#",
  ";",
  "0x27",
  "CHAR(39)",
  "\u02bc OR 1=1 --",
  "\uff07 OR 1=1 --",
  "a\u001ab",
  "a\bb\tc",
  "line\nbreak\r\nend",
  "😀 emoji 👨‍👩‍👧 𝕏",
  "\u202eRTL override",
  "e\u0301 combining",
  '{"$ne": null}',
  "null",
  "undefined",
  "NaN",
  "<script>alert(1)</script>",
  "'".repeat(256),
  "\\".repeat(256),
  "😀".repeat(128),
  `${"x'".repeat(127)}x`,
];

/** Values that are not text a database column holds: refused before the database (or kept exactly). */
const NUL_VALUES: readonly string[] = ["a\u0000b", "\u0000", "' OR 1=1\u0000--"];

/** Emails with the metacharacters an address may hold. */
const EMAIL_LOCAL_PARTS: readonly string[] = [
  "o'brien",
  "a_b",
  "a'_'b",
  "x+'--",
  "under_score",
  "quote'quote",
];
/** Emails no validator accepts; refused with 400. */
const BAD_EMAILS: readonly string[] = [
  "' OR 1=1 --@example.test",
  "a@example.test' OR '1'='1",
  "a%@example.test",
  "a\u0000@example.test",
  '"; DROP TABLE user; --',
  "a@b",
  `${"a".repeat(320)}@example.test`,
];

interface Engine {
  name: string;
  /** Connects and returns the `database` option, or null when unavailable. */
  open(): Promise<unknown | null>;
  close(): Promise<void>;
}

function sqlite(): Engine {
  let db: Database.Database | undefined;
  return {
    name: "sqlite",
    async open() {
      db = new Database(":memory:");
      return db;
    },
    async close() {
      db?.close();
    },
  };
}

function postgres(): Engine {
  const url = process.env.POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";
  const schema = `gh_sec_${Math.random().toString(36).slice(2, 10)}`;
  let pool: pg.Pool | undefined;
  return {
    name: "postgres",
    async open() {
      const ok = await requireService("postgres", async () => {
        const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
        await client.connect();
        try {
          await client.query(`create schema "${schema}"`);
        } finally {
          await client.end();
        }
      });
      if (!ok) return null;
      pool = new pg.Pool({ connectionString: url, options: `-c search_path=${schema}` });
      return pool;
    },
    async close() {
      if (!pool) return;
      await pool.query(`drop schema "${schema}" cascade`);
      await pool.end();
    },
  };
}

function mariadb(): Engine {
  const url = process.env.MYSQL_URL ?? "mysql://root@127.0.0.1:3306/test";
  const database = `gh_sec_${Math.random().toString(36).slice(2, 10)}`;
  let pool: mysql.Pool | undefined;
  return {
    name: "mariadb",
    async open() {
      const ok = await requireService("mysql", async () => {
        const connection = await mysqlPromise.createConnection({ uri: url, connectTimeout: 3000 });
        try {
          await connection.query(`create database \`${database}\``);
        } finally {
          await connection.end();
        }
      });
      if (!ok) return null;
      const dbUrl = new URL(url);
      dbUrl.pathname = `/${database}`;
      pool = mysql.createPool({ uri: dbUrl.toString(), connectionLimit: 4, charset: "utf8mb4" });
      return pool;
    },
    async close() {
      if (!pool) return;
      await pool.promise().query(`drop database \`${database}\``);
      await new Promise<void>((resolve) => pool!.end(() => resolve()));
    },
  };
}

for (const engine of [sqlite(), postgres(), mariadb()]) {
  describe(`SQL metacharacters on ${engine.name}`, () => {
    let auth: Auth;
    let srv: TestServer | undefined;
    let available = false;
    let cases = 0;
    const tag = `${engine.name}-${Math.random().toString(36).slice(2, 8)}`;
    let serial = 0;
    const email = (local = "sql") => `${local}-${tag}-${++serial}@example.test`;
    let canary: { email: string; jar: CookieJar; id: string };
    let errorsBefore = 0;

    beforeAll(async () => {
      errorsBefore = loggedErrors.length;
      const database = await engine.open();
      if (database === null) return;
      available = true;
      ({ auth } = corpusAuth({ database }));
      await auth.migrate();
      srv = await serveBoth(auth);
      const jar = new CookieJar();
      const canaryEmail = email("canary");
      const up = await post(
        "/sign-up/email",
        { name: "Canary", email: canaryEmail, password: PASSWORD },
        jar,
      );
      expect(up.status).toBe(200);
      canary = { email: canaryEmail, jar, id: up.json.user.id };
    });
    afterAll(async () => {
      reportCount(`sql-metacharacters / ${engine.name}`, cases);
      await srv?.close();
      if (available) await engine.close();
    });

    function post(path: string, body: unknown, jar?: CookieJar): Promise<Answer> {
      return send(srv!, `/api/auth${path}`, { json: body, headers: { origin: srv!.url }, jar });
    }

    async function storedUser(id: string): Promise<Record<string, unknown> | null> {
      return auth.$context.adapter.findOne({ model: "user", where: [{ field: "id", value: id }] });
    }

    /** The tables are there, the canary user is untouched and still signs in. */
    async function expectIntact(): Promise<void> {
      for (const model of ["user", "account", "session", "verification"])
        expect(await auth.$context.adapter.count({ model }), model).toBeGreaterThanOrEqual(0);
      expect(await storedUser(canary.id)).toMatchObject({
        name: "Canary",
        email: canary.email,
        emailVerified: false,
      });
      const session = await send(srv!, "/api/auth/get-session?disableCookieCache=true", { jar: canary.jar });
      expect(session.json?.user?.email).toBe(canary.email);
    }

    it("sign-up, get-session, update-user and sign-in keep every value verbatim (name and image)", async (ctx) => {
      if (!available) return ctx.skip();
      const failures: string[] = [];
      const usersBefore = await auth.$context.adapter.count({ model: "user" });
      // Four users at a time: each value has its own user, so the order does not matter.
      await inBatches(SQL_VALUES, 4, async (value) => {
        cases += 1;
        const label = JSON.stringify(value).slice(0, 60);
        const jar = new CookieJar();
        const address = email();
        const up = await post(
          "/sign-up/email",
          { name: value, email: address, password: PASSWORD, image: value },
          jar,
        );
        if (up.status !== 200) {
          failures.push(`${label}: sign-up ${up.status} ${up.text.slice(0, 100)}`);
          return;
        }
        const expected = value.trim();
        if (up.json.user.name !== expected || up.json.user.image !== value)
          failures.push(`${label}: sign-up answer changed it`);
        const row = await storedUser(up.json.user.id);
        if (row?.name !== expected || row?.image !== value)
          failures.push(`${label}: stored as ${JSON.stringify(row?.name)}`);
        const read = await send(srv!, "/api/auth/get-session?disableCookieCache=true", { jar });
        if (read.json?.user?.name !== expected)
          failures.push(`${label}: get-session ${JSON.stringify(read.json?.user?.name)}`);
        cases += 1;
        // Changed, and still within the 256-character limit of a name.
        // (Two code units off the front of a long one: never half of a surrogate pair.)
        const renamed = value.length >= 255 ? `2${value.slice(2)}` : `${value}2`;
        const updated = await post("/update-user", { name: renamed, image: `${value}3` }, jar);
        const after = await storedUser(up.json.user.id);
        if (updated.status !== 200 || after?.name !== renamed.trim() || after?.image !== `${value}3`)
          failures.push(`${label}: update-user ${updated.status}, stored ${JSON.stringify(after?.name)}`);
        cases += 1;
        const signIn = await post("/sign-in/email", { email: address, password: PASSWORD });
        if (signIn.status !== 200 || signIn.json?.user?.id !== up.json.user.id)
          failures.push(`${label}: sign-in ${signIn.status}`);
        cases += 1;
        // The value as a password and as a wrong email: nothing matches, nothing breaks.
        const asPassword = await post("/sign-in/email", {
          email: address,
          password: value.length >= 8 ? value : `${value}-padding`,
        });
        if (asPassword.status !== 401)
          failures.push(`${label}: sign-in with it as password ${asPassword.status}`);
      });
      expect(failures).toEqual([]);
      expect(await auth.$context.adapter.count({ model: "user" })).toBe(usersBefore + SQL_VALUES.length);
      await expectIntact();
    });

    it("NUL in a name or image is refused with 400 before the database (or kept exactly)", async (ctx) => {
      if (!available) return ctx.skip();
      const failures: string[] = [];
      const jar = new CookieJar();
      const up = await post(
        "/sign-up/email",
        { name: "Nul Tester", email: email("nul"), password: PASSWORD },
        jar,
      );
      expect(up.status).toBe(200);
      for (const value of NUL_VALUES) {
        for (const [label, run] of [
          [
            "sign-up name",
            () => post("/sign-up/email", { name: value, email: email("nul"), password: PASSWORD }),
          ],
          [
            "sign-up image",
            () =>
              post("/sign-up/email", { name: "N", image: value, email: email("nul"), password: PASSWORD }),
          ],
          ["update-user name", () => post("/update-user", { name: value }, jar)],
          ["update-user image", () => post("/update-user", { image: value }, jar)],
        ] as const) {
          cases += 1;
          const answer = await run();
          if (answer.status === 200) {
            const row = await storedUser(answer.json?.user?.id ?? up.json.user.id);
            const field = label.endsWith("name") ? "name" : "image";
            if (row?.[field] !== value)
              failures.push(
                `${label} ${JSON.stringify(value)}: 200 but stored ${JSON.stringify(row?.[field])}`,
              );
          } else if (answer.status !== 400 || typeof answer.json?.code !== "string") {
            failures.push(`${label} ${JSON.stringify(value)}: ${answer.status} ${answer.text.slice(0, 100)}`);
          }
        }
      }
      // The browser routes' sign-up form: refused with Auth.js's error redirect, never a 500.
      for (const value of NUL_VALUES) {
        cases += 1;
        const jar = new CookieJar();
        const csrf = await send(srv!, "/auth/csrf", { jar });
        const answer = await send(srv!, "/auth/signup", {
          form: { csrfToken: csrf.json.csrfToken, name: value, email: email("nul"), password: PASSWORD },
          headers: { origin: srv!.url },
          jar,
        });
        const to = answer.location ? new URL(answer.location, srv!.url) : undefined;
        const created = answer.setCookies.some(
          (c) => c.startsWith("gatehouse.session_token=") && !/max-age=0/i.test(c),
        );
        if (created) {
          const session = await send(srv!, "/api/auth/get-session", { jar });
          if (session.json?.user?.name !== value)
            failures.push(`browser sign-up ${JSON.stringify(value)}: stored changed`);
        } else if (answer.status !== 302 || to?.searchParams.get("error") !== "EmailCreateAccount") {
          failures.push(
            `browser sign-up ${JSON.stringify(value)}: ${answer.status} ${answer.location ?? answer.text.slice(0, 80)}`,
          );
        }
      }
      expect(failures).toEqual([]);
      await expectIntact();
    });

    it("emails holding quotes and underscores are exact: no wildcard or quote matches another user", async (ctx) => {
      if (!available) return ctx.skip();
      const failures: string[] = [];
      for (const local of EMAIL_LOCAL_PARTS) {
        cases += 1;
        const address = email(local);
        const up = await post("/sign-up/email", { name: "Mail", email: address, password: PASSWORD });
        if (up.status !== 200 || up.json.user.email !== address) {
          failures.push(`${address}: sign-up ${up.status} ${up.text.slice(0, 80)}`);
          continue;
        }
        // A look-alike that LIKE ('_' matches any character) or sloppy quoting would match.
        const lookAlike = address.replace("_", "x").replace("'", "x");
        if (lookAlike !== address) {
          cases += 1;
          const wrong = await post("/sign-in/email", { email: lookAlike, password: PASSWORD });
          if (wrong.status !== 401) failures.push(`${lookAlike} signed in as ${address}: ${wrong.status}`);
        }
        const right = await post("/sign-in/email", { email: address.toUpperCase(), password: PASSWORD });
        if (right.status !== 200) failures.push(`${address}: sign-in ${right.status}`);
      }
      for (const bad of BAD_EMAILS) {
        cases += 1;
        const answer = await post("/sign-up/email", { name: "Bad", email: bad, password: PASSWORD });
        if (answer.status !== 400) failures.push(`sign-up ${JSON.stringify(bad)}: ${answer.status}`);
        cases += 1;
        const signIn = await post("/sign-in/email", { email: bad, password: PASSWORD });
        if (signIn.status !== 400) failures.push(`sign-in ${JSON.stringify(bad)}: ${signIn.status}`);
      }
      expect(failures).toEqual([]);
      await expectIntact();
    });

    it("values of the wrong type (objects, arrays, numbers) are 400, never a query", async (ctx) => {
      if (!available) return ctx.skip();
      const jar = canary.jar;
      const shapes: unknown[] = [
        { $ne: null },
        { $gt: "" },
        ["' OR 1=1 --"],
        1,
        true,
        null,
        { toString: "x" },
      ];
      for (const shape of shapes) {
        cases += 3;
        expect(
          (await post("/sign-up/email", { name: shape, email: email(), password: PASSWORD })).status,
        ).toBe(400);
        expect((await post("/sign-in/email", { email: shape, password: PASSWORD })).status).toBe(400);
        expect((await post("/sign-in/email", { email: canary.email, password: shape })).status).toBe(400);
        if (shape !== null) {
          cases += 1;
          expect((await post("/update-user", { name: shape }, jar)).status).toBe(400);
        }
      }
      await expectIntact();
    });

    it("no request on this engine was an unexpected server error", (ctx) => {
      if (!available) return ctx.skip();
      expect(loggedErrors.slice(errorsBefore)).toEqual([]);
    });
  });
}
