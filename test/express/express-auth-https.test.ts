/**
 * Behind a TLS-terminating proxy (`trust proxy` + X-Forwarded-Proto: https) the browser routes
 * use Auth.js's secure cookie names: `__Host-authjs.csrf-token` and `__Secure-authjs.session-token`.
 * Also: POST /auth/session needs the CSRF token (400 and null without it).
 */
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ExpressAuth } from "../../src/express/index.js";
import Credentials from "../../src/providers/credentials.js";
import { CookieJar, parseSetCookies, startServer, TEST_SECRET, type TestServer } from "../helpers/http.js";

let srv: TestServer;
beforeAll(async () => {
  const app = express();
  app.set("trust proxy", true);
  app.use(
    "/auth",
    ExpressAuth({
      secret: TEST_SECRET,
      // Behind a proxy that sets X-Forwarded-Host, as Auth.js's AUTH_TRUST_HOST.
      trustHost: true,
      providers: [
        Credentials({
          credentials: { name: { label: "Name" } },
          authorize: async ({ name }) => ({ id: `u-${name}`, name, email: `${name}@example.test` }),
        }),
      ],
    }),
  );
  srv = await startServer(app);
});
afterAll(() => srv.close());

const PUBLIC = "https://app.example.test";

async function call(jar: CookieJar, path: string, form?: Record<string, string>): Promise<Response> {
  const headers = new Headers({ "x-forwarded-proto": "https", "x-forwarded-host": "app.example.test" });
  if (jar.header()) headers.set("cookie", jar.header());
  if (form) {
    headers.set("content-type", "application/x-www-form-urlencoded");
    headers.set("origin", PUBLIC);
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

describe("browser routes on https", () => {
  it("names cookies __Host- / __Secure- and marks them Secure", async () => {
    const jar = new CookieJar();
    const csrf = await call(jar, "/auth/csrf");
    const [csrfCookie] = parseSetCookies(csrf.headers.getSetCookie());
    expect(csrfCookie?.name).toBe("__Host-authjs.csrf-token");
    expect(csrfCookie?.attributes).toHaveProperty("secure");
    expect(csrfCookie?.attributes.path).toBe("/");
    expect(csrfCookie?.attributes).not.toHaveProperty("domain");

    const { csrfToken } = await csrf.json();
    const signIn = await call(jar, "/auth/callback/credentials", { csrfToken, name: "ada" });
    expect(signIn.status).toBe(302);
    const session = parseSetCookies(signIn.headers.getSetCookie()).find((c) =>
      c.name.includes("session-token"),
    );
    expect(session?.name).toBe("__Secure-authjs.session-token");
    expect(session?.attributes).toHaveProperty("secure");
    expect(session?.attributes).toHaveProperty("httponly");
    expect(String(session?.attributes.samesite).toLowerCase()).toBe("lax");
  });

  it("POST /session re-reads the session with the CSRF token, and answers 400 null without it", async () => {
    const jar = new CookieJar();
    const { csrfToken } = await (await call(jar, "/auth/csrf")).json();
    await call(jar, "/auth/callback/credentials", { csrfToken, name: "bo" });
    const updated = await call(jar, "/auth/session", { csrfToken });
    expect(updated.status).toBe(200);
    expect(await updated.json()).toMatchObject({ user: { email: "bo@example.test" } });
    const refused = await call(jar, "/auth/session", { csrfToken: "wrong" });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toBeNull();
  });
});
