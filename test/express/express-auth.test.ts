/**
 * ExpressAuth (Auth.js's Express integration on Gatehouse) over real HTTP on Express 4 and 5:
 * every mount style, CSRF double-submit, the credentials callback, /session, getSession(req,
 * config), sign-out, X-Auth-Return-Redirect, and the pages.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ExpressAuth, getSession } from "../../src/express/index.js";
import type { ExpressAuthConfig } from "../../src/express/index.js";
import Credentials, { CredentialsSignin } from "../../src/providers/credentials.js";
import { CookieJar, EXPRESS_VARIANTS, startServer, TEST_SECRET, type TestServer } from "../helpers/http.js";

class WrongPin extends CredentialsSignin {
  override code = "wrong_pin";
}

function config(): ExpressAuthConfig {
  return {
    secret: TEST_SECRET,
    logger: { info() {}, warn() {}, error() {} },
    providers: [
      Credentials({
        credentials: { username: { label: "Username" }, pin: { label: "PIN", type: "password" } },
        authorize: async ({ username, pin }) => {
          if (pin === "0000") throw new WrongPin();
          return username === "ada" && pin === "1234"
            ? { id: "ada-1", name: "Ada", email: "ada@example.test" }
            : null;
        },
      }),
    ],
  };
}

const MOUNTS = {
  4: ["/auth/*", "/auth"],
  5: ["/auth/*splat", "/auth/{*splat}", "/auth"],
} as const;

for (const variant of EXPRESS_VARIANTS) {
  for (const mount of MOUNTS[variant.major]) {
    describe(`${variant.name}: app.use("${mount}", ExpressAuth(config))`, () => {
      let srv: TestServer;
      const authConfig = config();
      beforeAll(async () => {
        const app = variant.express();
        app.set("trust proxy", true);
        app.use(mount, ExpressAuth(authConfig));
        app.get("/me", async (req, res) => {
          res.json(await getSession(req, authConfig));
        });
        srv = await startServer(app);
      });
      afterAll(() => srv.close());

      async function browser(
        jar: CookieJar,
        path: string,
        init: { form?: Record<string, string>; headers?: Record<string, string> } = {},
      ) {
        const headers = new Headers(init.headers);
        if (jar.header()) headers.set("cookie", jar.header());
        let body: string | undefined;
        if (init.form) {
          headers.set("content-type", "application/x-www-form-urlencoded");
          headers.set("origin", srv.url);
          body = new URLSearchParams(init.form).toString();
        }
        const res = await fetch(`${srv.url}${path}`, {
          method: init.form ? "POST" : "GET",
          headers,
          body,
          redirect: "manual",
        });
        jar.storeFrom(res);
        return res;
      }

      it("signs in with credentials through the CSRF-protected form and reads the session three ways", async () => {
        const jar = new CookieJar();
        const csrf = await browser(jar, "/auth/csrf");
        expect(csrf.status).toBe(200);
        const { csrfToken } = await csrf.json();
        expect(jar.get("authjs.csrf-token")).toMatch(new RegExp(`^${csrfToken}(\\||%7C)[0-9a-f]{64}$`));

        const signIn = await browser(jar, "/auth/callback/credentials", {
          form: { csrfToken, username: "ada", pin: "1234", callbackUrl: "/dashboard" },
        });
        expect(signIn.status).toBe(302);
        expect(signIn.headers.get("location")).toBe(`${srv.url}/dashboard`);
        expect(jar.get("authjs.session-token")?.split(".")).toHaveLength(5);

        const session = await (await browser(jar, "/auth/session")).json();
        expect(session).toMatchObject({ user: { name: "Ada", email: "ada@example.test" } });
        expect(new Date(session.expires).getTime()).toBeGreaterThan(Date.now());
        expect(await (await browser(jar, "/me")).json()).toMatchObject({
          user: { email: "ada@example.test" },
        });

        const out = await browser(jar, "/auth/signout", { form: { csrfToken, callbackUrl: "/bye" } });
        expect(out.status).toBe(302);
        expect(out.headers.get("location")).toBe(`${srv.url}/bye`);
        expect(await (await browser(jar, "/me")).json()).toBeNull();
      });

      it("refuses posts without the CSRF token (MissingCSRF) and wrong credentials (CredentialsSignin)", async () => {
        const jar = new CookieJar();
        const { csrfToken } = await (await browser(jar, "/auth/csrf")).json();
        const noToken = await browser(jar, "/auth/callback/credentials", {
          form: { username: "ada", pin: "1234" },
        });
        expect(new URL(String(noToken.headers.get("location"))).searchParams.get("error")).toBe(
          "MissingCSRF",
        );
        const wrongToken = await browser(jar, "/auth/signout", { form: { csrfToken: `${csrfToken}x` } });
        expect(new URL(String(wrongToken.headers.get("location"))).searchParams.get("error")).toBe(
          "MissingCSRF",
        );

        const bad = await browser(jar, "/auth/callback/credentials", {
          form: { csrfToken, username: "ada", pin: "9" },
        });
        const badURL = new URL(String(bad.headers.get("location")));
        expect(badURL.pathname).toBe("/auth/signin");
        expect(badURL.searchParams.get("error")).toBe("CredentialsSignin");
        expect(badURL.searchParams.get("code")).toBe("credentials");
        const coded = await browser(jar, "/auth/callback/credentials", {
          form: { csrfToken, username: "ada", pin: "0000" },
        });
        expect(new URL(String(coded.headers.get("location"))).searchParams.get("code")).toBe("wrong_pin");
        expect(jar.get("authjs.session-token")).toBeUndefined();
      });

      it("answers X-Auth-Return-Redirect with 200 { url }; lists providers; serves the pages", async () => {
        const jar = new CookieJar();
        const { csrfToken } = await (await browser(jar, "/auth/csrf")).json();
        const json = await browser(jar, "/auth/callback/credentials", {
          form: { csrfToken, username: "ada", pin: "1234", callbackUrl: "/x" },
          headers: { "x-auth-return-redirect": "1" },
        });
        expect(json.status).toBe(200);
        expect(await json.json()).toEqual({ url: `${srv.url}/x` });

        const providers = await (await browser(jar, "/auth/providers")).json();
        expect(providers.credentials).toEqual({
          id: "credentials",
          name: "Credentials",
          type: "credentials",
          signinUrl: `${srv.url}/auth/signin/credentials`,
          callbackUrl: `${srv.url}/auth/callback/credentials`,
        });
        const page = await browser(jar, "/auth/signin?callbackUrl=%2Fhome");
        expect(page.status).toBe(200);
        expect(page.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
        const html = await page.text();
        expect(html).toContain(`action="${srv.url}/auth/callback/credentials"`);
        expect(html).toContain('name="csrfToken"');
        expect((await browser(jar, "/auth/signout")).status).toBe(200);
        expect((await browser(jar, "/auth/error?error=AccessDenied")).status).toBe(403);
        expect((await browser(jar, "/auth/verify-request")).status).toBe(200);
        expect((await browser(jar, "/auth/nonsense")).status).toBe(400);
      });

      it("never redirects off-site after sign-in", async () => {
        const jar = new CookieJar();
        const { csrfToken } = await (await browser(jar, "/auth/csrf")).json();
        const evil = await browser(jar, "/auth/callback/credentials", {
          form: { csrfToken, username: "ada", pin: "1234", callbackUrl: "https://evil.example/steal" },
        });
        expect(evil.headers.get("location")).toBe(srv.url);
      });
    });
  }
}
