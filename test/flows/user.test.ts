import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  Client,
  PASSWORD,
  SESSION_COOKIE,
  type TestAuth,
  makeAuth,
  sha256Hex,
  uniqueEmail,
} from "../core/harness.js";

const NEW_PASSWORD = "my new password 42";

async function signedIn(auth: TestAuth, email = uniqueEmail()): Promise<Client> {
  const client = new Client(auth);
  const res = await client.signUp(email);
  expect(res.status).toBe(200);
  return client;
}

async function sessionsOf(auth: TestAuth, userId: string) {
  return auth.$context.adapter.findMany({ model: "session", where: [{ field: "userId", value: userId }] });
}

describe("change-password", () => {
  const { auth } = makeAuth();

  it("wrong current password -> 400 INVALID_PASSWORD; the password stays", async () => {
    const email = uniqueEmail();
    const client = await signedIn(auth, email);
    const res = await client.post("/change-password", {
      currentPassword: "not my password",
      newPassword: NEW_PASSWORD,
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("INVALID_PASSWORD");
    expect((await new Client(auth).signIn(email, PASSWORD)).status).toBe(200);
  });

  it("needs a session", async () => {
    const res = await new Client(auth).post("/change-password", {
      currentPassword: PASSWORD,
      newPassword: NEW_PASSWORD,
    });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe("UNAUTHORIZED");
  });

  it("applies the password policy to the new password", async () => {
    const client = await signedIn(auth);
    const res = await client.post("/change-password", { currentPassword: PASSWORD, newPassword: "short" });
    expect(res.body.code).toBe("PASSWORD_TOO_SHORT");
  });

  it("changes the password and keeps other sessions by default", async () => {
    const email = uniqueEmail();
    const client = await signedIn(auth, email);
    const other = new Client(auth);
    await other.signIn(email);
    const res = await client.post("/change-password", {
      currentPassword: PASSWORD,
      newPassword: NEW_PASSWORD,
    });
    expect(res.status).toBe(200);
    expect(res.body.token).toBeNull();
    expect(res.body.user.email).toBe(email);
    expect((await other.getSession()).body).not.toBeNull();
    expect((await new Client(auth).signIn(email, PASSWORD)).status).toBe(401);
    expect((await new Client(auth).signIn(email, NEW_PASSWORD)).status).toBe(200);
  });

  it("revokeOtherSessions keeps only the new session", async () => {
    const email = uniqueEmail();
    const client = await signedIn(auth, email);
    const userId = (await client.getSession()).body.user.id;
    const b = new Client(auth);
    const c = new Client(auth);
    await b.signIn(email);
    await c.signIn(email);
    const oldCookie = client.jar.get(SESSION_COOKIE);
    expect(await sessionsOf(auth, userId)).toHaveLength(3);

    const res = await client.post("/change-password", {
      currentPassword: PASSWORD,
      newPassword: NEW_PASSWORD,
      revokeOtherSessions: true,
    });
    expect(res.status).toBe(200);
    expect(typeof res.body.token).toBe("string");
    expect(client.jar.get(SESSION_COOKIE)).not.toBe(oldCookie);

    const rows = await sessionsOf(auth, userId);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.token).toBe(sha256Hex(res.body.token));
    expect((await client.getSession()).body.user.id).toBe(userId);
    expect((await b.getSession()).body).toBeNull();
    expect((await c.getSession()).body).toBeNull();
  });
});

describe("change-email", () => {
  it("mails a link to the new address; following it applies the change", async () => {
    const { auth, mail } = makeAuth();
    const oldEmail = uniqueEmail("old");
    const newEmail = uniqueEmail("new");
    const client = await signedIn(auth, oldEmail);
    const res = await client.post("/change-email", {
      newEmail: newEmail.toUpperCase(),
      callbackURL: "/settings",
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: true });
    expect(mail.last(oldEmail)).toBeUndefined();
    const message = mail.last(newEmail)!;
    expect(message.subject).toContain("Confirm your new email");
    expect(message.text).toContain(newEmail);

    // Nothing changes until the link is followed.
    expect((await client.getSession()).body.user.email).toBe(oldEmail);

    const followed = await new Client(auth).get(mail.link(newEmail));
    expect(followed.status).toBe(302);
    expect(followed.headers.get("location")).toBe("/settings");
    const session = await client.getSession();
    expect(session.body.user).toMatchObject({ email: newEmail, emailVerified: true });
    expect((await new Client(auth).signIn(oldEmail)).status).toBe(401);
    expect((await new Client(auth).signIn(newEmail)).status).toBe(200);

    // Single use.
    const again = await new Client(auth).get(mail.link(newEmail).replace(/&callbackURL=[^&]*/, ""));
    expect(again.status).toBe(401);
  });

  it("an address already in use gets the same answer and no mail", async () => {
    const { auth, mail } = makeAuth();
    const taken = uniqueEmail("taken");
    await signedIn(auth, taken);
    const client = await signedIn(auth);
    const res = await client.post("/change-email", { newEmail: taken });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: true });
    expect(mail.messages.filter((m) => m.to === taken)).toHaveLength(0);
  });

  it("the same address is refused; without a session 401", async () => {
    const { auth } = makeAuth();
    const email = uniqueEmail();
    const client = await signedIn(auth, email);
    expect((await client.post("/change-email", { newEmail: email })).status).toBe(400);
    expect((await new Client(auth).post("/change-email", { newEmail: uniqueEmail() })).status).toBe(401);
  });

  it("user.changeEmail.enabled: false turns it off", async () => {
    const { auth } = makeAuth({ user: { changeEmail: { enabled: false } } });
    const client = await signedIn(auth);
    const res = await client.post("/change-email", { newEmail: uniqueEmail() });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("EMAIL_CAN_NOT_BE_UPDATED");
  });
});

describe("update-user", () => {
  const { auth } = makeAuth({
    user: {
      additionalFields: {
        favoriteColor: { type: "string", required: false },
        role: { type: "string", required: false, input: false, defaultValue: "member" },
      },
    },
  });

  it("updates the name and client-settable additional fields", async () => {
    const client = new Client(auth);
    const up = await client.signUp(uniqueEmail(), PASSWORD, { favoriteColor: "green", role: "admin" });
    expect(up.status).toBe(200);
    expect(up.body.user.favoriteColor).toBe("green");
    expect(up.body.user.role).toBe("member");

    const res = await client.post("/update-user", { name: "New Name", favoriteColor: "blue", role: "admin" });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: true });
    const session = await client.getSession();
    expect(session.body.user).toMatchObject({ name: "New Name", favoriteColor: "blue", role: "member" });
  });

  it("refuses an email change, an empty update and a missing session", async () => {
    const email = uniqueEmail();
    const client = await signedIn(auth, email);
    const res = await client.post("/update-user", { email: uniqueEmail() });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("EMAIL_CAN_NOT_BE_UPDATED");
    expect((await client.getSession()).body.user.email).toBe(email);
    expect((await client.post("/update-user", {})).status).toBe(400);
    expect((await client.post("/update-user", { emailVerified: true })).status).toBe(400);
    expect((await client.getSession()).body.user.emailVerified).toBe(false);
    expect((await new Client(auth).post("/update-user", { name: "x" })).status).toBe(401);
  });
});

describe("additional fields are type-checked (sqlite)", () => {
  const db = new Database(":memory:");
  afterAll(() => db.close());
  const { auth } = makeAuth({
    database: db,
    user: {
      additionalFields: {
        favoriteColor: { type: "string", required: false },
        age: { type: "number", required: false },
      },
    },
  });
  beforeAll(async () => {
    await auth.migrate();
  });

  it("a wrong type is a 400 naming the field, at sign-up and update-user", async () => {
    const up = await new Client(auth).signUp(uniqueEmail(), PASSWORD, { favoriteColor: { $ne: 1 } });
    expect(up.status).toBe(400);
    expect(up.body).toMatchObject({ code: "VALIDATION_ERROR", field: "body.favoriteColor" });
    expect(await auth.$context.adapter.count({ model: "user" })).toBe(0);

    const client = new Client(auth);
    expect((await client.signUp(uniqueEmail(), PASSWORD, { favoriteColor: "red", age: 30 })).status).toBe(
      200,
    );
    const bad = await client.post("/update-user", { age: "thirty" });
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe("body.age");
    const good = await client.post("/update-user", { age: 31, favoriteColor: null });
    expect(good.status).toBe(200);
    expect((await client.getSession()).body.user).toMatchObject({ age: 31, favoriteColor: null });
  });
});

describe("delete-user", () => {
  it("with the password: user, accounts and sessions gone, cookies cleared", async () => {
    const { auth } = makeAuth();
    const email = uniqueEmail();
    const client = await signedIn(auth, email);
    const other = new Client(auth);
    await other.signIn(email);
    const userId = (await client.getSession()).body.user.id;

    const wrong = await client.post("/delete-user", { password: "not the password" });
    expect(wrong.status).toBe(400);
    expect(wrong.body.code).toBe("INVALID_PASSWORD");

    const res = await client.post("/delete-user", { password: PASSWORD });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ success: true });
    expect(client.jar.get(SESSION_COOKIE)).toBeUndefined();
    const { adapter } = auth.$context;
    expect(await adapter.findOne({ model: "user", where: [{ field: "id", value: userId }] })).toBeNull();
    expect(await adapter.count({ model: "account", where: [{ field: "userId", value: userId }] })).toBe(0);
    expect(await adapter.count({ model: "session", where: [{ field: "userId", value: userId }] })).toBe(0);
    expect((await other.getSession()).body).toBeNull();
    expect((await new Client(auth).signIn(email)).status).toBe(401);
  });

  it("with a fresh session and no password", async () => {
    const { auth } = makeAuth();
    const client = await signedIn(auth);
    const res = await client.post("/delete-user", {});
    expect(res.status).toBe(200);
    expect(await auth.$context.adapter.count({ model: "user" })).toBe(0);
  });

  it("with no body at all, and refused without a session", async () => {
    const { auth } = makeAuth();
    expect((await new Client(auth).post("/delete-user")).status).toBe(401);
    const client = await signedIn(auth);
    expect((await client.post("/delete-user")).status).toBe(200);
  });

  it("user.deleteUser.enabled: false -> 404", async () => {
    const { auth } = makeAuth({ user: { deleteUser: { enabled: false } } });
    const client = await signedIn(auth);
    expect((await client.post("/delete-user", { password: PASSWORD })).status).toBe(404);
    expect(await auth.$context.adapter.count({ model: "user" })).toBe(1);
  });
});

describe("session management endpoints", () => {
  async function threeSessions(auth: TestAuth) {
    const email = uniqueEmail("multi");
    const a = await signedIn(auth, email);
    const b = new Client(auth);
    const c = new Client(auth);
    await b.signIn(email);
    await c.signIn(email);
    return { a, b, c, email };
  }

  it("list-sessions lists the user's sessions with hashed tokens only", async () => {
    const { auth } = makeAuth();
    const { a } = await threeSessions(auth);
    await signedIn(auth); // someone else
    const res = await a.get("/list-sessions");
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(3);
    const rawToken = a.jar.get(SESSION_COOKIE)!.split(".")[0]!;
    expect(JSON.stringify(res.body)).not.toContain(rawToken);
    expect(res.body.map((s: { token: string }) => s.token)).toContain(sha256Hex(rawToken));
    expect((await new Client(auth).get("/list-sessions")).status).toBe(401);
  });

  it("revoke-session by a listed token removes that session only", async () => {
    const { auth } = makeAuth();
    const { a, b, c } = await threeSessions(auth);
    const bHash = (await b.getSession()).body.session.token;
    const listed = (await a.get("/list-sessions")).body as { token: string }[];
    expect(listed.map((s) => s.token)).toContain(bHash);
    const res = await a.post("/revoke-session", { token: bHash });
    expect(res.status).toBe(200);
    expect((await b.getSession()).body).toBeNull();
    expect((await a.getSession()).body).not.toBeNull();
    expect((await c.getSession()).body).not.toBeNull();
  });

  it("revoke-session cannot touch another user's session", async () => {
    const { auth } = makeAuth();
    const mallory = await signedIn(auth);
    const victim = await signedIn(auth);
    const victimHash = (await victim.getSession()).body.session.token;
    expect((await mallory.post("/revoke-session", { token: victimHash })).status).toBe(200);
    expect((await victim.getSession()).body).not.toBeNull();
  });

  it("revoke-other-sessions keeps the current one", async () => {
    const { auth } = makeAuth();
    const { a, b, c } = await threeSessions(auth);
    const res = await a.post("/revoke-other-sessions");
    expect(res.status).toBe(200);
    expect((await a.getSession()).body).not.toBeNull();
    expect((await b.getSession()).body).toBeNull();
    expect((await c.getSession()).body).toBeNull();
    expect((await a.get("/list-sessions")).body).toHaveLength(1);
  });

  it("revoke-sessions removes all, the current one included, and clears the cookie", async () => {
    const { auth } = makeAuth();
    const { a, b } = await threeSessions(auth);
    const res = await a.post("/revoke-sessions");
    expect(res.status).toBe(200);
    expect(a.jar.get(SESSION_COOKIE)).toBeUndefined();
    expect(await auth.$context.adapter.count({ model: "session" })).toBe(0);
    expect((await b.getSession()).body).toBeNull();
  });
});
