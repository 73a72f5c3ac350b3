/**
 * The README's main command, `npx tsx examples/demo/server.ts`, run as a child process on a
 * free port and used over real HTTP like its page does. The demo keeps its SQLite file in
 * data/demo.db under the repo root (git-ignored); every run signs up fresh users.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CookieJar, uniqueEmail } from "../helpers/http.js";
import { authorizeAtOP } from "../helpers/oidc-provider.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const PASSWORD = "correct horse battery";

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as { port: number };
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

let child: ChildProcess | undefined;
let base = "";
let output = "";

/** Starts the demo and resolves once it prints "Gatehouse demo on"; rejects on early exit. */
function startDemo(port: number, opPort: number): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    // Its own process group, so afterAll can stop npx, tsx and the node process under them.
    const proc = spawn("npx", ["tsx", "examples/demo/server.ts"], {
      cwd: ROOT,
      env: {
        ...process.env,
        PORT: String(port),
        LOCAL_OP_PORT: String(opPort),
        NODE_ENV: "development",
        // GitHub is offered when its credentials are in the environment.
        AUTH_GITHUB_ID: "demo-github-id",
        AUTH_GITHUB_SECRET: "demo-github-secret",
      },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    child = proc;
    const timer = setTimeout(() => reject(new Error(`demo did not start within 90 s:\n${output}`)), 90_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.includes("Gatehouse demo on")) {
        clearTimeout(timer);
        resolvePromise();
      }
    };
    proc.stdout.on("data", onData);
    proc.stderr.on("data", onData);
    proc.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`demo exited with ${code} before it was ready:\n${output}`));
    });
  });
}

function stopDemo(): Promise<void> {
  const proc = child;
  if (!proc?.pid || proc.exitCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const force = setTimeout(() => {
      try {
        process.kill(-proc.pid!, "SIGKILL");
      } catch {}
      done();
    }, 5000);
    proc.once("exit", () => {
      clearTimeout(force);
      done();
    });
    try {
      process.kill(-proc.pid!, "SIGTERM");
    } catch {
      clearTimeout(force);
      done();
    }
  });
}

/** A browser on the demo's origin: same-origin Origin header on writes, a cookie jar. */
class Browser {
  readonly jar = new CookieJar();

  async fetch(path: string, init: { method?: string; json?: unknown } = {}): Promise<Response> {
    const headers = new Headers();
    const method = init.method ?? (init.json === undefined ? "GET" : "POST");
    if (method !== "GET") headers.set("origin", base);
    if (init.json !== undefined) headers.set("content-type", "application/json");
    const cookie = this.jar.header();
    if (cookie) headers.set("cookie", cookie);
    const response = await fetch(`${base}${path}`, {
      method,
      headers,
      body: init.json === undefined ? undefined : JSON.stringify(init.json),
      redirect: "manual",
    });
    this.jar.store(response.headers.getSetCookie());
    return response;
  }
}

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  await startDemo(port, await freePort());
}, 120_000);

afterAll(async () => {
  await stopDemo();
}, 15_000);

describe("examples/demo", () => {
  it("prints its address and serves the HTML page and its script", async () => {
    expect(output).toMatch(/Gatehouse demo on http:\/\/localhost:\d+/);
    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
    const html = await page.text();
    expect(html).toMatch(/<title>Gatehouse demo<\/title>/);
    expect(html).toMatch(/<form id="sign-up">/);
    const script = await fetch(`${base}/app.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get("content-type")).toMatch(/javascript/);
    expect(await script.text()).toMatch(/\/sign-up\/email/);
  });

  it("sign-up issues a session cookie; /api/me returns the session; /api/private is 401 without and 200 with it", async () => {
    const browser = new Browser();
    const email = uniqueEmail("demo");
    const signUp = await browser.fetch("/api/auth/sign-up/email", {
      json: { name: "Demo User", email, password: PASSWORD },
    });
    expect(signUp.status).toBe(200);
    expect((await signUp.json()).user.email).toBe(email);
    expect(browser.jar.names()).toContain("gatehouse.session_token");

    const me = await browser.fetch("/api/me");
    expect(me.status).toBe(200);
    const session = await me.json();
    expect(session.user.email).toBe(email);
    expect(session.session.userId).toBe(session.user.id);

    const anonymous = new Browser();
    expect(await (await anonymous.fetch("/api/me")).json()).toBeNull();
    const denied = await anonymous.fetch("/api/private");
    expect(denied.status).toBe(401);

    const allowed = await browser.fetch("/api/private");
    expect(allowed.status).toBe(200);
    expect(await allowed.json()).toEqual({ message: "Hello Demo User" });
  });

  it("sign-out ends the session: /api/private is 401 again", async () => {
    const browser = new Browser();
    const email = uniqueEmail("demo-out");
    expect(
      (await browser.fetch("/api/auth/sign-up/email", { json: { name: "Out", email, password: PASSWORD } }))
        .status,
    ).toBe(200);
    expect((await browser.fetch("/api/private")).status).toBe(200);
    const out = await browser.fetch("/api/auth/sign-out", { json: {} });
    expect(out.status).toBe(200);
    expect((await browser.fetch("/api/private")).status).toBe(401);
    const again = await browser.fetch("/api/auth/sign-in/email", { json: { email, password: PASSWORD } });
    expect(again.status).toBe(200);
    expect((await browser.fetch("/api/private")).status).toBe(200);
  });

  it("the username plugin works on the demo's SQLite database (sign-up with a username, sign-in by it)", async () => {
    const name = `Demo_${process.pid}_${Date.now().toString(36)}`;
    const signUp = await new Browser().fetch("/api/auth/sign-up/email", {
      json: { name: "Named", email: uniqueEmail("demo-named"), password: PASSWORD, username: name },
    });
    expect(signUp.status).toBe(200);
    expect((await signUp.json()).user.username).toBe(name.toLowerCase());

    const browser = new Browser();
    const signIn = await browser.fetch("/api/auth/sign-in/username", {
      json: { username: name.toUpperCase(), password: PASSWORD },
    });
    expect(signIn.status).toBe(200);
    expect((await browser.fetch("/api/private")).status).toBe(200);
  });

  it("signs in with the local OpenID Provider it starts beside the app (offline, real oidc-provider)", async () => {
    expect(output).toMatch(/local OpenID Provider on http:\/\/localhost:\d+/);
    const providers = await (await fetch(`${base}/api/providers`)).json();
    expect(providers).toEqual([
      { id: "local", name: "Local OpenID Provider" },
      { id: "github", name: "GitHub" },
    ]);

    const browser = new Browser();
    const start = await browser.fetch("/api/auth/sign-in/social", {
      json: { provider: "local", callbackURL: "/" },
    });
    expect(start.status).toBe(200);
    const { url } = await start.json();
    const login = `op-${process.pid}-${Date.now().toString(36)}`;
    const handBack = await authorizeAtOP(url, { login });
    expect(handBack.method).toBe("GET");
    const back = new URL(handBack.url);
    const callback = await browser.fetch(back.pathname + back.search);
    expect(callback.status).toBe(302);
    expect(callback.headers.get("location")).toBe("/");
    const me = await (await browser.fetch("/api/me")).json();
    expect(me.user.email).toBe(`${login}@example.test`);
    expect(me.user.emailVerified).toBe(true);
    const accounts = await (await browser.fetch("/api/auth/list-accounts")).json();
    expect(accounts).toEqual([expect.objectContaining({ providerId: "local", accountId: login })]);
  });

  it("a cross-site write is refused (Origin check)", async () => {
    const res = await fetch(`${base}/api/auth/sign-up/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: "https://evil.example", cookie: "x=1" },
      body: JSON.stringify({ name: "X", email: uniqueEmail("evil"), password: PASSWORD }),
    });
    expect(res.status).toBe(403);
  });
});
