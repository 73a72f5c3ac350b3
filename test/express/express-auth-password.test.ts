/**
 * The built-in email + password sign-in of the browser routes (offered when email + password is
 * on): sign up with the page's form, sign out, sign in again with the password form.
 */
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ExpressAuth, getSession } from "../../src/express/index.js";
import type { ExpressAuthConfig } from "../../src/express/index.js";
import { CookieJar, startServer, TEST_SECRET, type TestServer, uniqueEmail } from "../helpers/http.js";

const config: ExpressAuthConfig = {
  secret: TEST_SECRET,
  logger: { info() {}, warn() {}, error() {} },
  emailAndPassword: { enabled: true },
};
let srv: TestServer;

beforeAll(async () => {
  const app = express();
  app.use("/auth", ExpressAuth(config));
  app.get("/me", async (req, res) => void res.json(await getSession(req, config)));
  srv = await startServer(app);
});
afterAll(() => srv.close());

async function go(jar: CookieJar, path: string, form?: Record<string, string>): Promise<Response> {
  const headers = new Headers();
  if (jar.header()) headers.set("cookie", jar.header());
  if (form) {
    headers.set("content-type", "application/x-www-form-urlencoded");
    headers.set("origin", srv.url);
  }
  const res = await fetch(`${srv.url}${path}`, {
    method: form ? "POST" : "GET",
    headers,
    body: form ? new URLSearchParams(form).toString() : undefined,
    redirect: "manual",
  });
  jar.storeFrom(res);
  return res;
}

describe("browser routes: email + password", () => {
  it("the sign-in page offers the password form and the sign-up form", async () => {
    const html = await (await go(new CookieJar(), "/auth/signin")).text();
    expect(html).toContain(`action="${srv.url}/auth/callback/password"`);
    expect(html).toMatch(
      /<input[^>]*name="password"[^>]*type="password"|<input[^>]*type="password"[^>]*name="password"/,
    );
    expect(html).toContain(`action="${srv.url}/auth/signup"`);
  });

  it("signs up, signs out, and signs in again with the password; a wrong password is CredentialsSignin", async () => {
    const jar = new CookieJar();
    const email = uniqueEmail("browser-pw");
    const { csrfToken } = await (await go(jar, "/auth/csrf")).json();
    const up = await go(jar, "/auth/signup", {
      csrfToken,
      name: "Pat",
      email,
      password: "correct horse battery",
    });
    expect(up.status).toBe(302);
    expect(await (await go(jar, "/me")).json()).toMatchObject({ user: { email } });
    expect((await go(jar, "/auth/signout", { csrfToken })).status).toBe(302);
    expect(await (await go(jar, "/me")).json()).toBeNull();

    const wrong = await go(jar, "/auth/callback/password", { csrfToken, email, password: "wrong password!" });
    const wrongURL = new URL(String(wrong.headers.get("location")));
    expect(wrongURL.pathname).toBe("/auth/signin");
    expect(wrongURL.searchParams.get("error")).toBe("CredentialsSignin");
    const unknown = await go(jar, "/auth/callback/password", {
      csrfToken,
      email: uniqueEmail("nobody"),
      password: "correct horse battery",
    });
    expect(unknown.headers.get("location")).toBe(wrong.headers.get("location"));
    expect(await (await go(jar, "/me")).json()).toBeNull();

    const noCsrf = await go(jar, "/auth/callback/password", { email, password: "correct horse battery" });
    expect(new URL(String(noCsrf.headers.get("location"))).searchParams.get("error")).toBe("MissingCSRF");

    const right = await go(jar, "/auth/callback/password", {
      csrfToken,
      email: email.toUpperCase(),
      password: "correct horse battery",
      callbackUrl: "/home",
    });
    expect(right.headers.get("location")).toBe(`${srv.url}/home`);
    expect(await (await go(jar, "/me")).json()).toMatchObject({ user: { email } });
  });
});
