/**
 * Auth.js (`@auth/express`) with its default JWT sessions: `ExpressAuth` on /auth and
 * `getSession(req, config)` per request, as its Express guide shows.
 */
import { ExpressAuth, type ExpressAuthConfig, getSession } from "@auth/express";
import express from "express";
import { readConfig } from "./config.js";
import { type ProtectedBody, serve, UNAUTHORIZED } from "./serve.js";

const config = readConfig();
const authConfig: ExpressAuthConfig = { secret: config.secret, trustHost: true, providers: [] };

const app = express();
app.set("trust proxy", true);
app.use("/auth/*splat", ExpressAuth(authConfig));
app.get("/api/protected", async (req, res) => {
  const session = await getSession(req, authConfig);
  if (!session?.user) {
    res.status(401).set("cache-control", "no-store").json(UNAUTHORIZED);
    return;
  }
  const body: ProtectedBody = {
    ok: true,
    user: { id: session.user.id ?? "", email: session.user.email ?? "" },
  };
  res.json(body);
});

serve(app, config);
