import Database from "better-sqlite3";
import bcrypt from "bcryptjs";
import { hashPassword as betterAuthHash } from "better-auth/crypto";
import { afterAll, describe, expect, it, vi } from "vitest";
import { verifyPassword } from "../../src/crypto/password.js";
import { Client, PASSWORD, SESSION_COOKIE, type TestAuth, makeAuth, uniqueEmail } from "../core/harness.js";

async function credentialHash(auth: TestAuth, userId: string): Promise<string> {
  const account = await auth.$context.adapter.findOne({
    model: "account",
    where: [
      { field: "userId", value: userId },
      { field: "providerId", value: "credential" },
    ],
  });
  return String(account?.password);
}

describe("sign-up and sign-in with email and password", () => {
  const { auth } = makeAuth();

  it("signs up (session issued, argon2id stored) then signs in", async () => {
    const email = uniqueEmail("flow");
    const client = new Client(auth);
    const up = await client.signUp(email);
    expect(up.status).toBe(200);
    expect(up.body.user).toMatchObject({ email, name: "Test User", emailVerified: false, image: null });
    expect(typeof up.body.token).toBe("string");
    expect(await credentialHash(auth, up.body.user.id)).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);

    const other = new Client(auth);
    const inRes = await other.signIn(email);
    expect(inRes.status).toBe(200);
    expect(inRes.body).toMatchObject({ redirect: false, user: { email } });
    expect(other.jar.get(SESSION_COOKIE)).toBeTruthy();
    expect((await other.getSession()).body.user.id).toBe(up.body.user.id);
  });

  it("sign-in accepts the email in any case and with spaces", async () => {
    const email = uniqueEmail("case");
    await new Client(auth).signUp(email);
    expect((await new Client(auth).signIn(`  ${email.toUpperCase()} `)).status).toBe(200);
  });

  it("autoSignIn: false -> sign-up returns token null and no cookie", async () => {
    const { auth: noAuto } = makeAuth({ emailAndPassword: { enabled: true, autoSignIn: false } });
    const client = new Client(noAuto);
    const res = await client.signUp(uniqueEmail());
    expect(res.status).toBe(200);
    expect(res.body.token).toBeNull();
    expect(client.jar.get(SESSION_COOKIE)).toBeUndefined();
  });

  it("emailAndPassword disabled -> 400 EMAIL_AND_PASSWORD_DISABLED", async () => {
    const { auth: off } = makeAuth({ emailAndPassword: { enabled: false } });
    const res = await new Client(off).signUp(uniqueEmail());
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("EMAIL_AND_PASSWORD_DISABLED");
  });

  it("the client cannot set protected user fields at sign-up", async () => {
    const email = uniqueEmail("sneaky");
    const res = await new Client(auth).signUp(email, PASSWORD, {
      emailVerified: true,
      id: "chosen-id",
      role: "admin",
    });
    expect(res.status).toBe(200);
    expect(res.body.user.emailVerified).toBe(false);
    expect(res.body.user.id).not.toBe("chosen-id");
    expect(res.body.user.role).toBeUndefined();
  });
});

describe("wrong password and unknown email look the same", () => {
  it("same status and body; the unknown path runs the (dummy) verify", async () => {
    const verify = vi.fn(({ hash, password }: { hash: string; password: string }) =>
      verifyPassword(hash, password),
    );
    const { auth } = makeAuth({ emailAndPassword: { enabled: true, password: { verify } } });
    const email = uniqueEmail("known");
    await auth.api.signUpEmail({ body: { name: "K", email, password: PASSWORD } });
    const client = new Client(auth);

    verify.mockClear();
    const wrong = await client.signIn(email, "wrong password!");
    expect(verify).toHaveBeenCalledTimes(1);
    expect(verify.mock.calls[0]![0].hash).toMatch(/^\$argon2id\$/);

    verify.mockClear();
    const unknown = await client.signIn(uniqueEmail("unknown"), "wrong password!");
    expect(verify).toHaveBeenCalledTimes(1);
    expect(verify.mock.calls[0]![0].password).toBe("wrong password!");

    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual({ code: "INVALID_EMAIL_OR_PASSWORD", message: "Invalid email or password" });
    expect(await unknown.response.text()).toBe(await wrong.response.text());
    expect([...unknown.headers.keys()].sort()).toEqual([...wrong.headers.keys()].sort());
  });

  it("logs median timings of both paths (informational, not asserted)", async () => {
    const { auth } = makeAuth();
    const email = uniqueEmail("timing");
    await auth.api.signUpEmail({ body: { name: "T", email, password: PASSWORD } });
    const client = new Client(auth);
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const time = async (mail: string) => {
      const out: number[] = [];
      for (let i = 0; i < 5; i++) {
        const t = performance.now();
        const res = await client.signIn(mail, "not the password");
        out.push(performance.now() - t);
        expect(res.status).toBe(401);
      }
      return median(out);
    };
    const wrongMs = await time(email);
    const unknownMs = await time(uniqueEmail("nobody"));
    console.info(
      `sign-in median: wrong password ${wrongMs.toFixed(1)} ms, unknown email ${unknownMs.toFixed(1)} ms`,
    );
  });
});

describe("password policy", () => {
  const { auth } = makeAuth();

  it.each([
    ["7 characters", "a".repeat(7), 400, "PASSWORD_TOO_SHORT"],
    ["129 characters", "a".repeat(129), 400, "PASSWORD_TOO_LONG"],
    // Eight of one letter is on the common-password list; this one is not.
    ["8 characters", "x7".repeat(4), 200, undefined],
    ["128 characters", "a".repeat(128), 200, undefined],
  ])("%s", async (_label, password, status, code) => {
    const res = await new Client(auth).signUp(uniqueEmail("policy"), password);
    expect(res.status).toBe(status);
    if (code) expect(res.body.code).toBe(code);
  });

  it("custom min/max lengths apply", async () => {
    const { auth: custom } = makeAuth({
      emailAndPassword: { enabled: true, minPasswordLength: 12, maxPasswordLength: 20 },
    });
    expect((await new Client(custom).signUp(uniqueEmail(), "a".repeat(11))).body.code).toBe(
      "PASSWORD_TOO_SHORT",
    );
    expect((await new Client(custom).signUp(uniqueEmail(), "a".repeat(21))).body.code).toBe(
      "PASSWORD_TOO_LONG",
    );
    expect((await new Client(custom).signUp(uniqueEmail(), "a".repeat(12))).status).toBe(200);
  });
});

describe("duplicate email", () => {
  it("422 USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL, case-insensitively", async () => {
    const { auth } = makeAuth();
    const email = uniqueEmail("dup");
    const first = await new Client(auth).signUp(email.toUpperCase());
    expect(first.status).toBe(200);
    expect(first.body.user.email).toBe(email);
    const second = await new Client(auth).signUp(email);
    expect(second.status).toBe(422);
    expect(second.body.code).toBe("USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL");
    const third = await new Client(auth).signUp(`  ${email.replace(/^./, (c) => c.toUpperCase())}`);
    expect(third.status).toBe(422);
    expect(await auth.$context.adapter.count({ model: "user" })).toBe(1);
  });
});

describe.each(["memory", "sqlite"] as const)("a failing write leaves no half-made user (%s)", (kind) => {
  const db = kind === "sqlite" ? new Database(":memory:") : undefined;
  afterAll(() => db?.close());

  async function build(before: () => unknown) {
    const { auth } = makeAuth({
      database: db,
      databaseHooks: { account: { create: { before: before as never } } },
    });
    await auth.migrate();
    return auth;
  }

  it("account.create.before returning false", async () => {
    const auth = await build(() => false);
    const email = uniqueEmail("half");
    const res = await new Client(auth).signUp(email);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(
      await auth.$context.adapter.findOne({ model: "user", where: [{ field: "email", value: email }] }),
    ).toBeNull();
    expect(await auth.$context.adapter.count({ model: "account" })).toBe(0);
    expect(await auth.$context.adapter.count({ model: "session" })).toBe(0);
  });

  it("account.create.before throwing", async () => {
    const auth = await build(() => {
      throw new Error("disk full");
    });
    const email = uniqueEmail("half");
    const res = await new Client(auth).signUp(email);
    expect(res.status).toBe(500);
    expect(res.body.code).toBe("INTERNAL_SERVER_ERROR");
    expect(
      await auth.$context.adapter.findOne({ model: "user", where: [{ field: "email", value: email }] }),
    ).toBeNull();
    // The address is still free afterwards.
    const { auth: healthy } = makeAuth({ database: db });
    if (db) expect((await new Client(healthy).signUp(email)).status).toBe(200);
  });
});

describe("imported password hashes are verified and upgraded to argon2id", () => {
  const { auth } = makeAuth();

  async function userWithHash(hash: string): Promise<{ email: string; id: string }> {
    const email = uniqueEmail("legacy");
    const { user } = await auth.api.signUpEmail({
      body: { name: "L", email, password: "placeholder-password" },
    });
    await auth.$context.adapter.update({
      model: "account",
      where: [
        { field: "userId", value: user.id },
        { field: "providerId", value: "credential" },
      ],
      update: { password: hash },
    });
    return { email, id: user.id };
  }

  it("Better Auth scrypt", async () => {
    const hash = await betterAuthHash("legacy scrypt password");
    expect(hash).toMatch(/^[0-9a-f]{32}:[0-9a-f]{128}$/);
    const { email, id } = await userWithHash(hash);
    expect((await new Client(auth).signIn(email, "wrong scrypt password")).status).toBe(401);
    expect(await credentialHash(auth, id)).toBe(hash);
    expect((await new Client(auth).signIn(email, "legacy scrypt password")).status).toBe(200);
    const upgraded = await credentialHash(auth, id);
    expect(upgraded).toMatch(/^\$argon2id\$/);
    expect((await new Client(auth).signIn(email, "legacy scrypt password")).status).toBe(200);
  });

  it("bcrypt ($2a$ / $2b$ / PHP's $2y$)", async () => {
    const made = bcrypt.hashSync("legacy bcrypt password", 4);
    for (const variant of ["2a", "2b", "2y"] as const) {
      // The three prefixes share one format; other systems write $2a$ (Node, Ruby) and $2y$ (PHP).
      const hash = made.replace(/^\$2[aby]\$/, `$${variant}$`);
      expect(hash.startsWith(`$${variant}$04$`)).toBe(true);
      const { email, id } = await userWithHash(hash);
      expect((await new Client(auth).signIn(email, "wrong bcrypt password")).status).toBe(401);
      expect((await new Client(auth).signIn(email, "legacy bcrypt password")).status).toBe(200);
      expect(await credentialHash(auth, id)).toMatch(/^\$argon2id\$/);
    }
  });
});
