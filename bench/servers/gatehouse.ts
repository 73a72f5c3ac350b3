/**
 * Gatehouse as a user runs it: the built package (the harness maps these imports to dist/),
 * the JSON API on /api/auth and `requireAuth` on the protected route.
 */
import Database from "better-sqlite3";
import express from "express";
import { createAuth } from "../../src/index.js";
import { requireAuth } from "../../src/express/index.js";
import { toNodeHandler } from "../../src/node/index.js";
import { readConfig } from "./config.js";
import { type ProtectedBody, serve } from "./serve.js";

const config = readConfig();
const target = config.database;
if (!target) throw new Error("the Gatehouse server needs a database");
// pg is loaded only for the PostgreSQL contender, as an app on SQLite would not load it.
const pool =
  target.kind === "postgres"
    ? new (await import("pg")).default.Pool({
        connectionString: target.url,
        options: `-c search_path=${target.schema}`,
      })
    : undefined;

const auth = createAuth({
  secret: config.secret,
  database: pool ?? new Database(target.kind === "sqlite" ? target.file : ":memory:"),
  emailAndPassword: { enabled: true },
  // Production (NODE_ENV) refuses to start without mail for password reset; no scenario sends any.
  email: { transport: async () => {} },
  session: {
    strategy: config.jwt ? "jwt" : "database",
    cookieCache: { enabled: config.cookieCache === true },
  },
  // The sign-in and sign-up scenarios hammer one address on purpose.
  rateLimit: { enabled: false },
});
if (config.migrate) await auth.migrate();

const app = express();
app.all("/api/auth/*splat", toNodeHandler(auth));
app.get("/api/protected", requireAuth(auth), (req, res) => {
  const body: ProtectedBody = { ok: true, user: { id: req.auth!.user.id, email: req.auth!.user.email } };
  res.json(body);
});

serve(app, config, async () => {
  await pool?.end();
});
