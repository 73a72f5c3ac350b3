import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { Client, PASSWORD, type TestAuth, makeAuth, uniqueEmail } from "../core/harness.js";
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

const NEW_PASSWORD = "a brand new password";

function build(options: { resetPasswordTokenExpiresIn?: number } = {}): TestAuth {
  return makeAuth({
    emailAndPassword: { enabled: true, ...options },
    email: { from: "Test <no-reply@example.test>", transport: smtp.url },
  }).auth;
}

async function requestReset(
  auth: TestAuth,
  email: string,
  redirectTo = "/reset",
): Promise<{ link: string; token: string }> {
  const res = await new Client(auth).post("/request-password-reset", { email, redirectTo });
  expect(res.status).toBe(200);
  const mail = await smtp.waitFor(email);
  const link = mail.links.find((l) => l.includes("/reset-password/"));
  if (!link) throw new Error("no reset link");
  const token = new URL(link).pathname.split("/").at(-1)!;
  return { link, token };
}

describe("password reset over a real SMTP server", () => {
  it("request -> mail -> GET link redirects with the token -> POST sets the password and revokes sessions", async () => {
    const auth = build();
    const email = uniqueEmail("reset");
    const signedIn = new Client(auth);
    await signedIn.signUp(email);
    const other = new Client(auth);
    await other.signIn(email);
    expect(await auth.$context.adapter.count({ model: "session" })).toBe(2);

    const { link, token } = await requestReset(auth, email);
    expect(link.startsWith("http://localhost:3000/api/auth/reset-password/")).toBe(true);
    expect(new URL(link).searchParams.get("callbackURL")).toBe("/reset");
    expect(token).toMatch(/^[A-Za-z0-9_-]{43,}$/);
    expect(smtp.to(email).at(-1)!.subject).toContain("Reset your");

    const browser = new Client(auth);
    const landing = await browser.get(link);
    expect(landing.status).toBe(302);
    expect(landing.headers.get("location")).toBe(`/reset?token=${token}`);
    // Looking at the link does not consume it.
    expect((await browser.get(link)).headers.get("location")).toBe(`/reset?token=${token}`);

    const done = await browser.post("/reset-password", { token, newPassword: NEW_PASSWORD });
    expect(done.status).toBe(200);
    expect(done.body).toEqual({ status: true });

    expect(await auth.$context.adapter.count({ model: "session" })).toBe(0);
    expect((await signedIn.getSession()).body).toBeNull();
    expect((await other.getSession()).body).toBeNull();

    expect((await new Client(auth).signIn(email, PASSWORD)).status).toBe(401);
    expect((await new Client(auth).signIn(email, NEW_PASSWORD)).status).toBe(200);

    const reuse = await browser.post("/reset-password", { token, newPassword: "yet another password" });
    expect(reuse.status).toBe(400);
    expect(reuse.body.code).toBe("INVALID_TOKEN");
    const stale = await browser.get(link);
    expect(stale.headers.get("location")).toBe("/reset?error=INVALID_TOKEN");
    expect((await new Client(auth).signIn(email, NEW_PASSWORD)).status).toBe(200);
  });

  it("two concurrent resets with one token: exactly one wins", async () => {
    const auth = build();
    const email = uniqueEmail("race");
    await new Client(auth).signUp(email);
    const { token } = await requestReset(auth, email);
    const results = await Promise.all(
      ["first racing password", "second racing password"].map((newPassword) =>
        new Client(auth).post("/reset-password", { token, newPassword }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 400]);
    const winner = results[0]!.status === 200 ? "first racing password" : "second racing password";
    expect((await new Client(auth).signIn(email, winner)).status).toBe(200);
  });

  it("unknown email: the same answer, and no mail", async () => {
    const auth = build();
    const known = uniqueEmail("known");
    await new Client(auth).signUp(known);
    const before = smtp.messages.length;
    const unknown = uniqueEmail("ghost");
    const rowsBefore = await auth.$context.adapter.count({ model: "verification" });
    const a = await new Client(auth).post("/request-password-reset", {
      email: unknown,
      redirectTo: "/reset",
    });
    // Nothing is stored for an unknown email.
    expect(await auth.$context.adapter.count({ model: "verification" })).toBe(rowsBefore);
    const b = await new Client(auth).post("/request-password-reset", { email: known, redirectTo: "/reset" });
    expect(a.status).toBe(200);
    expect(a.status).toBe(b.status);
    expect(await a.response.text()).toBe(await b.response.text());
    await smtp.waitFor(known);
    expect(smtp.to(unknown)).toHaveLength(0);
    expect(smtp.messages.length).toBe(before + 1);
  });

  it("reset tokens expire", async () => {
    const auth = build({ resetPasswordTokenExpiresIn: 60 });
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() });
    const email = uniqueEmail("expire");
    await new Client(auth).signUp(email);
    const { link, token } = await requestReset(auth, email);
    vi.setSystemTime(Date.now() + 61_000);
    expect((await new Client(auth).get(link)).headers.get("location")).toBe("/reset?error=INVALID_TOKEN");
    const res = await new Client(auth).post("/reset-password", { token, newPassword: NEW_PASSWORD });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("INVALID_TOKEN");
    expect((await new Client(auth).signIn(email)).status).toBe(200);
  });

  it("the new password must follow the policy (and the token survives a refused attempt)", async () => {
    const auth = build();
    const email = uniqueEmail("policy");
    await new Client(auth).signUp(email);
    const { token } = await requestReset(auth, email);
    const short = await new Client(auth).post("/reset-password", { token, newPassword: "short" });
    expect(short.status).toBe(400);
    expect(short.body.code).toBe("PASSWORD_TOO_SHORT");
    expect(
      (await new Client(auth).post("/reset-password", { token, newPassword: NEW_PASSWORD })).status,
    ).toBe(200);
  });

  it("a token of one user's reset cannot verify an email, and vice versa", async () => {
    const auth = build();
    const email = uniqueEmail("cross");
    await new Client(auth).signUp(email);
    const { token } = await requestReset(auth, email);
    const res = await new Client(auth).get(`/verify-email?token=${token}`);
    expect(res.status).toBe(401);
    expect(
      (await new Client(auth).post("/reset-password", { token, newPassword: NEW_PASSWORD })).status,
    ).toBe(200);
  });

  it("an open-redirect redirectTo / callbackURL is refused", async () => {
    const auth = build();
    const email = uniqueEmail("redirect");
    await new Client(auth).signUp(email);
    const res = await new Client(auth).post("/request-password-reset", {
      email,
      redirectTo: "https://evil.example/steal",
    });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe("INVALID_REDIRECT_URL");
    const { token } = await requestReset(auth, email);
    const link = await new Client(auth).get(
      `/reset-password/${token}?callbackURL=${encodeURIComponent("//evil.example")}`,
    );
    expect(link.status).toBe(403);
    expect(link.body.code).toBe("INVALID_CALLBACK_URL");
  });

  it("resetPassword: false turns the endpoint off", async () => {
    const { auth } = makeAuth({ emailAndPassword: { enabled: true, resetPassword: false } });
    const email = uniqueEmail();
    await new Client(auth).signUp(email);
    const res = await new Client(auth).post("/request-password-reset", { email });
    expect(res.status).toBe(400);
  });
});
