/**
 * The common-password list and the breached-password hook, on every path that sets a password:
 * JSON sign-up, change-password and reset-password (over real HTTP through the harness), and the
 * browser routes' sign-up form (ExpressAuth on a real server).
 */
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAuth } from "../../src/create-auth.js";
import type { AuthOptions } from "../../src/core/options.js";
import { ExpressAuth, getSession } from "../../src/express/index.js";
import type { ExpressAuthConfig } from "../../src/express/index.js";
import { COMMON_PASSWORDS } from "../../src/flows/common-passwords-list.js";
import { isCommonPassword } from "../../src/flows/common-passwords.js";
import { Client, PASSWORD, SECRET, type TestAuth, makeAuth, uniqueEmail } from "../core/harness.js";
import { CookieJar, startServer, TEST_SECRET, type TestServer } from "../helpers/http.js";

const ENTRIES = COMMON_PASSWORDS.trim().split("\n");
/** Common passwords long enough to pass the default length policy (8 to 128). */
const COMMON = ["password", "12345678", "qwerty123", "password1", "iloveyou", "trustno1"];
const UNCOMMON = "plum kettle 42 orbit";
/** These tests sign up many users from one address; rate limits have their own suite. */
const OPTIONS: AuthOptions = { rateLimit: { enabled: false } };

function expectRefused(res: { status: number; body: unknown }, code: string): void {
  expect(res.status).toBe(400);
  expect(res.body).toMatchObject({ code, message: expect.any(String) });
}

async function signedIn(auth: TestAuth, email = uniqueEmail("policy")): Promise<Client> {
  const client = new Client(auth);
  expect((await client.signUp(email)).status).toBe(200);
  return client;
}

async function resetToken(auth: TestAuth, mail: ReturnType<typeof makeAuth>["mail"], email: string) {
  expect((await new Client(auth).post("/request-password-reset", { email, redirectTo: "/r" })).status).toBe(
    200,
  );
  return new URL(mail.link(email)).pathname.split("/").at(-1)!;
}

describe("the common-password list", () => {
  it("has exactly 10,000 distinct entries, lower-cased and sorted by code unit", () => {
    expect(ENTRIES).toHaveLength(10_000);
    expect(new Set(ENTRIES).size).toBe(10_000);
    expect(ENTRIES.every((entry) => entry === entry.toLowerCase() && /^[\x21-\x7e]+$/.test(entry))).toBe(
      true,
    );
    expect(ENTRIES.every((entry, i) => i === 0 || ENTRIES[i - 1]! < entry)).toBe(true);
  });

  it("finds every entry, in any case, and nothing between them", async () => {
    for (const entry of ENTRIES) expect(await isCommonPassword(entry)).toBe(true);
    for (const entry of ENTRIES.slice(0, 500)) expect(await isCommonPassword(entry.toUpperCase())).toBe(true);
    for (const probe of ["", " ", "~~~~~~~~~", UNCOMMON, "password1x", "passwo", "12345678 "])
      expect(await isCommonPassword(probe)).toBe(false);
    for (const entry of ENTRIES.slice(0, 500)) expect(await isCommonPassword(`${entry}~`)).toBe(false);
  });
});

describe("JSON dialect: sign-up, change-password, reset-password", () => {
  const { auth, mail } = makeAuth(OPTIONS);

  it.each(COMMON)("sign-up refuses %j with 400 PASSWORD_TOO_COMMON and creates no user", async (password) => {
    const email = uniqueEmail("common");
    expectRefused(await new Client(auth).signUp(email, password), "PASSWORD_TOO_COMMON");
    expect(
      await auth.$context.adapter.findOne({ model: "user", where: [{ field: "email", value: email }] }),
    ).toBe(null);
  });

  it("compares case-insensitively", async () => {
    for (const password of ["PassWord1", "QWERTY123", "ILoveYou", "TrustNo1"])
      expectRefused(await new Client(auth).signUp(uniqueEmail("case"), password), "PASSWORD_TOO_COMMON");
  });

  it("checks length first: a short entry of the list is PASSWORD_TOO_SHORT", async () => {
    expectRefused(await new Client(auth).signUp(uniqueEmail("short"), "abc123"), "PASSWORD_TOO_SHORT");
  });

  it("accepts an uncommon password", async () => {
    const email = uniqueEmail("fine");
    expect((await new Client(auth).signUp(email, UNCOMMON)).status).toBe(200);
    expect((await new Client(auth).signIn(email, UNCOMMON)).status).toBe(200);
  });

  it("change-password refuses a common new password and keeps the old one", async () => {
    const email = uniqueEmail("change");
    const client = await signedIn(auth, email);
    const res = await client.post("/change-password", {
      currentPassword: PASSWORD,
      newPassword: "Football1",
    });
    expectRefused(res, "PASSWORD_TOO_COMMON");
    expect((await new Client(auth).signIn(email, PASSWORD)).status).toBe(200);
    const ok = await client.post("/change-password", { currentPassword: PASSWORD, newPassword: UNCOMMON });
    expect(ok.status).toBe(200);
  });

  it("reset-password refuses a common new password without spending the token", async () => {
    const email = uniqueEmail("reset");
    await signedIn(auth, email);
    const token = await resetToken(auth, mail, email);
    expectRefused(
      await new Client(auth).post("/reset-password", { token, newPassword: "superman" }),
      "PASSWORD_TOO_COMMON",
    );
    expect((await new Client(auth).post("/reset-password", { token, newPassword: UNCOMMON })).status).toBe(
      200,
    );
    expect((await new Client(auth).signIn(email, UNCOMMON)).status).toBe(200);
  });
});

describe("browser routes: the sign-up form", () => {
  const config: ExpressAuthConfig = {
    secret: TEST_SECRET,
    logger: { info() {}, warn() {}, error() {} },
    rateLimit: { enabled: false },
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

  it("refuses a common password: EmailCreateAccount with code PASSWORD_TOO_COMMON, no session", async () => {
    const jar = new CookieJar();
    const { csrfToken } = await (await go(jar, "/auth/csrf")).json();
    const email = uniqueEmail("browser-common");
    const res = await go(jar, "/auth/signup", { csrfToken, name: "Pat", email, password: "Baseball1" });
    expect(res.status).toBe(302);
    const location = new URL(String(res.headers.get("location")));
    expect(location.searchParams.get("error")).toBe("EmailCreateAccount");
    expect(location.searchParams.get("code")).toBe("PASSWORD_TOO_COMMON");
    expect(await (await go(jar, "/me")).json()).toBeNull();

    const ok = await go(jar, "/auth/signup", { csrfToken, name: "Pat", email, password: UNCOMMON });
    expect(ok.status).toBe(302);
    expect(await (await go(jar, "/me")).json()).toMatchObject({ user: { email } });
  });
});

describe("emailAndPassword.rejectCommonPasswords: false", () => {
  it("lets common passwords through on sign-up, change and reset", async () => {
    const { auth, mail } = makeAuth({
      ...OPTIONS,
      emailAndPassword: { enabled: true, rejectCommonPasswords: false },
    });
    const email = uniqueEmail("off");
    const client = new Client(auth);
    expect((await client.signUp(email, "password1")).status).toBe(200);
    const changed = await client.post("/change-password", {
      currentPassword: "password1",
      newPassword: "qwerty123",
    });
    expect(changed.status).toBe(200);
    const token = await resetToken(auth, mail, email);
    expect((await new Client(auth).post("/reset-password", { token, newPassword: "12345678" })).status).toBe(
      200,
    );
    expect((await new Client(auth).signIn(email, "12345678")).status).toBe(200);
  });
});

describe("emailAndPassword.isPasswordCompromised", () => {
  const BREACHED = "breached but rare 77";

  function withHook(hook: (password: string) => Promise<boolean>, options: AuthOptions = {}) {
    return makeAuth({
      ...OPTIONS,
      ...options,
      emailAndPassword: { enabled: true, isPasswordCompromised: hook },
    });
  }

  it("true refuses with 400 PASSWORD_COMPROMISED on sign-up, change and reset; false lets it through", async () => {
    const asked: string[] = [];
    const { auth, mail } = withHook(async (password) => {
      asked.push(password);
      return password === BREACHED;
    });
    expectRefused(await new Client(auth).signUp(uniqueEmail("hook"), BREACHED), "PASSWORD_COMPROMISED");

    const email = uniqueEmail("hook");
    const client = await signedIn(auth, email);
    expectRefused(
      await client.post("/change-password", { currentPassword: PASSWORD, newPassword: BREACHED }),
      "PASSWORD_COMPROMISED",
    );
    const token = await resetToken(auth, mail, email);
    expectRefused(
      await new Client(auth).post("/reset-password", { token, newPassword: BREACHED }),
      "PASSWORD_COMPROMISED",
    );
    expect((await new Client(auth).post("/reset-password", { token, newPassword: UNCOMMON })).status).toBe(
      200,
    );
    expect(asked).toEqual([BREACHED, PASSWORD, BREACHED, BREACHED, UNCOMMON]);
  });

  it("is not asked about a password the length policy or the common list already refuses", async () => {
    const asked: string[] = [];
    const { auth } = withHook(async (password) => {
      asked.push(password);
      return false;
    });
    expectRefused(await new Client(auth).signUp(uniqueEmail("hook"), "short"), "PASSWORD_TOO_SHORT");
    expectRefused(await new Client(auth).signUp(uniqueEmail("hook"), "password1"), "PASSWORD_TOO_COMMON");
    expect(asked).toEqual([]);
  });

  it("fails closed: a throwing hook is 503 PASSWORD_CHECK_UNAVAILABLE, logged, and creates nothing", async () => {
    const { auth, logger } = withHook(async () => {
      throw new Error("breach service down");
    });
    const email = uniqueEmail("hook-down");
    const res = await new Client(auth).signUp(email, UNCOMMON);
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ code: "PASSWORD_CHECK_UNAVAILABLE", message: expect.any(String) });
    expect(JSON.stringify(res.body)).not.toContain("breach service down");
    const logged = logger.lines.filter((line) => line.level === "error");
    expect(logged.some((line) => line.message.includes("isPasswordCompromised"))).toBe(true);
    expect(
      logged.some((line) => line.rest.some((r) => r instanceof Error && r.message === "breach service down")),
    ).toBe(true);
    expect(
      await auth.$context.adapter.findOne({ model: "user", where: [{ field: "email", value: email }] }),
    ).toBe(null);
  });
});

describe("options are checked when createAuth runs", () => {
  it.each([
    ["rejectCommonPasswords", { rejectCommonPasswords: "yes" }],
    ["isPasswordCompromised", { isPasswordCompromised: true }],
  ])("%s of the wrong type is a TypeError naming it", (name, extra) => {
    const options = {
      secret: SECRET,
      emailAndPassword: { enabled: true, ...extra },
    } as unknown as AuthOptions;
    expect(() => createAuth(options)).toThrow(TypeError);
    expect(() => createAuth(options)).toThrow(new RegExp(`emailAndPassword\\.${name}`));
  });
});
