/**
 * The built-in pages are replaceable (`pages`) and themeable (`theme`) through ExpressAuth.
 */
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ExpressAuth } from "../../src/express/index.js";
import Credentials from "../../src/providers/credentials.js";
import { CookieJar, startServer, TEST_SECRET, type TestServer } from "../helpers/http.js";

const credentials = Credentials({ credentials: { pin: { label: "PIN" } }, authorize: async () => null });
let custom: TestServer;
let themed: TestServer;

beforeAll(async () => {
  const a = express();
  a.use(
    "/auth",
    ExpressAuth({
      secret: TEST_SECRET,
      providers: [credentials],
      pages: { signIn: "/login", error: "/oops", signOut: "/bye", verifyRequest: "/check-mail" },
    }),
  );
  custom = await startServer(a);
  const b = express();
  b.use(
    "/auth",
    ExpressAuth({
      secret: TEST_SECRET,
      appName: "Acme <Corp>",
      providers: [credentials],
      theme: { colorScheme: "dark", brandColor: "#ffcc00", logo: "javascript:alert(1)" },
    }),
  );
  themed = await startServer(b);
});
afterAll(async () => {
  await custom.close();
  await themed.close();
});

async function get(srv: TestServer, path: string, jar = new CookieJar()): Promise<Response> {
  const res = await fetch(`${srv.url}${path}`, { headers: { cookie: jar.header() }, redirect: "manual" });
  jar.storeFrom(res);
  return res;
}

describe("pages", () => {
  it("sends the browser to the app's own pages, carrying callbackUrl and error", async () => {
    const signIn = await get(custom, "/auth/signin?callbackUrl=%2Fx");
    expect(signIn.status).toBe(302);
    expect(signIn.headers.get("location")).toBe(`${custom.url}/login?callbackUrl=%2Fx`);
    expect((await get(custom, "/auth/error?error=AccessDenied")).headers.get("location")).toBe(
      `${custom.url}/oops?error=AccessDenied`,
    );
    expect((await get(custom, "/auth/signout")).headers.get("location")).toBe(`${custom.url}/bye`);
    expect((await get(custom, "/auth/verify-request")).headers.get("location")).toBe(
      `${custom.url}/check-mail`,
    );

    // A refused credentials sign-in lands on the app's sign-in page with the error.
    const jar = new CookieJar();
    const { csrfToken } = await (await get(custom, "/auth/csrf", jar)).json();
    const refused = await fetch(`${custom.url}/auth/callback/credentials`, {
      method: "POST",
      headers: {
        cookie: jar.header(),
        origin: custom.url,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({ csrfToken, pin: "1" }),
      redirect: "manual",
    });
    const to = new URL(String(refused.headers.get("location")));
    expect(`${to.origin}${to.pathname}`).toBe(`${custom.url}/login`);
    expect(to.searchParams.get("error")).toBe("CredentialsSignin");
  });

  it("applies the theme, escapes the app name and drops an unsafe logo", async () => {
    const page = await get(themed, "/auth/signin");
    const html = await page.text();
    expect(html).toContain("Acme &lt;Corp&gt;");
    expect(html).not.toContain("Acme <Corp>");
    expect(html.toLowerCase()).toContain("#ffcc00");
    expect(html).not.toContain("javascript:");
    expect(html).toMatch(/color-scheme:\s*dark/);
    const nonce = /style-src 'nonce-([^']+)'/.exec(String(page.headers.get("content-security-policy")))?.[1];
    expect(nonce).toBeTruthy();
    expect(html).toContain(`<style nonce="${nonce}">`);
  });
});
