/**
 * Seed fidelity (issue #4 item 8): the Auth.js Express guide's code, with only the package
 * names changed, run as written on Express 4 and Express 5 over real HTTP. The guide's app is in
 * fixtures/authjs-guide/ and imports Gatehouse by name (`gatehouse/express`,
 * `gatehouse/providers/github`), so it runs against the built package like a user's app would.
 *
 * The fixture imports "express"; for the Express 4 run that name is pointed at the `express4`
 * package (vi.doMock), so the guide's files stay as they are for both majors.
 *
 * GitHub is not contacted: the sign-in is followed as far as the redirect to GitHub, and the
 * signed-in half uses a session cookie minted the way Auth.js mints one (`encode` from
 * `@auth/core/jwt`, salt "authjs.session-token", the same AUTH_SECRET).
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { encode } from "@auth/core/jwt";
import express5 from "express";
import express4 from "express4";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { CookieJar, startServer, type TestServer } from "../helpers/http.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

const ENV = {
  AUTH_SECRET: `${"s".repeat(32)}-authjs-guide-secret`,
  AUTH_GITHUB_ID: "guide-github-client-id",
  AUTH_GITHUB_SECRET: "guide-github-client-secret",
} as const;

const saved = new Map<string, string | undefined>();

beforeAll(() => {
  // The fixture imports the package by name, which resolves to dist/ through "exports".
  // `npm test` builds first; a bare `vitest run` on a fresh checkout builds here.
  const built = ["express/index.js", "providers/github.js"].every((f) => existsSync(join(ROOT, "dist", f)));
  if (!built) execFileSync("npx", ["tsup"], { cwd: ROOT, stdio: "ignore" });
  for (const [name, value] of Object.entries(ENV)) {
    saved.set(name, process.env[name]);
    process.env[name] = value;
  }
}, 120_000);

afterAll(() => {
  for (const [name, value] of saved) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  vi.doUnmock("express");
});

/** The guide's app on one Express major: the fixture's modules loaded fresh, "express" mapped. */
async function loadGuideApp(major: 4 | 5) {
  vi.resetModules();
  if (major === 4) {
    vi.doMock("express", () => ({
      default: express4,
      Router: express4.Router,
      json: express4.json,
      urlencoded: express4.urlencoded,
    }));
  } else {
    vi.doUnmock("express");
  }
  const { default: loaded } = await import("express");
  const { createApp } = await import("./fixtures/authjs-guide/app.js");
  // Express 5 names the guide's "/auth/*" wildcard.
  return { app: createApp(major === 4 ? "/auth/*" : "/auth/*splat"), express: loaded };
}

/** Auth.js's session cookie for `user`, as `@auth/core` writes it (JWE, dir + A256CBC-HS512). */
function authjsSessionCookie(user: { sub: string; name: string; email: string }): Promise<string> {
  return encode({
    token: { ...user, picture: null },
    secret: ENV.AUTH_SECRET,
    salt: "authjs.session-token",
  });
}

const ADA = { sub: "github-user-583231", name: "Ada Lovelace", email: "ada@example.test" };

for (const major of [4, 5] as const) {
  describe(`the Auth.js Express guide on Express ${major}`, () => {
    let srv: TestServer;
    let loadedExpress: unknown;

    beforeAll(async () => {
      const { app, express } = await loadGuideApp(major);
      loadedExpress = express;
      srv = await startServer(app);
    });
    afterAll(() => srv?.close());

    async function get(path: string, jar?: CookieJar): Promise<Response> {
      const headers = new Headers({ accept: "text/html" });
      if (jar?.header()) headers.set("cookie", jar.header());
      const res = await fetch(`${srv.url}${path}`, { headers, redirect: "manual" });
      jar?.storeFrom(res);
      return res;
    }

    it(`runs on Express ${major}, though the guide's app.use("trust proxy") is an Express error`, () => {
      expect(loadedExpress).toBe(major === 4 ? express4 : express5);
      // A pure Express fact, no auth library involved: the fixture has to catch it to start.
      const bare = (major === 4 ? express4 : express5)();
      expect(() => bare.use("trust proxy")).toThrow("app.use() requires a middleware function");
    });

    it("GET / renders the EJS page's signed-out branch", async () => {
      const res = await get("/");
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^text\/html/);
      const html = await res.text();
      expect(html).toContain('<p id="signed-out">You are not signed in.</p>');
      expect(html).not.toContain("signed-in");
    });

    it("GET /auth/providers lists GitHub with its sign-in and callback URLs", async () => {
      const res = await get("/auth/providers");
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({
        github: {
          id: "github",
          name: "GitHub",
          type: "oauth",
          signinUrl: `${srv.url}/auth/signin/github`,
          callbackUrl: `${srv.url}/auth/callback/github`,
        },
      });
    });

    it("GET /auth/signin offers a GitHub button; posting it with the CSRF token goes to GitHub with PKCE", async () => {
      const jar = new CookieJar();
      const page = await get("/auth/signin", jar);
      expect(page.status).toBe(200);
      const html = await page.text();
      const form = /<form method="post" action="([^"]+)">(.*?)<\/form>/s.exec(html);
      expect(form?.[1]).toBe(`${srv.url}/auth/signin/github`);
      expect(form?.[2]).toContain("Sign in with GitHub");
      const csrfToken = /name="csrfToken" value="([^"]+)"/.exec(form?.[2] ?? "")?.[1];
      expect(csrfToken).toMatch(/^[0-9a-f]{64}$/);
      expect(jar.get("authjs.csrf-token")).toMatch(new RegExp(`^${csrfToken}(\\||%7C)[0-9a-f]{64}$`));

      const post = await fetch(`${srv.url}/auth/signin/github`, {
        method: "POST",
        headers: {
          cookie: jar.header(),
          origin: srv.url,
          "content-type": "application/x-www-form-urlencoded",
        },
        body: new URLSearchParams({ csrfToken: String(csrfToken), callbackUrl: "/profile" }),
        redirect: "manual",
      });
      expect(post.status).toBe(302);
      const to = new URL(String(post.headers.get("location")));
      expect(to.origin + to.pathname).toBe("https://github.com/login/oauth/authorize");
      expect(to.searchParams.get("client_id")).toBe(ENV.AUTH_GITHUB_ID);
      expect(to.searchParams.get("redirect_uri")).toBe(`${srv.url}/auth/callback/github`);
      expect(to.searchParams.get("response_type")).toBe("code");
      expect(to.searchParams.get("code_challenge_method")).toBe("S256");
      expect(to.searchParams.get("code_challenge")).toMatch(/^[\w-]{43}$/);
      expect(to.searchParams.get("state")).toBeTruthy();
      expect(to.searchParams.get("scope")).toBe("read:user user:email");
      expect(post.headers.getSetCookie().length).toBeGreaterThan(0);

      const forged = await fetch(`${srv.url}/auth/signin/github`, {
        method: "POST",
        headers: {
          cookie: jar.header(),
          origin: srv.url,
          "content-type": "application/x-www-form-urlencoded",
        },
        body: new URLSearchParams({ csrfToken: "0".repeat(64) }),
        redirect: "manual",
      });
      expect(new URL(String(forged.headers.get("location"))).searchParams.get("error")).toBe("MissingCSRF");
    });

    it("authenticatedUser sends signed-out visitors to /login, on the route and on the Router", async () => {
      for (const path of ["/profile", "/protected", "/protected/"]) {
        const res = await get(path);
        expect(res.status, path).toBe(302);
        expect(res.headers.get("location"), path).toBe("/login");
      }
      // A cookie that does not decrypt under AUTH_SECRET is no session either.
      const jar = new CookieJar();
      const other = await encode({ token: ADA, secret: "x".repeat(40), salt: "authjs.session-token" });
      jar.store(`authjs.session-token=${other}`);
      expect((await get("/profile", jar)).headers.get("location")).toBe("/login");
    });

    it("with an Auth.js session cookie: res.locals.session reaches the template, the route and the Router serve", async () => {
      const jar = new CookieJar();
      jar.store(`authjs.session-token=${await authjsSessionCookie(ADA)}`);

      const home = await get("/", jar);
      expect(home.status).toBe(200);
      expect(await home.text()).toContain(
        '<p id="signed-in">Signed in as <strong>Ada Lovelace</strong> (ada@example.test)</p>',
      );

      const profile = await get("/profile", jar);
      expect(profile.status).toBe(200);
      expect(await profile.text()).toContain('<h1 id="profile">Profile of Ada Lovelace</h1>');

      const members = await get("/protected", jar);
      expect(members.status).toBe(200);
      expect(await members.text()).toContain('<h1 id="protected">Members only, Ada Lovelace</h1>');

      const session = await (await get("/auth/session", jar)).json();
      expect(session).toMatchObject({
        user: { id: ADA.sub, name: ADA.name, email: ADA.email, image: null },
      });
      expect(new Date(session.expires).getTime()).toBeGreaterThan(Date.now());
    });
  });
}
