/**
 * The mail server going away (issue #6, item 5.3). Every request that has to send a mail
 * answers 502 EMAIL_DELIVERY_FAILED as JSON while a real SMTP server (smtp-server, behind a
 * TCP proxy) refuses, resets or never greets; nothing is left half-made (no one-time token
 * whose mail never left, so a retry starts clean); and once the server is back the same
 * request succeeds and its link works.
 *
 * Sign-up with required verification: the user and its credential account are created
 * before the mail is sent (one transaction), so when the mail fails the answer is 502, the
 * user exists unverified with no pending token, and signing up again says
 * USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL. The way back is the one Better Auth clients already
 * have: POST /send-verification-email once mail works (or sign in, which resends it).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createAuth } from "../../src/index.js";
import { toNodeHandler } from "../../src/node/index.js";
import { magicLink } from "../../src/plugins/magic-link/index.js";
import { startServer, TEST_SECRET, type TestServer, uniqueEmail } from "../helpers/http.js";
import { startSmtpServer, type TestSmtpServer } from "../helpers/smtp.js";
import { startTcpProxy, type TcpProxy } from "../helpers/tcp-proxy.js";
import { Caller, type Outcome, PASSWORD, tally } from "./support.js";

describe("SMTP outage", () => {
  let smtp: TestSmtpServer;
  let proxy: TcpProxy;
  let server: TestServer;
  let auth: ReturnType<typeof createAuth>;
  const outcomes: Outcome[] = [];
  const logged: unknown[][] = [];

  beforeAll(async () => {
    smtp = await startSmtpServer();
    proxy = await startTcpProxy({ host: "127.0.0.1", port: smtp.port });
    auth = createAuth({
      secret: TEST_SECRET,
      emailAndPassword: { enabled: true, requireEmailVerification: true },
      // Short SMTP timeouts in the URL, so the never-greeting server fails fast here.
      email: {
        from: "Gatehouse <no-reply@example.test>",
        transport: `smtp://127.0.0.1:${proxy.port}?greetingTimeout=500&connectionTimeout=500`,
      },
      plugins: [magicLink()],
      rateLimit: { enabled: false },
      logger: { info() {}, warn() {}, error: (...args: unknown[]) => void logged.push(args) },
    });
    server = await startServer(toNodeHandler(auth));
  });

  afterEach(() => {
    proxy.resume();
    outcomes.length = 0;
  });

  afterAll(async () => {
    await server?.close();
    await proxy?.close();
    await smtp?.close();
  });

  /** One-time tokens stored now, by purpose (`reset-password`, `magic-link` ...). */
  async function tokens(): Promise<string[]> {
    const rows = await auth.$context.store.findMany("verification", []);
    return rows.map((r) => String(r.identifier).split(":")[0]!).sort();
  }

  /** A user who signed up and verified while mail worked. */
  async function verifiedUser(): Promise<{ caller: Caller; email: string }> {
    const caller = new Caller(server.url, outcomes);
    const email = uniqueEmail("smtp");
    const up = await caller.call("setup sign-up", "POST", "/api/auth/sign-up/email", {
      name: "Mail",
      email,
      password: PASSWORD,
    });
    expect(up.status, JSON.stringify(up.body)).toBe(200);
    const mail = await smtp.waitFor(email);
    const verify = await fetch(mail.links.find((l) => l.includes("/verify-email"))!, { redirect: "manual" });
    expect(verify.status).toBe(200);
    return { caller, email };
  }

  function expectDeliveryFailed(o: Outcome): void {
    expect(o.status, `${o.label}: ${JSON.stringify(o.body)}`).toBe(502);
    expect(o.contentType).toContain("application/json");
    expect(o.body).toMatchObject({ code: "EMAIL_DELIVERY_FAILED", message: expect.any(String) });
  }

  /** The mail-sending requests for one verified and one unverified user. */
  async function mailRequests(verified: { caller: Caller; email: string }, unverifiedEmail: string) {
    const anonymous = new Caller(server.url, outcomes);
    return {
      reset: await verified.caller.call(
        "request-password-reset",
        "POST",
        "/api/auth/request-password-reset",
        {
          email: verified.email,
          redirectTo: "/reset",
        },
      ),
      verification: await anonymous.call(
        "send-verification-email",
        "POST",
        "/api/auth/send-verification-email",
        {
          email: unverifiedEmail,
        },
      ),
      magic: await anonymous.call("sign-in/magic-link", "POST", "/api/auth/sign-in/magic-link", {
        email: verified.email,
      }),
    };
  }

  for (const mode of ["reset", "hang"] as const) {
    const what = mode === "reset" ? "refuses connections" : "never greets";
    it(`answers 502 EMAIL_DELIVERY_FAILED while the mail server ${what}, leaves no token, then works again`, async () => {
      const verified = await verifiedUser();
      const before = await tokens();

      proxy.pause(mode);
      // Sign-up with required verification: the user is made, the mail is not.
      const signUpCaller = new Caller(server.url, outcomes);
      const newEmail = uniqueEmail("smtp-new");
      const signUpBody = { name: "New", email: newEmail, password: PASSWORD };
      expectDeliveryFailed(await signUpCaller.call("sign-up", "POST", "/api/auth/sign-up/email", signUpBody));
      const made = await auth.$context.store.findOne("user", [{ field: "email", value: newEmail }]);
      expect(made).toMatchObject({ emailVerified: false });

      const during = await mailRequests(verified, newEmail);
      for (const o of Object.values(during)) expectDeliveryFailed(o);
      // Nothing half-made: no token whose mail never left.
      expect(await tokens()).toEqual(before);
      // Signing up again is refused as for any existing user; the way back is a new mail.
      const again = await signUpCaller.call("sign-up", "POST", "/api/auth/sign-up/email", signUpBody);
      expect(again.body).toMatchObject({ code: "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL" });
      expect(smtp.to(newEmail)).toEqual([]);

      proxy.resume();
      const after = await mailRequests(verified, newEmail);
      for (const o of Object.values(after))
        expect(o.status, `${o.label}: ${JSON.stringify(o.body)}`).toBe(200);

      // Every mail arrived, and every link in them works.
      const [resetMail, magicMail] = [await smtp.waitFor(verified.email), await smtp.waitFor(verified.email)];
      const verifyMail = await smtp.waitFor(newEmail);
      const resetLink = [...resetMail.links, ...magicMail.links].find((l) => l.includes("/reset-password/"))!;
      const magicLinkUrl = [...resetMail.links, ...magicMail.links].find((l) =>
        l.includes("/magic-link/verify"),
      )!;
      const token = new URL(resetLink).pathname.split("/").at(-1)!;
      const reset = await verified.caller.call("reset-password", "POST", "/api/auth/reset-password", {
        token,
        newPassword: `${PASSWORD} renewed`,
      });
      expect(reset.status, JSON.stringify(reset.body)).toBe(200);
      const magic = await new Caller(server.url, outcomes).call(
        "magic-link/verify",
        "POST",
        "/api/auth/magic-link/verify",
        { token: new URL(magicLinkUrl).searchParams.get("token") },
        { accept: "application/json" },
      );
      expect(magic.status, JSON.stringify(magic.body)).toBe(200);
      const verify = await fetch(verifyMail.links.find((l) => l.includes("/verify-email"))!, {
        redirect: "manual",
      });
      expect(verify.status).toBe(200);
      const signIn = await signUpCaller.call("sign-in", "POST", "/api/auth/sign-in/email", {
        email: newEmail,
        password: PASSWORD,
      });
      expect(signIn.status, JSON.stringify(signIn.body)).toBe(200);
      console.info(`smtp ${what}:`, tally(outcomes.filter((o) => !o.label.startsWith("setup"))));
    });
  }

  it("a custom sender that throws leaves no token either (its error is the app's: 500)", async () => {
    const failing = async (): Promise<void> => {
      throw new Error("the app's mail API is down");
    };
    const custom = createAuth({
      secret: TEST_SECRET,
      emailAndPassword: { enabled: true, sendResetPassword: failing },
      emailVerification: { sendVerificationEmail: failing },
      plugins: [magicLink({ sendMagicLink: failing })],
      rateLimit: { enabled: false },
      logger: { info() {}, warn() {}, error() {} },
    });
    const customServer = await startServer(toNodeHandler(custom));
    try {
      const caller = new Caller(customServer.url, outcomes);
      const email = uniqueEmail("smtp-custom");
      const up = await caller.call("sign-up", "POST", "/api/auth/sign-up/email", {
        name: "Custom",
        email,
        password: PASSWORD,
      });
      expect(up.status).toBe(200);
      for (const [path, body] of [
        ["/api/auth/request-password-reset", { email }],
        ["/api/auth/send-verification-email", { email }],
        ["/api/auth/sign-in/magic-link", { email }],
      ] as const) {
        const o = await caller.call(path, "POST", path, body);
        expect(o.status, path).toBe(500);
      }
      expect(await custom.$context.store.findMany("verification", [])).toEqual([]);
    } finally {
      await customServer.close();
    }
  });

  it("answers 502 when nothing listens on the mail port at all", async () => {
    const closed = await startTcpProxy({ host: "127.0.0.1", port: smtp.port });
    const port = closed.port;
    await closed.close(); // the port is free again: connections are refused
    const lonely = createAuth({
      secret: TEST_SECRET,
      emailAndPassword: { enabled: true },
      email: { from: "Gatehouse <no-reply@example.test>", transport: `smtp://127.0.0.1:${port}` },
      rateLimit: { enabled: false },
      logger: { info() {}, warn() {}, error() {} },
    });
    const email = uniqueEmail("smtp-refused");
    const api = "http://localhost:3000/api/auth";
    const headers = { "content-type": "application/json", origin: "http://localhost:3000" };
    const up = await lonely.handler(
      new Request(`${api}/sign-up/email`, {
        method: "POST",
        headers,
        body: JSON.stringify({ name: "Alone", email, password: PASSWORD }),
      }),
    );
    expect(up.status).toBe(200);
    const reset = await lonely.handler(
      new Request(`${api}/request-password-reset`, {
        method: "POST",
        headers,
        body: JSON.stringify({ email }),
      }),
    );
    expect(reset.status).toBe(502);
    expect(await reset.json()).toMatchObject({ code: "EMAIL_DELIVERY_FAILED" });
    expect(await lonely.$context.store.findMany("verification", [])).toEqual([]);
    // An email change mails its link to the new address: the same outcome, and no token left.
    const cookie = up.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; ");
    const change = await lonely.handler(
      new Request(`${api}/change-email`, {
        method: "POST",
        headers: { ...headers, cookie },
        body: JSON.stringify({ newEmail: uniqueEmail("smtp-refused-new") }),
      }),
    );
    expect(change.status).toBe(502);
    expect(await change.json()).toMatchObject({ code: "EMAIL_DELIVERY_FAILED" });
    expect(await lonely.$context.store.findMany("verification", [])).toEqual([]);
  });
});
