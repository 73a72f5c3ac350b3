/**
 * Better Auth on better-sqlite3, wired as its Express guide shows: `toNodeHandler` on
 * /api/auth and `auth.api.getSession({ headers: fromNodeHeaders(req.headers) })` per request.
 */
import Database from "better-sqlite3";
import { betterAuth } from "better-auth";
import { getMigrations } from "better-auth/db/migration";
import { fromNodeHeaders, toNodeHandler } from "better-auth/node";
import express from "express";
import { readConfig } from "./config.js";
import { type ProtectedBody, serve, UNAUTHORIZED } from "./serve.js";

const config = readConfig();
if (config.database?.kind !== "sqlite") throw new Error("the Better Auth server runs on SQLite only");

const options = {
  secret: config.secret,
  baseURL: `http://127.0.0.1:${config.port}`,
  database: new Database(config.database.file),
  emailAndPassword: { enabled: true },
  session: { cookieCache: { enabled: config.cookieCache === true } },
  // The sign-in and sign-up scenarios hammer one address on purpose.
  rateLimit: { enabled: false },
  telemetry: { enabled: false },
};
const auth = betterAuth(options);
if (config.migrate) {
  const { runMigrations } = await getMigrations(options);
  await runMigrations();
}

const app = express();
app.all("/api/auth/*splat", toNodeHandler(auth));
app.get("/api/protected", async (req, res) => {
  const session = await auth.api.getSession({ headers: fromNodeHeaders(req.headers) });
  if (!session) {
    res.status(401).set("cache-control", "no-store").json(UNAUTHORIZED);
    return;
  }
  const body: ProtectedBody = { ok: true, user: { id: session.user.id, email: session.user.email } };
  res.json(body);
});

serve(app, config);
