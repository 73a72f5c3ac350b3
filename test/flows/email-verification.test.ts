import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { Client, PASSWORD, SESSION_COOKIE, type TestAuth, makeAuth, uniqueEmail } from "../core/harness.js";
import { type TestSmtpServer, startSmtpServer } from "../helpers/smtp.js";

let smtp: TestSmtpServer;
beforeAll(async () => {
  smtp = await startSmtpServer();
});
afterAll(async () => {
  await smtp.close();
});
afterEach(() => {
  vi.useRealTimers();
});

const FROM = "Gatehouse Test <no-reply@example.test>";

function build(options: { autoSignInAfterVerification?: boolean; expiresIn?: number } = {}): TestAuth {
  return makeAuth({
    emailAndPassword: { enabled: true, requireEmailVerification: true },
    emailVerification: { ...options },
    email: { from: FROM, transport: smtp.url },
  }).auth;
}

function verifyLink(links: readonly string[]): string {
  const link = links.find((l) => l.includes("/verify-email?"));
  if (!link) throw new Error(`no verification link in ${JSON.stringify(links)}`);
  return link;
}

describe("requireEmailVerification over a real SMTP server", () => {
  it("sign-up -> token null; sign-in -> 403 until the mailed link is followed; then sign-in works", async () => {
    const auth = build();
    const email = uniqueEmail("verify");
    const client = new Client(auth);

    const up = await client.signUp(email);
    expect(up.status).toBe(200);
    expect(up.body.token).toBeNull();
    expect(up.body.user.emailVerified).toBe(false);
    expect(client.jar.get(SESSION_COOKIE)).toBeUndefined();

    const mail = await smtp.waitFor(email);
    expect(mail.from).toBe("no-reply@example.test");
    expect(mail.subject).toContain("Confirm your email");
    const link = verifyLink(mail.links);
    expect(link.startsWith("http://localhost:3000/api/auth/verify-email?token=")).toBe(true);

    const denied = await client.signIn(email);
    expect(denied.status).toBe(403);
    expect(denied.body.code).toBe("EMAIL_NOT_VERIFIED");
    expect(client.jar.get(SESSION_COOKIE)).toBeUndefined();
    // A fresh link is mailed on the refused sign-in.
    await smtp.waitFor(email);

    const followed = await client.get(link);
    expect(followed.status).toBe(200);
    expect(followed.body).toMatchObject({ status: true });
    expect(client.jar.get(SESSION_COOKIE)).toBeUndefined();
    const row = await auth.$context.adapter.findOne({
      model: "user",
      where: [{ field: "email", value: email }],
    });
    expect(row?.emailVerified).toBe(true);

    const again = await client.get(link);
    expect(again.status).toBe(401);
    expect(again.body.code).toBe("INVALID_TOKEN");

    const ok = await client.signIn(email);
    expect(ok.status).toBe(200);
    expect((await client.getSession()).body.user.emailVerified).toBe(true);
  });

  it("with a callbackURL the link redirects there (and there with ?error= when reused)", async () => {
    const auth = build();
    const email = uniqueEmail("cb");
    const client = new Client(auth);
    await client.signUp(email, PASSWORD, { callbackURL: "/welcome?from=mail" });
    const link = verifyLink((await smtp.waitFor(email)).links);
    expect(new URL(link).searchParams.get("callbackURL")).toBe("/welcome?from=mail");
    const res = await client.get(link);
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/welcome?from=mail");
    const reused = await client.get(link);
    expect(reused.status).toBe(302);
    expect(reused.headers.get("location")).toBe("/welcome?from=mail&error=INVALID_TOKEN");
  });

  it("autoSignInAfterVerification sets a session cookie", async () => {
    const auth = build({ autoSignInAfterVerification: true });
    const email = uniqueEmail("auto");
    await new Client(auth).signUp(email);
    const link = verifyLink((await smtp.waitFor(email)).links);
    const browser = new Client(auth);
    const res = await browser.get(link);
    expect(res.status).toBe(200);
    expect(browser.jar.get(SESSION_COOKIE)).toBeTruthy();
    const session = await browser.getSession();
    expect(session.body.user).toMatchObject({ email, emailVerified: true });
  });

  it("links expire", async () => {
    const auth = build({ expiresIn: 60 });
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() });
    const email = uniqueEmail("expire");
    await new Client(auth).signUp(email);
    const link = verifyLink((await smtp.waitFor(email)).links);
    vi.setSystemTime(Date.now() + 61_000);
    const res = await new Client(auth).get(link);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe("TOKEN_EXPIRED");
    const row = await auth.$context.adapter.findOne({
      model: "user",
      where: [{ field: "email", value: email }],
    });
    expect(row?.emailVerified).toBe(false);
  });

  it("a HEAD probe (link checker) does not use the link up", async () => {
    const auth = build();
    const email = uniqueEmail("probe");
    await new Client(auth).signUp(email);
    const link = verifyLink((await smtp.waitFor(email)).links);
    const probe = await new Client(auth).request("HEAD", link);
    expect(probe.status).toBe(200);
    const row = await auth.$context.adapter.findOne({
      model: "user",
      where: [{ field: "email", value: email }],
    });
    expect(row?.emailVerified).toBe(false);
    expect((await new Client(auth).get(link)).status).toBe(200);
  });

  it("expired tokens are cleared from the table when new ones are made", async () => {
    const auth = build({ expiresIn: 60 });
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() });
    await new Client(auth).signUp(uniqueEmail("old"));
    expect(await auth.$context.adapter.count({ model: "verification" })).toBe(1);
    vi.setSystemTime(Date.now() + 61_000);
    await new Client(auth).signUp(uniqueEmail("new"));
    expect(await auth.$context.adapter.count({ model: "verification" })).toBe(1);
  });

  it("a forged or truncated token is refused", async () => {
    const auth = build();
    const email = uniqueEmail("forge");
    await new Client(auth).signUp(email);
    const link = new URL(verifyLink((await smtp.waitFor(email)).links));
    const token = link.searchParams.get("token")!;
    for (const bad of [token.slice(0, -1), `${token}x`, "a".repeat(43), "short"]) {
      const res = await new Client(auth).get(`/verify-email?token=${encodeURIComponent(bad)}`);
      expect(res.status, bad).toBe(401);
      expect(res.body.code).toBe("INVALID_TOKEN");
    }
    // The genuine link still works afterwards.
    expect((await new Client(auth).get(link.href)).status).toBe(200);
  });

  it("send-verification-email answers the same for unknown emails and mails only known ones", async () => {
    const auth = build();
    const known = uniqueEmail("resend");
    await new Client(auth).signUp(known);
    await smtp.waitFor(known);
    const before = smtp.messages.length;
    const unknown = uniqueEmail("ghost");
    const a = await new Client(auth).post("/send-verification-email", { email: known });
    const b = await new Client(auth).post("/send-verification-email", { email: unknown });
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    expect(a.body).toEqual(b.body);
    await smtp.waitFor(known);
    expect(smtp.to(unknown)).toHaveLength(0);
    expect(smtp.messages.length).toBe(before + 1);
  });
});
