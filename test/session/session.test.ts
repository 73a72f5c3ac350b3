import { afterEach, describe, expect, it, vi } from "vitest";
import {
  Client,
  DATA_COOKIE,
  DONT_REMEMBER_COOKIE,
  PASSWORD,
  SESSION_COOKIE,
  makeAuth,
  setCookie,
  sha256Hex,
  tokenOf,
  uniqueEmail,
} from "../core/harness.js";

afterEach(() => {
  vi.useRealTimers();
});

/** Freezes Date (only Date: timers, sockets and native work keep running). */
function freezeClock(): { advance(seconds: number): void } {
  vi.useFakeTimers({ toFake: ["Date"], now: Date.now() });
  return { advance: (seconds) => vi.setSystemTime(Date.now() + seconds * 1000) };
}

async function sessionRows(auth: ReturnType<typeof makeAuth>["auth"]) {
  return auth.$context.adapter.findMany({ model: "session" });
}

describe("session cookie", () => {
  const { auth } = makeAuth();

  it("is HttpOnly, SameSite=Lax, Path=/, Max-Age 7 days", async () => {
    const client = new Client(auth);
    const res = await client.signUp(uniqueEmail());
    const c = setCookie(res.response, SESSION_COOKIE)!;
    expect(c).toBeDefined();
    expect(c.attributes.httponly).toBe(true);
    expect(String(c.attributes.samesite).toLowerCase()).toBe("lax");
    expect(c.attributes.path).toBe("/");
    expect(c.attributes["max-age"]).toBe("604800");
    expect(c.attributes.secure).toBeUndefined();
  });

  it("holds a >= 256-bit token; the database stores only its SHA-256 hex", async () => {
    const client = new Client(auth);
    const email = uniqueEmail();
    const res = await client.signUp(email);
    const value = setCookie(res.response, SESSION_COOKIE)!.value;
    const token = tokenOf(value);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43,}$/);
    expect(Buffer.from(token, "base64url").length).toBeGreaterThanOrEqual(32);
    expect(res.body.token).toBe(token);

    const rows = (await sessionRows(auth)).filter((r) => r.userId === res.body.user.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.token).toBe(sha256Hex(token));
    expect(rows[0]!.token).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(rows)).not.toContain(token);

    // What get-session returns is the stored hash, never the raw token.
    const session = await client.getSession();
    expect(session.body.session.token).toBe(sha256Hex(token));
  });

  it("a tampered signature is no session", async () => {
    const client = new Client(auth);
    await client.signUp(uniqueEmail());
    const value = client.jar.get(SESSION_COOKIE)!;
    client.jar.set(SESSION_COOKIE, `${tokenOf(value)}.${"A".repeat(43)}`);
    expect((await client.getSession()).body).toBeNull();
    client.jar.set(SESSION_COOKIE, tokenOf(value));
    expect((await client.getSession()).body).toBeNull();
  });

  it("every sign-in makes a new session; a planted cookie is not reused", async () => {
    const attacker = new Client(auth);
    const attackerEmail = uniqueEmail("attacker");
    await attacker.signUp(attackerEmail);
    const planted = attacker.jar.get(SESSION_COOKIE)!;

    const victimEmail = uniqueEmail("victim");
    await auth.api.signUpEmail({ body: { name: "Victim", email: victimEmail, password: PASSWORD } });
    const victim = new Client(auth);
    victim.jar.set(SESSION_COOKIE, planted);
    const res = await victim.signIn(victimEmail);
    expect(res.status).toBe(200);
    const issued = victim.jar.get(SESSION_COOKIE)!;
    expect(issued).not.toBe(planted);
    expect(tokenOf(issued)).not.toBe(tokenOf(planted));
    expect((await victim.getSession()).body.user.email).toBe(victimEmail);
    // The planted session was not upgraded to the victim: the sign-in ended it instead, as it
    // ends whatever session the browser held before (ASVS 7.2.4).
    const planter = await attacker.getSession();
    expect(planter.body?.user?.email).not.toBe(victimEmail);
    expect(planter.body).toBeNull();

    // Signing in twice from two browsers gives two distinct sessions, both live.
    const other = new Client(auth);
    const again = await other.signIn(victimEmail);
    expect(again.body.token).not.toBe(res.body.token);
    expect((await victim.getSession()).body.user.email).toBe(victimEmail);
    expect((await other.getSession()).body.user.email).toBe(victimEmail);
  });

  it("signing in again from the same browser ends the session it held before", async () => {
    const email = uniqueEmail("again");
    await auth.api.signUpEmail({ body: { name: "Again", email, password: PASSWORD } });
    const browser = new Client(auth);
    await browser.signIn(email);
    const first = browser.jar.get(SESSION_COOKIE)!;
    const before = (await browser.request("GET", "/list-sessions")).body as unknown[];
    await browser.signIn(email);
    expect(browser.jar.get(SESSION_COOKIE)).not.toBe(first);
    expect((await browser.getSession()).body.user.email).toBe(email);
    const stale = new Client(auth);
    stale.jar.set(SESSION_COOKIE, first);
    expect((await stale.getSession()).body).toBeNull();
    const after = (await browser.request("GET", "/list-sessions")).body as unknown[];
    expect(after).toHaveLength(before.length);
  });

  it("rememberMe: false -> a browser-session cookie (no Max-Age) and a dont_remember marker", async () => {
    const email = uniqueEmail();
    await auth.api.signUpEmail({ body: { name: "R", email, password: PASSWORD } });
    const client = new Client(auth);
    const res = await client.signIn(email, PASSWORD, { rememberMe: false });
    const c = setCookie(res.response, SESSION_COOKIE)!;
    expect(c.attributes["max-age"]).toBeUndefined();
    expect(c.attributes.expires).toBeUndefined();
    expect(setCookie(res.response, DONT_REMEMBER_COOKIE)?.value).toBeTruthy();
    expect((await client.getSession()).body.user.email).toBe(email);
  });

  it("sign-out deletes the session row and clears the cookies", async () => {
    const client = new Client(auth);
    const res = await client.signUp(uniqueEmail());
    const hash = sha256Hex(res.body.token);
    const out = await client.post("/sign-out");
    expect(out.status).toBe(200);
    expect(out.body).toEqual({ success: true });
    expect(setCookie(out.response, SESSION_COOKIE)?.attributes["max-age"]).toBe("0");
    expect((await sessionRows(auth)).some((r) => r.token === hash)).toBe(false);
    expect(client.jar.get(SESSION_COOKIE)).toBeUndefined();
    expect((await client.getSession()).body).toBeNull();
    // Without a session it still answers success.
    expect((await new Client(auth).post("/sign-out")).status).toBe(200);
  });
});

describe("sliding expiry", () => {
  it("renews expiresAt and re-sends the cookie once updateAge has passed", async () => {
    const { auth } = makeAuth({ session: { expiresIn: 100, updateAge: 50 } });
    const clock = freezeClock();
    const client = new Client(auth);
    const start = Date.now();
    const signUp = await client.signUp(uniqueEmail());
    expect(setCookie(signUp.response, SESSION_COOKIE)!.attributes["max-age"]).toBe("100");
    const firstExpiry = new Date((await client.getSession()).body.session.expiresAt).getTime();
    expect(firstExpiry).toBe(start + 100_000);

    clock.advance(10);
    const early = await client.getSession();
    expect(early.body.session).toBeTruthy();
    expect(setCookie(early.response, SESSION_COOKIE)).toBeUndefined();
    expect(new Date(early.body.session.expiresAt).getTime()).toBe(firstExpiry);

    clock.advance(50);
    const renewed = await client.getSession();
    expect(new Date(renewed.body.session.expiresAt).getTime()).toBe(start + 60_000 + 100_000);
    const cookie = setCookie(renewed.response, SESSION_COOKIE);
    expect(cookie).toBeDefined();
    expect(cookie!.attributes["max-age"]).toBe("100");
    const [row] = await auth.$context.adapter.findMany({ model: "session" });
    expect((row!.expiresAt as Date).getTime()).toBe(start + 160_000);

    // Past the original expiry, the renewed session is still valid.
    clock.advance(90);
    expect((await client.getSession()).body?.session).toBeTruthy();
  });

  it("a renewal keeps a rememberMe:false cookie a browser-session cookie", async () => {
    const { auth } = makeAuth({ session: { expiresIn: 100, updateAge: 0 } });
    const email = uniqueEmail();
    await auth.api.signUpEmail({ body: { name: "R", email, password: PASSWORD } });
    const clock = freezeClock();
    const client = new Client(auth);
    await client.signIn(email, PASSWORD, { rememberMe: false });
    clock.advance(5);
    const res = await client.getSession();
    const c = setCookie(res.response, SESSION_COOKIE);
    expect(c).toBeDefined();
    expect(c!.attributes["max-age"]).toBeUndefined();
  });

  it("an expired session reads as null and its row is removed", async () => {
    const { auth } = makeAuth({ session: { expiresIn: 100, updateAge: 1000 } });
    const clock = freezeClock();
    const client = new Client(auth);
    await client.signUp(uniqueEmail());
    expect((await client.getSession()).body).not.toBeNull();
    clock.advance(101);
    const res = await client.getSession();
    expect(res.status).toBe(200);
    expect(res.body).toBeNull();
    expect(await auth.$context.adapter.count({ model: "session" })).toBe(0);
    expect((await client.post("/update-user", { name: "x" })).status).toBe(401);
  });
});

describe("freshAge", () => {
  it("change-email and delete-user without password need a fresh session", async () => {
    const { auth, mail } = makeAuth({ session: { freshAge: 1 } });
    const clock = freezeClock();
    const client = new Client(auth);
    const email = uniqueEmail("fresh");
    await client.signUp(email);

    const freshChange = await client.post("/change-email", { newEmail: uniqueEmail("new") });
    expect(freshChange.status).toBe(200);
    expect(mail.messages).toHaveLength(1);

    clock.advance(2);
    const staleChange = await client.post("/change-email", { newEmail: uniqueEmail("new") });
    expect(staleChange.status).toBe(403);
    expect(staleChange.body.code).toBe("SESSION_NOT_FRESH");
    expect(mail.messages).toHaveLength(1);

    const staleDelete = await client.post("/delete-user", {});
    expect(staleDelete.status).toBe(403);
    expect(staleDelete.body.code).toBe("SESSION_NOT_FRESH");
    expect(await auth.$context.adapter.count({ model: "user" })).toBe(1);

    // With the password, an old session may delete.
    const withPassword = await client.post("/delete-user", { password: PASSWORD });
    expect(withPassword.status).toBe(200);
    expect(await auth.$context.adapter.count({ model: "user" })).toBe(0);
  });

  it("freshAge: 0 turns the check off", async () => {
    const { auth } = makeAuth({ session: { freshAge: 0 } });
    const clock = freezeClock();
    const client = new Client(auth);
    await client.signUp(uniqueEmail());
    clock.advance(3 * 86_400);
    expect((await client.post("/change-email", { newEmail: uniqueEmail() })).status).toBe(200);
  });
});

describe("cookie cache", () => {
  const options = { session: { cookieCache: { enabled: true, maxAge: 60 } } };

  it("sign-in sets a signed session_data cookie with the cache maxAge", async () => {
    const { auth } = makeAuth(options);
    const res = await new Client(auth).signUp(uniqueEmail());
    const data = setCookie(res.response, DATA_COOKIE)!;
    expect(data).toBeDefined();
    expect(data.attributes["max-age"]).toBe("60");
    expect(data.attributes.httponly).toBe(true);
  });

  it("get-session is served from the cookie after the row is deleted; disableCookieCache goes to the DB", async () => {
    const { auth } = makeAuth(options);
    const client = new Client(auth);
    const email = uniqueEmail("cache");
    await client.signUp(email);
    await auth.$context.adapter.deleteMany({ model: "session", where: [] });
    expect(await auth.$context.adapter.count({ model: "session" })).toBe(0);

    const cached = await client.getSession();
    expect(cached.body?.user.email).toBe(email);
    expect(new Date(cached.body.session.expiresAt).getTime()).toBeGreaterThan(Date.now());

    const fresh = await client.getSession("?disableCookieCache=true");
    expect(fresh.body).toBeNull();
  });

  it("the cache expires after maxAge", async () => {
    const { auth } = makeAuth(options);
    const clock = freezeClock();
    const client = new Client(auth);
    await client.signUp(uniqueEmail());
    await auth.$context.adapter.deleteMany({ model: "session", where: [] });
    expect((await client.getSession()).body).not.toBeNull();
    clock.advance(61);
    expect((await client.getSession()).body).toBeNull();
  });

  it("a tampered cache cookie is ignored (the DB decides)", async () => {
    const { auth } = makeAuth(options);
    const client = new Client(auth);
    const email = uniqueEmail("tamper");
    await client.signUp(email);
    const original = client.jar.get(DATA_COOKIE)!;
    const dot = original.lastIndexOf(".");
    const payload = JSON.parse(Buffer.from(original.slice(0, dot), "base64url").toString("utf8"));
    payload.u.email = "admin@example.test";
    payload.u.role = "admin";
    const forged = `${Buffer.from(JSON.stringify(payload)).toString("base64url")}${original.slice(dot)}`;
    client.jar.set(DATA_COOKIE, forged);

    // With the row present the DB answers, with the real email.
    const res = await client.getSession();
    expect(res.body.user.email).toBe(email);
    expect(res.body.user.role).toBeUndefined();

    // With the row gone, the forged cache does not keep the user signed in.
    client.jar.set(DATA_COOKIE, forged);
    await auth.$context.adapter.deleteMany({ model: "session", where: [] });
    expect((await client.getSession()).body).toBeNull();
  });

  it("every read of the same cookies gets its own rows (changing one answer changes no later one)", async () => {
    for (const cookieCache of [true, false]) {
      const { auth } = makeAuth({ session: { cookieCache: { enabled: cookieCache, maxAge: 60 } } });
      const client = new Client(auth);
      const email = uniqueEmail("copies");
      await client.signUp(email);
      const headers = client.jar.headers();
      const first = await auth.api.getSession({ headers });
      expect(first?.user.email).toBe(email);
      first!.user.email = "changed@example.test";
      first!.session.expiresAt.setTime(0);
      (first!.session as Record<string, unknown>).userId = "someone-else";
      const second = await auth.api.getSession({ headers });
      expect(second?.user.email).toBe(email);
      expect(second!.session.expiresAt.getTime()).toBeGreaterThan(Date.now());
      expect(second!.session.userId).toBe(second!.user.id);
    }
  });

  it("a cache cookie from another session does not apply", async () => {
    const { auth } = makeAuth(options);
    const alice = new Client(auth);
    const bob = new Client(auth);
    await alice.signUp(uniqueEmail("alice"));
    const bobEmail = uniqueEmail("bob");
    await bob.signUp(bobEmail);
    alice.jar.set(DATA_COOKIE, bob.jar.get(DATA_COOKIE)!);
    const res = await alice.getSession();
    expect(res.body.user.email).not.toBe(bobEmail);
  });
});

describe("cookie cache and account actions", () => {
  it("a revoked session cannot act on the account through its cache cookie", async () => {
    const { auth } = makeAuth({ session: { cookieCache: { enabled: true, maxAge: 300 } } });
    const client = new Client(auth);
    await client.signUp(uniqueEmail("revoked"));
    await auth.$context.adapter.deleteMany({ model: "session", where: [] });
    // Reads may still be served from the cache until maxAge...
    expect((await client.getSession()).body).not.toBeNull();
    // ...but every action that needs a session reads the database.
    expect((await client.get("/list-sessions")).status).toBe(401);
    expect((await client.post("/update-user", { name: "Mallory" })).status).toBe(401);
    expect(
      (await client.post("/change-password", { currentPassword: PASSWORD, newPassword: "another password" }))
        .status,
    ).toBe(401);
    expect((await client.post("/revoke-sessions", {})).status).toBe(401);
  });
});

describe("session.additionalFields", () => {
  it("adds a column by migration and returns the field with the session", async () => {
    const { default: Database } = await import("better-sqlite3");
    const db = new Database(":memory:");
    const { auth } = makeAuth({
      database: db,
      session: {
        additionalFields: { deviceLabel: { type: "string", required: false, defaultValue: "unnamed" } },
      },
    });
    await auth.migrate();
    const columns = (db.prepare(`pragma table_info("session")`).all() as { name: string }[]).map(
      (c) => c.name,
    );
    expect(columns).toContain("deviceLabel");
    const client = new Client(auth);
    await client.signUp(uniqueEmail("device"));
    const res = await client.getSession();
    expect(res.body.session.deviceLabel).toBe("unnamed");
    db.close();
  });
});
