import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import express from "express";
import { fromNodeHeaders, toNodeHandler } from "../../src/node/index.js";
import { authSession, ExpressAuth, requireAuth } from "../../src/express/index.js";
import { auth, localOP } from "./auth.js";
import { startLocalOP } from "./local-op.js";
import { PAGE, SCRIPT } from "./page.js";

const port = Number(process.env.PORT ?? 3000);
const app = express();
app.set("view engine", "ejs");
app.set("views", resolve(dirname(fileURLToPath(import.meta.url)), "views"));

// One auth instance, two dialects: the JSON API (Better Auth's) for the page's fetch calls, and
// the browser routes (Auth.js's) with the built-in sign-in and sign-out pages. Both read and
// write the same users and the same session cookie.
app.all("/api/auth/*splat", toNodeHandler(auth));
app.use("/auth", ExpressAuth(auth));
app.use(express.json());

app.get("/", (_req, res) => {
  res.type("html").send(PAGE);
});
app.get("/app.js", (_req, res) => {
  res.type("application/javascript").send(SCRIPT);
});
// The server-rendered page: the session comes from the cookie on each request, no script.
app.get("/ssr", authSession(auth), (_req, res) => {
  res.render("ssr");
});
app.get("/api/me", async (req, res) => {
  res.json(await auth.api.getSession({ headers: fromNodeHeaders(req.headers) }));
});
app.get("/api/private", requireAuth(auth), (req, res) => {
  res.json({ message: `Hello ${req.auth?.user.name}` });
});
// The configured providers, for the page's "Sign in with …" buttons.
app.get("/api/providers", (_req, res) => {
  res.json([...auth.$context.providers.values()].map((p) => ({ id: p.id, name: p.provider.name })));
});

const op = await startLocalOP({
  port: localOP.port,
  clientId: localOP.clientId,
  clientSecret: localOP.clientSecret,
  // The JSON API's callback and the browser routes' one, on both names of this machine.
  redirectURIs: ["localhost", "127.0.0.1"].flatMap((host) => [
    `http://${host}:${port}/api/auth/callback/local`,
    `http://${host}:${port}/auth/callback/local`,
  ]),
});
console.log(`demo: local OpenID Provider on ${op.issuer} (any name and password signs in)`);
const ran = await auth.migrate();
if (ran.length > 0) console.log(`demo: database migrated (${ran.length} statements)`);
const server = app.listen(port, "127.0.0.1", () => {
  console.log(`Gatehouse demo on http://localhost:${port}`);
});
const stop = (): void => {
  server.close();
  op.close();
  void auth.close();
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
