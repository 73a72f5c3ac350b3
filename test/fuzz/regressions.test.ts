/**
 * Regression tests for what the fuzzer (dialects.test.ts) found, each named after the shrunk
 * input that showed it, sent over real HTTP to the fuzzer's servers (Express 5,
 * `toNodeHandler(auth)` at /api/auth/*splat, `ExpressAuth` at /auth).
 */
import { afterAll, describe, expect, it } from "vitest";
import { DEAD_OIDC, type RawResponse, sendRaw, startFuzzServers } from "./harness.js";

const servers = await startFuzzServers({ rateLimit: "off" });
afterAll(() => servers.close());

function json(res: RawResponse): unknown {
  return JSON.parse(res.body.toString("utf8"));
}

describe("fuzz regressions: methods a Web Request cannot carry", () => {
  it('TRACE /api/auth/is-username-available {"username":"ada"} answers 405 { code, message }, not 500', async () => {
    const res = await sendRaw(servers.json.port, {
      method: "TRACE",
      path: "/api/auth/is-username-available",
      headers: { "content-type": "application/json", origin: servers.json.origin },
      body: Buffer.from('{"username":"ada"}'),
    });
    expect(res.status).toBe(405);
    expect(json(res)).toEqual({ code: "METHOD_NOT_ALLOWED", message: "Method not allowed" });
  });

  it("TRACE /auth/signin/?% (ExpressAuth) answers 405 { code, message }, not 500", async () => {
    for (const target of [servers.browser, servers.authjs]) {
      const res = await sendRaw(target.port, {
        method: "TRACE",
        path: "/auth/signin/?%",
        headers: { "content-type": "application/x-www-form-urlencoded", origin: target.origin },
        body: Buffer.from("null"),
      });
      expect(res.status, target.name).toBe(405);
      expect(json(res), target.name).toMatchObject({ code: "METHOD_NOT_ALLOWED" });
    }
  });
});

describe("fuzz regressions: a form_post callback moves only the OAuth fields to the redirect", () => {
  /** Node's client refuses answers with more than 16 KiB of headers ("Header overflow"). */
  const big = "x".repeat(20_000);

  it(`POST /api/auth/callback/${DEAD_OIDC}/?% {"a":"x"×20000} redirects with a small Location (the field is dropped)`, async () => {
    const res = await sendRaw(servers.json.port, {
      method: "POST",
      path: `/api/auth/callback/${DEAD_OIDC}/?%`,
      headers: { "content-type": "application/json", origin: servers.json.origin },
      body: Buffer.from(JSON.stringify({ a: big })),
    });
    expect(res.status).toBe(302);
    expect(String(res.headers.location)).toBe(`${servers.json.origin}/api/auth/callback/${DEAD_OIDC}`);
  });

  it(`POST /auth/callback/${DEAD_OIDC} {"a":"x"×20000} and POST /auth/callback/%00 {"token":"😀"×6000} (ExpressAuth) redirect with a small Location`, async () => {
    for (const target of [servers.browser, servers.authjs]) {
      for (const [provider, body] of [
        [DEAD_OIDC, { a: big }],
        ["%00", { token: "😀".repeat(6_000) }],
      ] as const) {
        const res = await sendRaw(target.port, {
          method: "POST",
          path: `/auth/callback/${provider}`,
          headers: { "content-type": "application/json", origin: target.origin },
          body: Buffer.from(JSON.stringify(body)),
        });
        expect(res.status, target.name).toBe(302);
        expect(String(res.headers.location).length, target.name).toBeLessThan(200);
      }
    }
  });

  it("the fields an authorization response carries still go along; oversized or non-ASCII ones are refused", async () => {
    const fields = {
      code: "c0de",
      state: "st4te",
      iss: "https://op.example",
      user: '{"name":{"firstName":"José"}}',
    };
    const form = new URLSearchParams({ ...fields, session_state: "dropped" }).toString();
    for (const target of [servers.json, servers.browser]) {
      const ok = await sendRaw(target.port, {
        method: "POST",
        path: `${target.base}/callback/${DEAD_OIDC}`,
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: Buffer.from(form),
      });
      expect(ok.status, target.name).toBe(302);
      const moved = new URL(String(ok.headers.location));
      expect(Object.fromEntries(moved.searchParams), target.name).toEqual(fields);

      const tooLong = await sendRaw(target.port, {
        method: "POST",
        path: `${target.base}/callback/${DEAD_OIDC}`,
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: Buffer.from(new URLSearchParams({ code: "x".repeat(4097), state: "s" }).toString()),
      });
      const notAscii = await sendRaw(target.port, {
        method: "POST",
        path: `${target.base}/callback/${DEAD_OIDC}`,
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: Buffer.from(new URLSearchParams({ code: "€".repeat(10), state: "s" }).toString()),
      });
      for (const refused of [tooLong, notAscii]) {
        if (target.dialect === "json") {
          expect(refused.status).toBe(400);
          expect(json(refused)).toMatchObject({ code: "VALIDATION_ERROR" });
        } else {
          expect(refused.status).toBe(302);
          expect(String(refused.headers.location)).toContain("error=OAuthCallbackError");
        }
      }
    }
  });
});

describe("fuzz regressions: a redirect's Location is percent-encoded", () => {
  it('POST /api/auth/magic-link/verify {"token":<live>,"callbackURL":"/€…"} signs in and redirects to /%E2%82%AC…, not 500 after the sign-in', async () => {
    for (const [callbackURL, location] of [
      ["/€", "/%E2%82%AC"],
      ["/é?q=ü#ä", "/%C3%A9?q=%C3%BC#%C3%A4"],
      ["/a b", "/a%20b"],
      ["/\u0085", "/%C2%85"],
    ] as const) {
      const token = await servers.json.placeholder("magicToken");
      const res = await sendRaw(servers.json.port, {
        method: "POST",
        path: "/api/auth/magic-link/verify",
        headers: { "content-type": "application/json", origin: servers.json.origin },
        body: Buffer.from(JSON.stringify({ token, callbackURL })),
      });
      expect(res.status, callbackURL).toBe(302);
      expect(res.headers.location, callbackURL).toBe(location);
      expect(res.headers["set-cookie"]?.some((c) => c.startsWith("gatehouse.session_token="))).toBe(true);
    }
    expect(servers.json.errors).toEqual([]);
  });
});

describe("fuzz regressions: URLs a client hands over are at most 2048 characters percent-encoded", () => {
  const euros = (n: number) => `/${"€".repeat(n)}`;

  it('POST /auth/signout {"callbackUrl":"/€×1800", csrfToken} (ExpressAuth) redirects to the site root, not a 16 KB Location', async () => {
    for (const target of [servers.browser, servers.authjs]) {
      for (const [callbackUrl, location] of [
        [euros(1800), target.origin],
        [euros(200), `${target.origin}/${"%E2%82%AC".repeat(200)}`],
      ] as const) {
        const res = await sendRaw(target.port, {
          method: "POST",
          path: "/auth/signout",
          headers: {
            "content-type": "application/json",
            origin: target.origin,
            cookie: `${target.cookies.csrf}=${await target.csrfCookie()}`,
          },
          body: Buffer.from(JSON.stringify({ csrfToken: await target.placeholder("csrf"), callbackUrl })),
        });
        expect(res.status, target.name).toBe(302);
        expect(res.headers.location, target.name).toBe(location);
      }
    }
  });

  it('POST /api/auth/magic-link/verify {"token":"bad","callbackURL":"/€×2000"} and GET /api/auth/reset-password/abc?callbackURL=/€×1700 answer 400, not an 18 KB / 15 KB Location', async () => {
    const verify = await sendRaw(servers.json.port, {
      method: "POST",
      path: "/api/auth/magic-link/verify",
      headers: { "content-type": "application/json", origin: servers.json.origin, accept: "text/html" },
      body: Buffer.from(JSON.stringify({ token: "bad", callbackURL: euros(2000) })),
    });
    const reset = await sendRaw(servers.json.port, {
      method: "GET",
      path: `/api/auth/reset-password/abc?callbackURL=${encodeURIComponent(euros(1700))}`,
      headers: {},
    });
    for (const [res, field] of [
      [verify, "body.callbackURL"],
      [reset, "query.callbackURL"],
    ] as const) {
      expect(res.status).toBe(400);
      expect(json(res)).toMatchObject({ code: "VALIDATION_ERROR", field });
    }
    const short = await sendRaw(servers.json.port, {
      method: "GET",
      path: `/api/auth/reset-password/abc?callbackURL=${encodeURIComponent(euros(200))}`,
      headers: {},
    });
    expect(short.status).toBe(302);
    expect(short.headers.location).toBe(`/${"%E2%82%AC".repeat(200)}?error=INVALID_TOKEN`);
  });
});
