/**
 * What an app that only protects routes loads at start-up. Node's `fetch`, `Headers`, `Request`
 * and `Response` are undici, loaded the first time one of those globals is touched: ~30 ms on
 * this machine, which `gatehouse/express` used to pay at import for one `new Headers()`. These
 * tests run the built package in a child process, as an app would, and read
 * `process.moduleLoadList` (the built-in modules Node has loaded so far).
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const dir = mkdtempSync(join(tmpdir(), "gatehouse-startup-"));
const file = join(dir, "app.db");
const SECRET = "startup-test-secret-0123456789-abcdefghij";

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Runs an ES module source with node from the package root; resolves with its stdout. */
function run(source: string): Promise<string> {
  return new Promise((done, fail) => {
    execFile(
      process.execPath,
      ["--input-type=module", "-e", source],
      { cwd: ROOT, timeout: 60_000, env: { ...process.env, NODE_ENV: "production" } },
      (error, stdout, stderr) => {
        if (error) fail(new Error(`script failed: ${stderr || error.message}`));
        else done(stdout.trim());
      },
    );
  });
}

const options = `{
  secret: ${JSON.stringify(SECRET)},
  database: new Database(${JSON.stringify(file)}),
  emailAndPassword: { enabled: true },
  email: { transport: async () => {} },
}`;

/** Signs a user up through auth.api (which does use Headers) and prints the session cookie. */
const setup = `
  import Database from "better-sqlite3";
  import { createAuth } from "gatehouse";
  const auth = createAuth(${options});
  await auth.migrate();
  const res = await auth.api.signUpEmail({
    body: { email: "startup@example.com", password: "a long enough passphrase 42", name: "S" },
    asResponse: true,
  });
  console.log(res.headers.getSetCookie().map((c) => c.split(";")[0]).join("; "));
`;

/**
 * An app with the JSON API mounted and one protected route, answering one request over
 * node:http (not fetch), then reporting whether undici was loaded, and again after touching
 * the Headers global (which shows the probe sees undici when it is there).
 */
const app = (cookie: string): string => `
  import http from "node:http";
  import Database from "better-sqlite3";
  import express from "express";
  import { createAuth } from "gatehouse";
  import { requireAuth } from "gatehouse/express";
  import { toNodeHandler } from "gatehouse/node";
  const loaded = () => process.moduleLoadList.some((name) => name.includes("undici"));
  const auth = createAuth(${options});
  const server = express()
    .all("/api/auth/*splat", toNodeHandler(auth))
    .get("/protected", requireAuth(auth), (req, res) => res.json({ email: req.auth.user.email }))
    .listen(0, "127.0.0.1");
  await new Promise((ok) => server.once("listening", ok));
  const answer = await new Promise((ok, fail) => {
    const req = http.get(
      { host: "127.0.0.1", port: server.address().port, path: "/protected", headers: { cookie: ${JSON.stringify(cookie)} } },
      (res) => {
        let body = "";
        res.on("data", (chunk) => (body += chunk));
        res.on("end", () => ok({ status: res.statusCode, body: JSON.parse(body) }));
      },
    );
    req.on("error", fail);
  });
  const before = loaded();
  void globalThis.Headers;
  console.log(JSON.stringify({ ...answer, before, after: loaded() }));
  server.close();
`;

describe("start-up of an app that protects routes", () => {
  it("answers its first protected request without loading Node's fetch implementation", async () => {
    const cookie = await run(setup);
    expect(cookie).toContain("session_token=");
    const result = JSON.parse(await run(app(cookie)));
    expect(result.status).toBe(200);
    expect(result.body).toEqual({ email: "startup@example.com" });
    expect(result.before).toBe(false);
    // The probe works: touching the Headers global loads undici.
    expect(result.after).toBe(true);
  });
});
