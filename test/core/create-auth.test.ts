import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { createAuth } from "../../src/index.js";
import {
  Client,
  ORIGIN,
  OTHER_SECRET,
  SECRET,
  SESSION_COOKIE,
  capturingLogger,
  makeAuth,
  setCookies,
  uniqueEmail,
  withEnv,
} from "./harness.js";

const logger = capturingLogger();

describe("createAuth: secret", () => {
  it("refuses a missing secret with a TypeError that says how to make one", async () => {
    await withEnv({}, () => {
      expect(() => createAuth({ logger })).toThrow(TypeError);
      expect(() => createAuth({ logger })).toThrow(/npx gatehouse secret/);
      expect(() => createAuth({ logger, secret: "" })).toThrow(/npx gatehouse secret/);
      expect(() => createAuth({ logger, secret: [] })).toThrow(/npx gatehouse secret/);
    });
  });

  it("refuses a short secret, and a short entry of a list", async () => {
    await withEnv({}, () => {
      expect(() => createAuth({ logger, secret: "x".repeat(31) })).toThrow(TypeError);
      expect(() => createAuth({ logger, secret: "x".repeat(31) })).toThrow(
        /secret.*32.*npx gatehouse secret/s,
      );
      expect(() => createAuth({ logger, secret: [SECRET, "short"] })).toThrow(
        /secret\[1\].*npx gatehouse secret/s,
      );
      expect(() => createAuth({ logger, secret: "x".repeat(32) })).not.toThrow();
    });
  });

  it("refuses a short secret coming from the environment", async () => {
    await withEnv({ AUTH_SECRET: "too-short" }, () => {
      expect(() => createAuth({ logger })).toThrow(/npx gatehouse secret/);
    });
  });

  it("accepts AUTH_SECRET and BETTER_AUTH_SECRET from the environment", async () => {
    await withEnv({ AUTH_SECRET: SECRET }, () => {
      expect(createAuth({ logger }).$context.secrets).toEqual([SECRET]);
    });
    await withEnv({ BETTER_AUTH_SECRET: OTHER_SECRET }, () => {
      expect(createAuth({ logger }).$context.secrets).toEqual([OTHER_SECRET]);
    });
    expect(process.env.AUTH_SECRET === SECRET).toBe(false);
  });

  it("prefers the option over the environment", async () => {
    await withEnv({ AUTH_SECRET: OTHER_SECRET }, () => {
      expect(createAuth({ logger, secret: SECRET }).$context.secrets).toEqual([SECRET]);
    });
  });

  describe("rotation by list over one database", () => {
    const db = new Database(":memory:");
    afterAll(() => db.close());

    it("a cookie signed with [A] is valid for [B, A] and not for [B]", async () => {
      const a = createAuth({ logger, secret: [SECRET], database: db, emailAndPassword: { enabled: true } });
      await a.migrate();
      const b = createAuth({
        logger,
        secret: [OTHER_SECRET, SECRET],
        database: db,
        emailAndPassword: { enabled: true },
      });
      const onlyB = createAuth({
        logger,
        secret: [OTHER_SECRET],
        database: db,
        emailAndPassword: { enabled: true },
      });

      const email = uniqueEmail("rotate");
      const client = new Client(a);
      expect((await client.signUp(email)).status).toBe(200);
      const cookie = client.jar.get(SESSION_COOKIE)!;
      expect(cookie).toBeTruthy();

      const viaB = await new Client(b, { jar: client.jar.clone() }).getSession();
      expect(viaB.status).toBe(200);
      expect(viaB.body.user.email).toBe(email);

      const viaOnlyB = await new Client(onlyB, { jar: client.jar.clone() }).getSession();
      expect(viaOnlyB.body).toBeNull();

      // New cookies from [B, A] are signed with B: [B] alone accepts them, [A] alone does not.
      const signedByB = new Client(b);
      await signedByB.signIn(email);
      expect((await new Client(onlyB, { jar: signedByB.jar.clone() }).getSession()).body.user.email).toBe(
        email,
      );
      expect((await new Client(a, { jar: signedByB.jar.clone() }).getSession()).body).toBeNull();
    });
  });
});

describe("createAuth: invalid options throw naming the option", () => {
  const base = { logger, secret: SECRET };

  it.each([
    ["basePath", { basePath: "api/auth" }, /basePath/],
    ["basePath with a query", { basePath: "/api?x" }, /basePath/],
    ["baseURL", { baseURL: "not a url" }, /baseURL/],
    ["baseURL scheme", { baseURL: "ftp://example.com" }, /baseURL/],
    ["trustedOrigins", { trustedOrigins: ["notanorigin"] }, /trustedOrigins\[0\]/],
    [
      "trustedOrigins scheme",
      { trustedOrigins: ["https://ok.example", "javascript:alert(1)"] },
      /trustedOrigins\[1\]/,
    ],
    ["session.expiresIn", { session: { expiresIn: -1 } }, /session\.expiresIn/],
    ["session.updateAge", { session: { updateAge: Number.NaN } }, /session\.updateAge/],
    ["duplicate plugin id", { plugins: [{ id: "dup" }, { id: "dup" }] }, /plugins\[1\].*dup/],
    ["plugin without id", { plugins: [{} as never] }, /plugins\[0\]/],
    ["minPasswordLength", { emailAndPassword: { enabled: true, minPasswordLength: 0 } }, /minPasswordLength/],
  ])("%s", async (_name, options, message) => {
    await withEnv({}, () => {
      expect(() => createAuth({ ...base, ...(options as object) })).toThrow(TypeError);
      expect(() => createAuth({ ...base, ...(options as object) })).toThrow(message);
    });
  });

  it("throws on a bad AUTH_URL and a bad AUTH_TRUSTED_ORIGINS entry", async () => {
    await withEnv({ AUTH_URL: "localhost:3000" }, () => {
      expect(() => createAuth(base)).toThrow(/baseURL/);
    });
    await withEnv({ AUTH_TRUSTED_ORIGINS: "https://ok.example, nope" }, () => {
      expect(() => createAuth(base)).toThrow(/trustedOrigins/);
    });
  });

  it("does not mutate the options object", async () => {
    const options = { ...base, emailAndPassword: { enabled: true }, trustedOrigins: ["https://app.example"] };
    const snapshot = JSON.stringify(options, (_k, v) => (typeof v === "function" ? "fn" : v));
    await withEnv({}, () => createAuth(options));
    expect(JSON.stringify(options, (_k, v) => (typeof v === "function" ? "fn" : v))).toBe(snapshot);
  });
});

describe("createAuth: baseURL, AUTH_URL and trustHost decide cookie security", () => {
  async function sessionCookieOf(
    auth: ReturnType<typeof createAuth>,
    headers: Record<string, string> = {},
    origin = ORIGIN,
  ) {
    const client = new Client(auth, { origin });
    const res = await client.post(
      "/sign-up/email",
      { name: "N", email: uniqueEmail("secure"), password: "password-123" },
      { headers },
    );
    expect(res.status).toBe(200);
    return setCookies(res.response).find((c) => c.name.endsWith("gatehouse.session_token"))!;
  }

  it("http (no baseURL): plain name, no Secure", async () => {
    const { auth } = await withEnv({}, () => makeAuth());
    const c = await sessionCookieOf(auth);
    expect(c.name).toBe(SESSION_COOKIE);
    expect(c.attributes.secure).toBeUndefined();
  });

  it("https baseURL: __Secure- prefix and Secure", async () => {
    const { auth } = await withEnv({}, () => makeAuth({ baseURL: "https://app.example" }));
    const c = await sessionCookieOf(auth, {}, "https://app.example");
    expect(c.name).toBe(`__Secure-${SESSION_COOKIE}`);
    expect(c.attributes.secure).toBe(true);
  });

  it("https AUTH_URL from the environment: __Secure- prefix and Secure", async () => {
    const { auth } = await withEnv({ AUTH_URL: "https://env.example" }, () => makeAuth());
    expect(auth.$context.baseURL?.origin).toBe("https://env.example");
    const c = await sessionCookieOf(auth, {}, "https://env.example");
    expect(c.name).toBe(`__Secure-${SESSION_COOKIE}`);
    expect(c.attributes.secure).toBe(true);
  });

  it("http baseURL: no prefix even behind a forwarded https proxy", async () => {
    const { auth } = await withEnv({}, () => makeAuth({ baseURL: "http://localhost:3000", trustHost: true }));
    const c = await sessionCookieOf(auth, { "x-forwarded-proto": "https" });
    expect(c.name).toBe(SESSION_COOKIE);
  });

  it("trustHost on: X-Forwarded-Proto/Host decide the origin and the cookie mode", async () => {
    const { auth } = await withEnv({}, () => makeAuth({ trustHost: true }));
    const c = await sessionCookieOf(
      auth,
      { "x-forwarded-proto": "https", "x-forwarded-host": "proxy.example" },
      "https://proxy.example",
    );
    expect(c.name).toBe(`__Secure-${SESSION_COOKIE}`);
    expect(c.attributes.secure).toBe(true);
  });

  it("trustHost from AUTH_TRUST_HOST=true", async () => {
    const { auth } = await withEnv({ AUTH_TRUST_HOST: "true" }, () => makeAuth());
    expect(auth.$context.trustHost).toBe(true);
  });

  it("trustHost off: forwarded headers are ignored (a forged host is not trusted)", async () => {
    const { auth } = await withEnv({}, () => makeAuth());
    const c = await sessionCookieOf(auth, {
      "x-forwarded-proto": "https",
      "x-forwarded-host": "proxy.example",
    });
    expect(c.name).toBe(SESSION_COOKIE);
    expect(c.attributes.secure).toBeUndefined();
    // The forwarded host is not the app's origin, so a request claiming it is refused.
    const forged = new Client(auth, { origin: "https://proxy.example" });
    const res = await forged.post(
      "/sign-up/email",
      { name: "N", email: uniqueEmail(), password: "password-123" },
      { headers: { "x-forwarded-proto": "https", "x-forwarded-host": "proxy.example" } },
    );
    expect(res.status).toBe(403);
    expect(res.body.code).toBe("INVALID_ORIGIN");
  });

  it("advanced.useSecureCookies forces Secure on http", async () => {
    const { auth } = await withEnv({}, () => makeAuth({ advanced: { useSecureCookies: true } }));
    const c = await sessionCookieOf(auth);
    expect(c.name).toBe(`__Secure-${SESSION_COOKIE}`);
    expect(c.attributes.secure).toBe(true);
  });
});
