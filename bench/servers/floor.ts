/**
 * The floor of a database-session check: bare Express plus the one thing such a check cannot
 * skip, reading the session's row (joined with its user) from SQLite, with one statement
 * prepared at start. No library, no signature, no hashing, no expiry logic. Whatever Gatehouse
 * (or any library) does on top of this is the price of checking a session properly; the gap
 * between this row and bare Express is what SQLite itself costs per request on this machine.
 */
import Database from "better-sqlite3";
import express from "express";
import { FLOOR_COOKIE, FLOOR_TOKEN, readConfig } from "./config.js";
import { type ProtectedBody, serve, UNAUTHORIZED } from "./serve.js";

const config = readConfig();
if (config.database?.kind !== "sqlite") throw new Error("the floor server needs a SQLite file");
const db = new Database(config.database.file);
db.pragma("journal_mode = WAL");
if (config.migrate) {
  db.exec(`
    create table if not exists "user" ("id" text primary key, "email" text not null);
    create table if not exists "session" ("id" text primary key, "token" text not null unique,
      "userId" text not null references "user" ("id"), "expiresAt" integer not null);
  `);
  db.prepare(`insert or ignore into "user" values (?, ?)`).run("floor-user-id", "bench@example.com");
  db.prepare(`insert or ignore into "session" values (?, ?, ?, ?)`).run(
    "floor-session-id",
    FLOOR_TOKEN,
    "floor-user-id",
    Date.now() + 7 * 24 * 3600 * 1000,
  );
}
const lookup = db.prepare(
  `select s."expiresAt", u."id", u."email" from "session" s join "user" u on u."id" = s."userId" where s."token" = ? limit 1`,
);
const prefix = `${FLOOR_COOKIE}=`;

const app = express();
app.get("/api/protected", (req, res) => {
  const header = req.headers.cookie;
  const token = header?.startsWith(prefix) ? header.slice(prefix.length) : undefined;
  const row = token ? (lookup.get(token) as { id: string; email: string } | undefined) : undefined;
  if (!row) {
    res.status(401).set("cache-control", "no-store").json(UNAUTHORIZED);
    return;
  }
  const body: ProtectedBody = { ok: true, user: { id: row.id, email: row.email } };
  res.json(body);
});

serve(app, config, async () => {
  db.close();
});
