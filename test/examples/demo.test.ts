/**
 * The README's main command, `npx tsx examples/demo/server.ts`, run as a child process on a
 * free port and used over real HTTP like its page does: the JSON API page, and the
 * server-rendered page with the built-in sign-in pages, sharing one auth instance. The demo keeps its SQLite file in
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

  async fetch(
    path: string,
    init: { method?: string; json?: unknown; form?: Record<string, string> } = {},
  ): Promise<Response> {
    const headers = new Headers();
    const hasBody = init.json !== undefined || init.form !== undefined;
    const method = init.method ?? (hasBody ? "POST" : "GET");
    if (method !== "GET") headers.set("origin", base);
    if (init.json !== undefined) headers.set("content-type", "application/json");
    if (init.form !== undefined) headers.set("content-type", "application/x-www-form-urlencoded");
    const cookie = this.jar.header();
    if (cookie) headers.set("cookie", cookie);
    const body =
      init.json !== undefined
        ? JSON.stringify(init.json)
        : init.form !== undefined
          ? new URLSearchParams(init.form).toString()
          : undefined;
    const response = await fetch(`${base}${path}`, { method, headers, body, redirect: "manual" });
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

  describe("the server-rendered part (EJS, ExpressAuth(auth) at /auth)", () => {
    /** The CSRF token of a built-in page's forms (and its cookie, into the jar). */
    async function pageWithToken(
      browser: Browser,
      path: string,
    ): Promise<{ html: string; csrfToken: string }> {
      const page = await browser.fetch(path);
      expect(page.status).toBe(200);
      const html = await page.text();
      const csrfToken = /name="csrfToken" value="([^"]+)"/.exec(html)?.[1];
      expect(csrfToken).toBeTruthy();
      return { html, csrfToken: String(csrfToken) };
    }

    it("the JSON page links to /ssr; /ssr renders signed out, with links to sign in and back", async () => {
      expect(await (await fetch(`${base}/`)).text()).toContain('<a href="/ssr" id="ssr-link">');
      const res = await new Browser().fetch("/ssr");
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/text\/html/);
      const html = await res.text();
      expect(html).toContain('<section id="signed-out">');
      expect(html).toContain('<a href="/auth/signin?callbackUrl=/ssr">');
      expect(html).not.toContain('id="signed-in"');
    });

    it("a session made by the JSON API shows on /ssr and at /auth/session: one cookie for both dialects", async () => {
      const browser = new Browser();
      const email = uniqueEmail("demo-ssr");
      const signUp = await browser.fetch("/api/auth/sign-up/email", {
        json: { name: "Server <Rendered>", email, password: PASSWORD },
      });
      expect(signUp.status).toBe(200);
      expect(browser.jar.names()).toEqual(["gatehouse.session_token"]);

      const html = await (await browser.fetch("/ssr")).text();
      expect(html).toContain('<dd id="user-name">Server &lt;Rendered&gt;</dd>');
      expect(html).toContain(`<dd id="user-email">${email}</dd>`);
      expect(html).toContain('<a href="/auth/signout?callbackUrl=/ssr">');
      const session = await (await browser.fetch("/auth/session")).json();
      expect(session.user).toMatchObject({ name: "Server <Rendered>", email });
      // No authjs.* cookies: ExpressAuth(auth) keeps the instance's "gatehouse" prefix.
      expect(browser.jar.names().filter((n) => n.startsWith("authjs"))).toEqual([]);
    });

    it("GET /auth/signin lists the local OpenID Provider and has the sign-up form", async () => {
      const { html } = await pageWithToken(new Browser(), "/auth/signin?callbackUrl=/ssr");
      expect(html).toContain(`action="${base}/auth/signin/local"`);
      expect(html).toContain("Sign in with Local OpenID Provider");
      expect(html).toContain(`action="${base}/auth/signin/github"`);
      expect(html).toContain(`action="${base}/auth/signup"`);
      expect(html).toContain('name="password" type="password" autocomplete="new-password"');
      expect(html).toContain('name="callbackUrl" value="/ssr"');
    });

    it("signs up with the built-in form, then signs out through /auth/signout; the JSON API agrees", async () => {
      const browser = new Browser();
      const email = uniqueEmail("demo-form");
      const { csrfToken } = await pageWithToken(browser, "/auth/signin?callbackUrl=/ssr");
      expect(browser.jar.names()).toContain("gatehouse.csrf-token");
      const signUp = await browser.fetch("/auth/signup", {
        form: { csrfToken, callbackUrl: "/ssr", name: "Form User", email, password: PASSWORD },
      });
      expect(signUp.status).toBe(302);
      expect(signUp.headers.get("location")).toBe(`${base}/ssr`);
      expect(await (await browser.fetch("/ssr")).text()).toContain('<dd id="user-name">Form User</dd>');
      expect((await (await browser.fetch("/api/me")).json()).user.email).toBe(email);

      const out = await pageWithToken(browser, "/auth/signout?callbackUrl=/ssr");
      const signOut = await browser.fetch("/auth/signout", {
        form: { csrfToken: out.csrfToken, callbackUrl: "/ssr" },
      });
      expect(signOut.status).toBe(302);
      expect(signOut.headers.get("location")).toBe(`${base}/ssr`);
      expect(await (await browser.fetch("/ssr")).text()).toContain('<section id="signed-out">');
      expect(await (await browser.fetch("/api/me")).json()).toBeNull();
    });

    it("signs in through /auth/signin/local and the local OP; /ssr shows the OP's user", async () => {
      const browser = new Browser();
      const { csrfToken } = await pageWithToken(browser, "/auth/signin?callbackUrl=/ssr");
      const start = await browser.fetch("/auth/signin/local", { form: { csrfToken, callbackUrl: "/ssr" } });
      expect(start.status).toBe(302);
      const authorize = new URL(String(start.headers.get("location")));
      expect(authorize.searchParams.get("redirect_uri")).toBe(`${base}/auth/callback/local`);
      expect(authorize.searchParams.get("code_challenge_method")).toBe("S256");

      const login = `ssr-${process.pid}-${Date.now().toString(36)}`;
      const handBack = await authorizeAtOP(authorize.href, { login });
      expect(handBack.method).toBe("GET");
      const back = new URL(handBack.url);
      expect(back.origin + back.pathname).toBe(`${base}/auth/callback/local`);
      const callback = await browser.fetch(back.pathname + back.search);
      expect(callback.status).toBe(302);
      expect(callback.headers.get("location")).toBe(`${base}/ssr`);
      expect(browser.jar.names()).toContain("gatehouse.session_token");

      const html = await (await browser.fetch("/ssr")).text();
      expect(html).toContain(`<dd id="user-name">${login}</dd>`);
      expect(html).toContain(`<dd id="user-email">${login}@example.test</dd>`);
      const me = await (await browser.fetch("/api/me")).json();
      expect(me.user.email).toBe(`${login}@example.test`);
      const accounts = await (await browser.fetch("/api/auth/list-accounts")).json();
      expect(accounts).toEqual([expect.objectContaining({ providerId: "local", accountId: login })]);
    });
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
