/**
 * The ceiling: the same route and JSON as every contender, with no authentication. It answers
 * 401 when there is no Cookie header at all, so the 401 scenario has a ceiling too.
 */
import express from "express";
import { readConfig } from "./config.js";
import { type ProtectedBody, serve, UNAUTHORIZED } from "./serve.js";

const config = readConfig();
const app = express();
const body: ProtectedBody = { ok: true, user: { id: "bare-express-user-id", email: "bench@example.com" } };

app.get("/api/protected", (req, res) => {
  if (req.headers.cookie === undefined) {
    res.status(401).set("cache-control", "no-store").json(UNAUTHORIZED);
    return;
  }
  res.json(body);
});

serve(app, config);
