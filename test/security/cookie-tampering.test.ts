/**
 * Attack corpus, cookie tampering, over real HTTP. Database sessions: every bit position of the
 * signed session cookie flipped, truncations, swapped signatures, cookies signed with another
 * secret or purpose; the cookie cache forged, swapped, expired or mixed with another user's; a
 * session replayed after sign-out, revoke-session, revoke-other-sessions, revoke-sessions,
 * change-password and reset. JWT sessions (Auth.js format): bits flipped in every JWE segment,
 * `alg: none`, a JWS, JWEs under other keys, algorithms, cookie names or lifetimes (minted with
 * jose), and the chunked cookie truncated, reordered, gapped or mixed. Each must read as no
 * session in both dialects and in `getSession(req)`, and may not act as one.
 */
import { createHash, hkdfSync } from "node:crypto";
import express from "express";
import { base64url, calculateJwkThumbprint, EncryptJWT, SignJWT, UnsecuredJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Auth } from "../../src/create-auth.js";
import { encryptJSON, Keyring } from "../../src/crypto/signing.js";
import { ExpressAuth, type ExpressAuthConfig, getSession } from "../../src/express/index.js";
import Credentials from "../../src/providers/credentials.js";
import GitHub from "../../src/providers/github.js";
import { encodeSessionJWT } from "../../src/session/authjs-jwt.js";
import { startServer, type TestServer, uniqueEmail } from "../helpers/http.js";
import { type StandIn, startStandIn } from "../helpers/provider-stand-in.js";
import {
  type Answer,
  CookieJar,
  corpusAuth,
  csrfToken,
  PASSWORD,
  quietLogger,
  reportCount,
  send,
  serveBoth,
  signUp,
  TEST_SECRET,
} from "./support.js";

const OTHER_SECRET = "another-secret-zyxwvutsrqponmlkjihgfedcba9876543210";
const SESSION = "gatehouse.session_token";
const DATA = "gatehouse.session_data";

/**
 * Flips one bit of the character at `index`, keeping it a base64url character. The bit flipped
 * is the top one of the six a character encodes: the low bits of a segment's last character
 * can be padding, which decoders ignore, so flipping them would not change the token at all.
 */
function flip(value: string, index: number): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const c = value[index]!;
  const at = alphabet.indexOf(c);
  const replaced = at >= 0 ? alphabet[at ^ 32]! : String.fromCharCode(c.charCodeAt(0) ^ 1);
  return value.slice(0, index) + replaced + value.slice(index + 1);
}

function cookieHeader(cookies: Record<string, string>): string {
  return Object.entries(cookies)
    .map(([k, v]) => `${k}=${v}`)
    .join("; ");
}

describe("database sessions: the signed session cookie", () => {
  let auth: Auth;
  let srv: TestServer;
  let victim: { email: string; jar: CookieJar; value: string };
  let other: { email: string; jar: CookieJar; value: string };
  let cases = 0;

  beforeAll(async () => {
    ({ auth } = corpusAuth());
    srv = await serveBoth(auth);
    for (const who of ["victim", "other"] as const) {
      const email = uniqueEmail(`ct-${who}`);
      const { jar } = await signUp(srv, email);
      const entry = { email, jar, value: decodeURIComponent(jar.get(SESSION) ?? "") };
      if (who === "victim") victim = entry;
      else other = entry;
    }
  });
  afterAll(async () => {
    reportCount("cookie-tampering / database session cookie", cases);
    await srv.close();
  });

  /** Reads the session with `value` as the session cookie on both dialects, and tries an action with it. */
  async function judge(value: string): Promise<string | undefined> {
    const cookie = `${SESSION}=${encodeURIComponent(value)}`;
    const json = await send(srv, "/api/auth/get-session", { headers: { cookie } });
    if (json.status !== 200 || json.json !== null)
      return `get-session: ${json.status} ${json.text.slice(0, 80)}`;
    const browser = await send(srv, "/auth/session", { headers: { cookie } });
    if (browser.status !== 200 || browser.json !== null) return `/auth/session: ${browser.text.slice(0, 80)}`;
    const act = await send(srv, "/api/auth/update-user", {
      json: { name: "Tampered" },
      headers: { cookie, origin: srv.url },
    });
    if (act.status !== 401) return `update-user: ${act.status}`;
    return undefined;
  }

  it("the untampered cookie is a session (the control)", async () => {
    const cookie = `${SESSION}=${encodeURIComponent(victim.value)}`;
    const json = await send(srv, "/api/auth/get-session", { headers: { cookie } });
    expect(json.json?.user?.email).toBe(victim.email);
  });

  it("one bit flipped at every position of the token and of its signature: no session", async () => {
    const failures: string[] = [];
    const positions = [...victim.value].map((_, i) => i).filter((i) => victim.value[i] !== ".");
    for (const i of positions) {
      cases += 1;
      const problem = await judge(flip(victim.value, i));
      if (problem) failures.push(`position ${i}: ${problem}`);
    }
    expect(positions.length).toBeGreaterThan(80);
    expect(failures).toEqual([]);
  });

  it("truncated, padded, re-encoded and spliced cookies: no session", async () => {
    const v = victim.value;
    const dot = v.lastIndexOf(".");
    const [token, signature] = [v.slice(0, dot), v.slice(dot + 1)];
    const otherDot = other.value.lastIndexOf(".");
    const variants: Record<string, string> = {
      "last character dropped": v.slice(0, -1),
      "signature dropped": token,
      "signature empty": `${token}.`,
      "token dropped": `.${signature}`,
      "only the signature": signature,
      "signature doubled": `${token}.${signature}${signature}`,
      "extra segment": `${v}.${signature}`,
      "dot moved": `${token.slice(0, -1)}.${token.slice(-1)}${signature}`,
      "token upper-cased": `${token.toUpperCase()}.${signature}`,
      "signature in standard base64": `${token}.${Buffer.from(signature, "base64url").toString("base64")}`,
      "whitespace appended": `${v} `,
      "NUL appended": `${v}\u0000`,
      "victim token, other's signature": `${token}.${other.value.slice(otherDot + 1)}`,
      "other's token, victim's signature": `${other.value.slice(0, otherDot)}.${signature}`,
      "signed with another secret": new Keyring([OTHER_SECRET], "session-token").sign(token),
      "signed with our secret for another purpose (cookie cache key)": new Keyring(
        [TEST_SECRET],
        "session-data",
      ).sign(token),
      "a valid-looking random token, signed with another secret": new Keyring(
        [OTHER_SECRET],
        "session-token",
      ).sign(base64url.encode(new Uint8Array(32).fill(7))),
      "the stored hash (as listed by list-sessions) instead of the token": `${createHash("sha256").update(token).digest("hex")}.${signature}`,
      "empty value": "",
      "very long value": `${v}${"A".repeat(8000)}`,
    };
    const failures: string[] = [];
    for (const [label, value] of Object.entries(variants)) {
      cases += 1;
      const problem = await judge(value);
      if (problem) failures.push(`${label}: ${problem}`);
    }
    expect(failures).toEqual([]);
  });

  it("a second, tampered session cookie beside the real one never wins over it or becomes another user", async () => {
    cases += 1;
    const header = `${SESSION}=${encodeURIComponent(victim.value)}; ${SESSION}=${encodeURIComponent(other.value)}`;
    const json = await send(srv, "/api/auth/get-session", { headers: { cookie: header } });
    // The first cookie of a name is the one read; either way it must be one of the two real users.
    expect([victim.email, other.email]).toContain(json.json?.user?.email);
    cases += 1;
    const tampered = `${SESSION}=${encodeURIComponent(flip(victim.value, 3))}; ${SESSION}=${encodeURIComponent(other.value)}`;
    const second = await send(srv, "/api/auth/get-session", { headers: { cookie: tampered } });
    expect(second.json?.user?.email === victim.email).toBe(false);
  });
});

describe("database sessions: the cookie cache (session_data)", () => {
  let auth: Auth;
  let srv: TestServer;
  let cases = 0;

  beforeAll(async () => {
    ({ auth } = corpusAuth({ session: { cookieCache: { enabled: true, maxAge: 300 } } }));
    srv = await serveBoth(auth);
  });
  afterAll(async () => {
    reportCount("cookie-tampering / cookie cache", cases);
    await srv.close();
  });

  async function user(tag: string) {
    const email = uniqueEmail(tag);
    const { jar } = await signUp(srv, email);
    return {
      email,
      token: decodeURIComponent(jar.get(SESSION) ?? ""),
      data: decodeURIComponent(jar.get(DATA) ?? ""),
    };
  }

  /** The cache payload inside a session_data cookie, and a re-signer for a changed payload. */
  function payloadOf(data: string): Record<string, unknown> {
    const body = data.slice(0, data.lastIndexOf("."));
    return JSON.parse(Buffer.from(body, "base64url").toString("utf8"));
  }
  function sealed(payload: unknown, secret: string): string {
    return new Keyring([secret], "session-data").sign(
      Buffer.from(JSON.stringify(payload)).toString("base64url"),
    );
  }

  async function read(token: string | undefined, data: string | undefined): Promise<Answer> {
    const cookies: Record<string, string> = {};
    if (token !== undefined) cookies[SESSION] = encodeURIComponent(token);
    if (data !== undefined) cookies[DATA] = encodeURIComponent(data);
    return send(srv, "/api/auth/get-session", { headers: { cookie: cookieHeader(cookies) } });
  }

  it("a forged, swapped, expired or bit-flipped cache never changes who the session is", async () => {
    const victim = await user("cc-victim");
    const other = await user("cc-other");
    expect(victim.data).not.toBe("");
    const payload = payloadOf(victim.data) as {
      u: Record<string, unknown>;
      s: Record<string, unknown>;
      h: string;
      exp: number;
    };
    const otherPayload = payloadOf(other.data) as typeof payload;
    const variants: Record<string, string> = {
      "another user's valid cache beside the victim's token": other.data,
      "the victim's payload with another user, signed with another secret": sealed(
        { ...payload, u: otherPayload.u, s: { ...payload.s, userId: otherPayload.u.id } },
        OTHER_SECRET,
      ),
      "the victim's payload renamed, signature kept": `${Buffer.from(JSON.stringify({ ...payload, u: { ...payload.u, name: "Admin" } })).toString("base64url")}.${victim.data.slice(victim.data.lastIndexOf(".") + 1)}`,
      "an expired cache made with our own key (a stale cookie)": sealed(
        { ...payload, u: { ...payload.u, name: "Stale" }, exp: Date.now() - 1000 },
        TEST_SECRET,
      ),
      "a cache for another token hash, made with our own key": sealed(
        { ...payload, u: { ...payload.u, name: "Elsewhere" }, h: "0".repeat(64) },
        TEST_SECRET,
      ),
      "a cache whose session expired, made with our own key": sealed(
        {
          ...payload,
          u: { ...payload.u, name: "Expired" },
          s: { ...payload.s, expiresAt: new Date(Date.now() - 1000).toISOString() },
        },
        TEST_SECRET,
      ),
      "not JSON inside a valid signature": new Keyring([TEST_SECRET], "session-data").sign(
        Buffer.from("{not json").toString("base64url"),
      ),
      "JSON null inside a valid signature": new Keyring([TEST_SECRET], "session-data").sign(
        Buffer.from("null").toString("base64url"),
      ),
      "a prototype-polluting payload inside a valid signature": new Keyring(
        [TEST_SECRET],
        "session-data",
      ).sign(Buffer.from('{"__proto__":{"polluted":1},"h":"x","exp":1}').toString("base64url")),
    };
    for (let i = 0; i < victim.data.length; i += 7) variants[`bit flipped at ${i}`] = flip(victim.data, i);
    const failures: string[] = [];
    for (const [label, data] of Object.entries(variants)) {
      cases += 1;
      const answer = await read(victim.token, data);
      // The database is the truth: the victim, as stored.
      if (answer.json?.user?.email !== victim.email || answer.json?.user?.name !== "Corpus User")
        failures.push(`${label}: ${answer.status} ${answer.text.slice(0, 120)}`);
      cases += 1;
      // Without the session token the cache alone is nothing.
      const alone = await read(undefined, data);
      if (alone.json !== null) failures.push(`${label} (no token): ${alone.text.slice(0, 120)}`);
    }
    expect(failures).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("the victim's valid cache with a tampered token is no session", async () => {
    cases += 1;
    const victim = await user("cc-token");
    const answer = await read(flip(victim.token, 5), victim.data);
    expect(answer.json).toBeNull();
  });
});

describe("database sessions: replay after sign-out and revocation", () => {
  let auth: Auth;
  let srv: TestServer;
  let cases = 0;

  beforeAll(async () => {
    ({ auth } = corpusAuth({ session: { cookieCache: { enabled: true, maxAge: 300 } } }));
    srv = await serveBoth(auth);
  });
  afterAll(async () => {
    reportCount("cookie-tampering / replay after revocation", cases);
    await srv.close();
  });

  /** Two devices of one user: each jar holds its own session (and cookie cache). */
  async function twoDevices() {
    const email = uniqueEmail("replay");
    const { jar: first } = await signUp(srv, email);
    const second = new CookieJar();
    const signIn = await send(srv, "/api/auth/sign-in/email", {
      json: { email, password: PASSWORD },
      headers: { origin: srv.url },
      jar: second,
    });
    expect(signIn.status).toBe(200);
    return { email, first, second };
  }

  /**
   * A replayed cookie set (token and cache, as stolen before the revocation) must not act:
   * the database-backed read is null and actions answer 401.
   */
  async function expectDead(jar: CookieJar, label: string): Promise<void> {
    cases += 1;
    const header = jar.header();
    const fresh = await send(srv, "/api/auth/get-session?disableCookieCache=true", {
      headers: { cookie: header },
    });
    expect(fresh.json, `${label}: get-session (database)`).toBeNull();
    for (const path of ["/api/auth/list-sessions"]) {
      const answer = await send(srv, path, { headers: { cookie: header } });
      expect(answer.status, `${label}: ${path}`).toBe(401);
    }
    const act = await send(srv, "/api/auth/update-user", {
      json: { name: "Replayed" },
      headers: { cookie: header, origin: srv.url },
    });
    expect(act.status, `${label}: update-user`).toBe(401);
    const browserSignOut = await send(srv, "/api/auth/revoke-other-sessions", {
      json: {},
      headers: { cookie: header, origin: srv.url },
    });
    expect(browserSignOut.status, `${label}: revoke-other-sessions`).toBe(401);
  }

  async function expectAlive(jar: CookieJar, email: string, label: string): Promise<void> {
    const answer = await send(srv, "/api/auth/get-session?disableCookieCache=true", {
      headers: { cookie: jar.header() },
    });
    expect(answer.json?.user?.email, label).toBe(email);
  }

  it("after POST /sign-out (JSON API)", async () => {
    const { email, first, second } = await twoDevices();
    const stolen = snapshot(first);
    await send(srv, "/api/auth/sign-out", { json: {}, headers: { origin: srv.url }, jar: first });
    await expectDead(stolen, "sign-out");
    await expectAlive(second, email, "the other device");
  });

  it("after POST /auth/signout (browser routes)", async () => {
    const { email, first, second } = await twoDevices();
    const stolen = snapshot(first);
    const token = await csrfToken(srv, first);
    const out = await send(srv, "/auth/signout", {
      form: { csrfToken: token },
      headers: { origin: srv.url },
      jar: first,
    });
    expect(out.status).toBe(302);
    await expectDead(stolen, "browser sign-out");
    await expectAlive(second, email, "the other device");
  });

  it("after revoke-session of that session from another device (by its listed hash)", async () => {
    const { email, first, second } = await twoDevices();
    const stolen = snapshot(first);
    const listed = await send(srv, "/api/auth/list-sessions", { jar: second });
    const own = await send(srv, "/api/auth/get-session?disableCookieCache=true", { jar: second });
    const target = (listed.json as { token: string }[]).find((s) => s.token !== own.json.session.token);
    const revoked = await send(srv, "/api/auth/revoke-session", {
      json: { token: target?.token },
      headers: { origin: srv.url },
      jar: second,
    });
    expect(revoked.status).toBe(200);
    await expectDead(stolen, "revoke-session");
    await expectAlive(second, email, "the revoking device");
  });

  it("after revoke-other-sessions", async () => {
    const { email, first, second } = await twoDevices();
    const stolen = snapshot(first);
    await send(srv, "/api/auth/revoke-other-sessions", {
      json: {},
      headers: { origin: srv.url },
      jar: second,
    });
    await expectDead(stolen, "revoke-other-sessions");
    await expectAlive(second, email, "the revoking device");
  });

  it("after revoke-sessions (every session, the caller's too)", async () => {
    const { first, second } = await twoDevices();
    const stolenFirst = snapshot(first);
    const stolenSecond = snapshot(second);
    await send(srv, "/api/auth/revoke-sessions", { json: {}, headers: { origin: srv.url }, jar: second });
    await expectDead(stolenFirst, "revoke-sessions (other device)");
    await expectDead(stolenSecond, "revoke-sessions (own device)");
  });

  it("after change-password with revokeOtherSessions", async () => {
    const { email, first, second } = await twoDevices();
    const stolen = snapshot(first);
    const changed = await send(srv, "/api/auth/change-password", {
      json: { currentPassword: PASSWORD, newPassword: "a new corpus password", revokeOtherSessions: true },
      headers: { origin: srv.url },
      jar: second,
    });
    expect(changed.status).toBe(200);
    await expectDead(stolen, "change-password");
    await expectAlive(second, email, "the device that changed it");
  });

  it("a revoked user's session cannot come back by signing the old token again (no resurrection)", async () => {
    cases += 1;
    const { first } = await twoDevices();
    const value = decodeURIComponent(first.get(SESSION) ?? "");
    await send(srv, "/api/auth/sign-out", { json: {}, headers: { origin: srv.url }, jar: snapshot(first) });
    const token = value.slice(0, value.lastIndexOf("."));
    const resigned = new Keyring([TEST_SECRET], "session-token").sign(token);
    const answer = await send(srv, "/api/auth/get-session?disableCookieCache=true", {
      headers: { cookie: `${SESSION}=${encodeURIComponent(resigned)}` },
    });
    expect(answer.json).toBeNull();
  });
});

function snapshot(jar: CookieJar): CookieJar {
  const copy = new CookieJar();
  copy.store(jar.names().map((n) => `${n}=${jar.get(n)}`));
  return copy;
}

// ---------------------------------------------------------------------------------------------
// JWT sessions in Auth.js's format (ExpressAuth without a database), chunked when large.
// ---------------------------------------------------------------------------------------------

const JWT_COOKIE = "authjs.session-token";

/** Auth.js's key derivation, to mint tokens the way a holder of a secret could. */
function authjsKey(secret: string, salt: string, length: 64 | 32): Uint8Array {
  return new Uint8Array(
    hkdfSync("sha256", secret, salt, `Auth.js Generated Encryption Key (${salt})`, length),
  );
}

describe("JWT sessions (Auth.js format): tampered, forged and re-chunked cookies", () => {
  let srv: TestServer;
  let config: ExpressAuthConfig;
  let cases = 0;

  beforeAll(async () => {
    config = {
      secret: TEST_SECRET,
      logger: quietLogger,
      rateLimit: { enabled: false },
      providers: [
        Credentials({
          credentials: { username: { label: "Username" } },
          authorize: async ({ username }) =>
            typeof username === "string" && /^[a-z]+$/.test(username)
              ? { id: `${username}-jwt`, name: username, email: `${username}@example.test` }
              : null,
        }),
      ],
      callbacks: {
        // "big" users carry a large claim, so their cookie is split into chunks.
        jwt: ({ token, user }) => (user?.name === "big" ? { ...token, blob: "x".repeat(4000) } : token),
      },
    };
    const app = express();
    app.use("/auth", ExpressAuth(config));
    app.get("/me", async (req, res) => {
      res.json(await getSession(req, config));
    });
    srv = await startServer(app);
  });
  afterAll(async () => {
    reportCount("cookie-tampering / JWT (Auth.js) cookies", cases);
    await srv.close();
  });

  async function signIn(username: string): Promise<Record<string, string>> {
    const jar = new CookieJar();
    const token = await csrfToken(srv, jar);
    const answer = await send(srv, "/auth/callback/credentials", {
      form: { csrfToken: token, username },
      headers: { origin: srv.url },
      jar,
    });
    expect(answer.status).toBe(302);
    const out: Record<string, string> = {};
    for (const name of jar.names()) if (name.startsWith(JWT_COOKIE)) out[name] = jar.get(name)!;
    return out;
  }

  /** Null from /auth/session and getSession(req), and no session cookie written back. */
  async function judge(cookies: Record<string, string>): Promise<string | undefined> {
    const cookie = cookieHeader(cookies);
    const browser = await send(srv, "/auth/session", { headers: { cookie } });
    if (browser.status !== 200 || browser.json !== null)
      return `/auth/session: ${browser.status} ${browser.text.slice(0, 80)}`;
    if (browser.setCookies.some((c) => c.startsWith(JWT_COOKIE) && !/max-age=0/i.test(c)))
      return "/auth/session wrote a session cookie";
    const me = await send(srv, "/me", { headers: { cookie } });
    if (me.json !== null) return `getSession(req): ${me.text.slice(0, 80)}`;
    return undefined;
  }

  it("controls: a real cookie, and a real chunked cookie, are sessions", async () => {
    const plain = await signIn("ada");
    expect(Object.keys(plain)).toEqual([JWT_COOKIE]);
    expect(
      (await send(srv, "/auth/session", { headers: { cookie: cookieHeader(plain) } })).json?.user?.name,
    ).toBe("ada");
    const big = await signIn("big");
    expect(Object.keys(big).sort()).toEqual([`${JWT_COOKIE}.0`, `${JWT_COOKIE}.1`]);
    expect((await send(srv, "/me", { headers: { cookie: cookieHeader(big) } })).json?.user?.name).toBe("big");
  });

  it("one bit flipped in each JWE segment (header, key, IV, ciphertext, tag) at many positions", async () => {
    const { [JWT_COOKIE]: jwe } = await signIn("ada");
    const failures: string[] = [];
    const segments = jwe!.split(".");
    let offset = 0;
    for (const [s, segment] of segments.entries()) {
      const step = Math.max(1, Math.floor(segment.length / 12));
      for (let i = 0; i < segment.length; i += step) {
        cases += 1;
        const problem = await judge({ [JWT_COOKIE]: flip(jwe!, offset + i) });
        if (problem) failures.push(`segment ${s}, char ${i}: ${problem}`);
      }
      offset += segment.length + 1;
    }
    expect(failures).toEqual([]);
  });

  it("forged tokens minted with jose: alg none, a JWS, other keys, algorithms, names and lifetimes", async () => {
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      sub: "admin-jwt",
      name: "admin",
      email: "admin@example.test",
      iat: now,
      exp: now + 3600,
    };
    const ours = authjsKey(TEST_SECRET, JWT_COOKIE, 64);
    const kid = await calculateJwkThumbprint({ kty: "oct", k: base64url.encode(ours) }, "sha512");
    const jweWith = (key: Uint8Array, header: { alg: string; enc: string; kid?: string }, body = claims) =>
      new EncryptJWT(body).setProtectedHeader(header).encrypt(key);
    const forgeries: Record<string, string> = {
      "unsecured JWT (alg: none)": new UnsecuredJWT(claims).encode(),
      "unsecured JWT with our kid": `${base64url.encode(JSON.stringify({ alg: "none", kid }))}.${base64url.encode(JSON.stringify(claims))}.`,
      "JWS HS256 signed with the secret itself": await new SignJWT(claims)
        .setProtectedHeader({ alg: "HS256" })
        .sign(new TextEncoder().encode(TEST_SECRET)),
      "JWS HS512 signed with our derived key": await new SignJWT(claims)
        .setProtectedHeader({ alg: "HS512" })
        .sign(ours),
      "JWE made with another secret": await encodeSessionJWT({
        token: claims,
        secret: OTHER_SECRET,
        salt: JWT_COOKIE,
      }),
      "JWE made for another cookie name (salt)": await encodeSessionJWT({
        token: claims,
        secret: TEST_SECRET,
        salt: "__Secure-authjs.session-token",
      }),
      "JWE with another key but our kid": await jweWith(authjsKey(OTHER_SECRET, JWT_COOKIE, 64), {
        alg: "dir",
        enc: "A256CBC-HS512",
        kid,
      }),
      "JWE A256GCM with another secret": await jweWith(authjsKey(OTHER_SECRET, JWT_COOKIE, 32), {
        alg: "dir",
        enc: "A256GCM",
      }),
      "JWE with a key wrap algorithm (A256KW) under our key's first half": await jweWith(ours.slice(0, 32), {
        alg: "A256KW",
        enc: "A256GCM",
      }),
      "JWE PBES2 with the secret as password": await new EncryptJWT(claims)
        .setProtectedHeader({ alg: "PBES2-HS256+A128KW", enc: "A128GCM" })
        .encrypt(new TextEncoder().encode(TEST_SECRET)),
      "JWE with our key, already expired": await jweWith(
        ours,
        { alg: "dir", enc: "A256CBC-HS512", kid },
        {
          ...claims,
          iat: now - 7200,
          exp: now - 3600,
        },
      ),
      "JWE with our key, no exp": await new EncryptJWT({ sub: "admin-jwt", name: "admin" })
        .setProtectedHeader({ alg: "dir", enc: "A256CBC-HS512", kid })
        .encrypt(ours),
      "JWE with our key, not yet valid (nbf in an hour)": await new EncryptJWT({ ...claims, nbf: now + 3600 })
        .setProtectedHeader({ alg: "dir", enc: "A256CBC-HS512", kid })
        .encrypt(ours),
      "JWE with our key, no sub": await new EncryptJWT({ name: "admin", exp: now + 3600 })
        .setProtectedHeader({ alg: "dir", enc: "A256CBC-HS512", kid })
        .encrypt(ours),
      "header only": base64url.encode(JSON.stringify({ alg: "dir", enc: "A256CBC-HS512" })),
      "five empty segments": "....",
      garbage: "not-a-jwt",
    };
    const failures: string[] = [];
    for (const [label, token] of Object.entries(forgeries)) {
      cases += 1;
      // The ones minted with our own key stand for a stolen key; they must still be refused
      // when expired, early, without exp or without a subject.
      const problem = await judge({ [JWT_COOKIE]: token });
      if (problem) failures.push(`${label}: ${problem}`);
    }
    expect(failures).toEqual([]);
  });

  it("the chunked cookie truncated, reordered, gapped, padded or mixed with another user's", async () => {
    const big = await signIn("big");
    const other = await signIn("big");
    const c0 = big[`${JWT_COOKIE}.0`]!;
    const c1 = big[`${JWT_COOKIE}.1`]!;
    const whole = c0 + c1;
    const variants: Record<string, Record<string, string>> = {
      "chunk .1 dropped": { [`${JWT_COOKIE}.0`]: c0 },
      "chunk .0 dropped": { [`${JWT_COOKIE}.1`]: c1 },
      "chunks swapped": { [`${JWT_COOKIE}.0`]: c1, [`${JWT_COOKIE}.1`]: c0 },
      "chunk .1 renamed .2 (a gap)": { [`${JWT_COOKIE}.0`]: c0, [`${JWT_COOKIE}.2`]: c1 },
      "a garbage chunk .2 appended": {
        [`${JWT_COOKIE}.0`]: c0,
        [`${JWT_COOKIE}.1`]: c1,
        [`${JWT_COOKIE}.2`]: "AAAA",
      },
      "chunk .0 repeated as .1": { [`${JWT_COOKIE}.0`]: c0, [`${JWT_COOKIE}.1`]: c0 },
      "chunk .1 truncated by one character": {
        [`${JWT_COOKIE}.0`]: c0,
        [`${JWT_COOKIE}.1`]: c1.slice(0, -1),
      },
      "chunk .0 truncated by one character": {
        [`${JWT_COOKIE}.0`]: c0.slice(0, -1),
        [`${JWT_COOKIE}.1`]: c1,
      },
      "a character moved across the chunk boundary": {
        [`${JWT_COOKIE}.0`]: c0.slice(0, -1),
        [`${JWT_COOKIE}.1`]: c0.slice(-1) + c1.slice(0, -1),
      },
      "zero-padded names (.00, .01)": { [`${JWT_COOKIE}.00`]: c0, [`${JWT_COOKIE}.01`]: c1 },
      "an index past the cap (.16)": {
        [`${JWT_COOKIE}.0`]: c0,
        [`${JWT_COOKIE}.1`]: c1,
        [`${JWT_COOKIE}.16`]: "x",
      },
      "chunks and an unchunked cookie together": {
        [JWT_COOKIE]: whole,
        [`${JWT_COOKIE}.0`]: c0,
        [`${JWT_COOKIE}.1`]: c1,
      },
      "chunk .0 of another session with chunk .1 of this one": {
        [`${JWT_COOKIE}.0`]: other[`${JWT_COOKIE}.0`]!,
        [`${JWT_COOKIE}.1`]: c1,
      },
      "one bit flipped in chunk .1": { [`${JWT_COOKIE}.0`]: c0, [`${JWT_COOKIE}.1`]: flip(c1, 100) },
      "one bit flipped in chunk .0": { [`${JWT_COOKIE}.0`]: flip(c0, 2000), [`${JWT_COOKIE}.1`]: c1 },
    };
    const failures: string[] = [];
    for (const [label, cookies] of Object.entries(variants)) {
      cases += 1;
      const problem = await judge(cookies);
      if (problem) failures.push(`${label}: ${problem}`);
    }
    expect(failures).toEqual([]);
    // The untouched pair still works (the variants failed for what was done to them).
    expect(
      (await send(srv, "/auth/session", { headers: { cookie: cookieHeader(big) } })).json?.user?.name,
    ).toBe("big");
    // Reassembled into one unchunked cookie it is the same token, so it is read (not an attack).
    expect((await send(srv, "/me", { headers: { cookie: `${JWT_COOKIE}=${whole}` } })).json?.user?.name).toBe(
      "big",
    );
  });

  it("a sign-out clears every chunk it was sent", async () => {
    cases += 1;
    const big = await signIn("big");
    const jar = new CookieJar();
    jar.store(Object.entries(big).map(([k, v]) => `${k}=${v}`));
    const token = await csrfToken(srv, jar);
    const out = await send(srv, "/auth/signout", {
      form: { csrfToken: token },
      headers: { origin: srv.url },
      jar,
    });
    expect(out.status).toBe(302);
    const cleared = out.setCookies.filter((c) => /max-age=0/i.test(c)).map((c) => c.split("=")[0]);
    expect(cleared).toEqual(expect.arrayContaining([`${JWT_COOKIE}.0`, `${JWT_COOKIE}.1`]));
    expect(jar.names().filter((n) => n.startsWith(JWT_COOKIE))).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// The OAuth transaction cookie (state, PKCE verifier, nonce, callback URLs; encrypted).
// ---------------------------------------------------------------------------------------------

describe("the OAuth transaction cookie", () => {
  let standIn: StandIn;
  let srv: TestServer;
  let cases = 0;
  const TX = "gatehouse.oauth_transaction";

  beforeAll(async () => {
    standIn = await startStandIn({
      clientId: "gh-id",
      clientSecret: "gh-secret",
      tokenResponse: { token_type: "bearer", scope: "read:user,user:email" },
      routes: {
        "GET /user": { id: 99, login: "tx", name: "Tx", email: "tx-gh@example.test", avatar_url: "" },
        "GET /user/emails": [{ email: "tx-gh@example.test", primary: true, verified: true }],
      },
    });
    const { auth } = corpusAuth({
      providers: [
        GitHub({
          clientId: "gh-id",
          clientSecret: "gh-secret",
          authorization: standIn.authorizeURL,
          token: standIn.tokenURL,
          userinfo: `${standIn.url}/user`,
        }),
      ],
    });
    srv = await serveBoth(auth);
  });
  afterAll(async () => {
    reportCount("cookie-tampering / OAuth transaction cookie", cases);
    await srv.close();
    await standIn.close();
  });

  /** Starts a sign-in; returns the transaction cookie and the callback path the provider sends back. */
  async function started(): Promise<{ tx: string; callback: string }> {
    const jar = new CookieJar();
    const start = await send(srv, "/api/auth/sign-in/social", {
      json: { provider: "github", callbackURL: "/done" },
      headers: { origin: srv.url },
      jar,
    });
    const atProvider = await fetch(start.json.url, { redirect: "manual" });
    const back = new URL(atProvider.headers.get("location") ?? "");
    return { tx: jar.get(TX) ?? "", callback: back.pathname + back.search };
  }

  /** The callback with `cookie` must end on the error page, with no session set. */
  function refused(answer: Answer): string | undefined {
    const to = answer.location ? new URL(answer.location, srv.url) : undefined;
    if (answer.status !== 302 || !to?.searchParams.get("error"))
      return `${answer.status} -> ${answer.location}`;
    if (answer.setCookies.some((c) => /^gatehouse\.session_token=[^;]/.test(c))) return "a session was set";
    return undefined;
  }

  it("tampered, foreign, missing or replayed transaction cookies never complete a sign-in", async () => {
    const failures: string[] = [];
    const victim = await started();
    const other = await started();
    expect(victim.tx).not.toBe("");
    const variants: Record<string, string | undefined> = {
      missing: undefined,
      empty: "",
      "another sign-in's transaction (login CSRF)": other.tx,
      "made with another secret": await encryptWithOtherSecret(),
      truncated: victim.tx.slice(0, -5),
      garbage: "not-a-transaction",
    };
    for (let i = 0; i < victim.tx.length; i += Math.max(1, Math.floor(victim.tx.length / 40)))
      variants[`bit flipped at ${i}`] = flip(victim.tx, i);
    for (const [label, tx] of Object.entries(variants)) {
      cases += 1;
      const cookie = tx === undefined ? undefined : `${TX}=${tx}`;
      const problem = refused(await send(srv, victim.callback, { headers: cookie ? { cookie } : {} }));
      if (problem) failures.push(`${label}: ${problem}`);
    }
    expect(failures).toEqual([]);
    // The untouched cookie completes the sign-in once (the control), and a replay does not.
    cases += 2;
    const done = await send(srv, victim.callback, { headers: { cookie: `${TX}=${victim.tx}` } });
    expect(done.status).toBe(302);
    expect(new URL(done.location ?? "", srv.url).pathname).toBe("/done");
    expect(
      refused(await send(srv, victim.callback, { headers: { cookie: `${TX}=${victim.tx}` } })),
    ).toBeUndefined();
  });
});

/** A transaction-shaped value encrypted under another secret (what a forger could make). */
function encryptWithOtherSecret(): Promise<string> {
  return encryptJSON(
    { provider: "github", state: "forged", verifier: "v".repeat(43), callbackURL: "https://evil.example" },
    { secrets: [OTHER_SECRET], purpose: "oauth-transaction", maxAge: 600 },
  );
}
