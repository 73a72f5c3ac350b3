import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import express from "express";
import mysql from "mysql2";
import mysqlPromise from "mysql2/promise";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { createAuth } from "../../src/index.js";
import { fromNodeHeaders, toNodeHandler } from "../../src/node/index.js";
import { username } from "../../src/plugins/username/index.js";
import { randomSuffix } from "../db/adapter-contract.js";
import { CookieJar, startServer, TEST_SECRET } from "../helpers/http.js";
import { requireService } from "../helpers/services.js";

const pgUrl = process.env.POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const mysqlUrl = process.env.MYSQL_URL ?? "mysql://root@127.0.0.1:3306/test";
const pgSchema = `gh_e2e_${randomSuffix()}`;
const mysqlDatabase = `gh_e2e_${randomSuffix()}`;

const pgUp = await requireService("postgres", async () => {
  const client = new pg.Client({ connectionString: pgUrl, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    await client.query(`create schema "${pgSchema}"`);
  } finally {
    await client.end();
  }
});
const mysqlUp = await requireService("mysql", async () => {
  const connection = await mysqlPromise.createConnection({ uri: mysqlUrl, connectTimeout: 3000 });
  try {
    await connection.query(`create database \`${mysqlDatabase}\``);
  } finally {
    await connection.end();
  }
});

const dir = mkdtempSync(join(tmpdir(), "gatehouse-e2e-"));
const pgPool = new pg.Pool({ connectionString: pgUrl, options: `-c search_path=${pgSchema}` });
const mysqlPoolUrl = new URL(mysqlUrl);
mysqlPoolUrl.pathname = `/${mysqlDatabase}`;
const mysqlPool = mysql.createPool({ uri: mysqlPoolUrl.toString(), connectionLimit: 4 });

afterAll(async () => {
  if (pgUp) await pgPool.query(`drop schema "${pgSchema}" cascade`);
  await pgPool.end();
  if (mysqlUp) await mysqlPool.promise().query(`drop database \`${mysqlDatabase}\``);
  await new Promise<void>((resolve) => mysqlPool.end(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

const engines = [
  { name: "sqlite file (better-sqlite3)", up: true, database: () => new Database(join(dir, "auth.db")) },
  { name: "sqlite URL", up: true, database: () => `sqlite:${join(dir, "url.db")}` },
  { name: "postgres (pg Pool)", up: pgUp, database: () => pgPool },
  { name: "mysql (mysql2 pool)", up: mysqlUp, database: () => mysqlPool },
];

describe.each(engines)("the README's Express app, unchanged, on $name", (engine) => {
  it.skipIf(!engine.up)("migrates, signs up, reads the session, signs out, signs in", async () => {
    const auth = createAuth({
      secret: TEST_SECRET,
      database: engine.database(),
      emailAndPassword: { enabled: true },
      plugins: [username()],
    });
    expect((await auth.migrate()).length).toBeGreaterThan(0);
    expect(await auth.planMigration()).toEqual([]);

    const app = express();
    app.all("/api/auth/*splat", toNodeHandler(auth));
    app.use(express.json());
    app.get("/api/me", async (req, res) => {
      res.json(await auth.api.getSession({ headers: fromNodeHeaders(req.headers) }));
    });
    const server = await startServer(app);
    try {
      const jar = new CookieJar();
      const post = async (path: string, body: unknown): Promise<Response> => {
        const res = await fetch(`${server.url}/api/auth${path}`, {
          method: "POST",
          headers: { "content-type": "application/json", origin: server.url, cookie: jar.header() },
          body: JSON.stringify(body),
        });
        jar.storeFrom(res);
        return res;
      };
      const email = `Engine.User+${randomSuffix()}@Example.com`;
      const up = await post("/sign-up/email", {
        name: "Ünïcode 'quoted' name",
        email,
        password: "correct horse",
        username: "Engine_User",
      });
      expect(up.status).toBe(200);
      const created = (await up.json()) as { user: { email: string; name: string; username: string } };
      expect(created.user).toMatchObject({
        email: email.toLowerCase(),
        name: "Ünïcode 'quoted' name",
        username: "engine_user",
      });

      const me = await fetch(`${server.url}/api/me`, { headers: { cookie: jar.header() } });
      expect(((await me.json()) as { user: { email: string } }).user.email).toBe(email.toLowerCase());

      const duplicate = await post("/sign-up/email", {
        name: "Again",
        email: email.toUpperCase(),
        password: "correct horse",
      });
      expect(duplicate.status).toBe(422);
      expect(await duplicate.json()).toMatchObject({ code: "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL" });

      expect((await post("/sign-out", {})).status).toBe(200);
      const signedOut = await fetch(`${server.url}/api/me`, { headers: { cookie: jar.header() } });
      expect(await signedOut.json()).toBeNull();

      const wrong = await post("/sign-in/username", { username: "ENGINE_USER", password: "wrong password" });
      expect(wrong.status).toBe(401);
      const right = await post("/sign-in/username", { username: "ENGINE_USER", password: "correct horse" });
      expect(right.status).toBe(200);
      const sessions = await fetch(`${server.url}/api/auth/list-sessions`, {
        headers: { cookie: jar.header() },
      });
      expect(((await sessions.json()) as unknown[]).length).toBe(1);
    } finally {
      await server.close();
      await auth.close();
    }
  });
});
