import { describe, expect, it, vi } from "vitest";
import { createAuth } from "../../src/index.js";
import type { EmailMessage } from "../../src/index.js";
import { Client, SECRET, capturingLogger, makeAuth, uniqueEmail, withEnv } from "../core/harness.js";

describe("function transport", () => {
  it("gets the message with from, to, subject, text and html carrying the link", async () => {
    const sent: EmailMessage[] = [];
    const { auth } = makeAuth({
      appName: "Acme",
      email: { from: "Acme <hello@acme.example>", transport: async (m) => void sent.push(m) },
    });
    const email = uniqueEmail("fn");
    await new Client(auth).signUp(email);
    const res = await new Client(auth).post("/request-password-reset", { email, redirectTo: "/reset" });
    expect(res.status).toBe(200);
    expect(sent).toHaveLength(1);
    const [m] = sent;
    expect(m).toMatchObject({ to: email, from: "Acme <hello@acme.example>" });
    expect(m!.subject).toBe("Reset your Acme password");
    const link = m!.text.match(/https?:\/\/\S+/)![0];
    expect(link).toMatch(
      /^http:\/\/localhost:3000\/api\/auth\/reset-password\/[A-Za-z0-9_-]{43,}\?callbackURL=%2Freset$/,
    );
    expect(m!.html).toContain(link.replace(/&/g, "&amp;"));
  });

  it("a failing transport answers 502 EMAIL_DELIVERY_FAILED and logs the cause", async () => {
    const { auth, logger } = makeAuth({
      email: {
        transport: async () => {
          throw new Error("SMTP 554 relay denied");
        },
      },
    });
    const email = uniqueEmail();
    await new Client(auth).signUp(email);
    const res = await new Client(auth).post("/request-password-reset", { email });
    expect(res.status).toBe(502);
    expect(res.body.code).toBe("EMAIL_DELIVERY_FAILED");
    expect(JSON.stringify(res.body)).not.toContain("relay denied");
    expect(logger.lines.some((l) => l.level === "error")).toBe(true);
  });
});

describe("override hooks", () => {
  it("emailVerification.sendVerificationEmail replaces the built-in mail", async () => {
    const transport = vi.fn(async () => undefined);
    const sendVerificationEmail = vi.fn(
      async (_data: { user: { email: string }; url: string; token: string }, _request?: Request) => undefined,
    );
    const { auth } = makeAuth({
      emailAndPassword: { enabled: true, requireEmailVerification: true },
      emailVerification: { sendVerificationEmail },
      email: { transport },
    });
    const email = uniqueEmail("hook");
    await new Client(auth).signUp(email);
    expect(transport).not.toHaveBeenCalled();
    expect(sendVerificationEmail).toHaveBeenCalledTimes(1);
    const [data, request] = sendVerificationEmail.mock.calls[0]!;
    expect(data.user.email).toBe(email);
    expect(new URL(data.url).searchParams.get("token")).toBe(data.token);
    expect(request).toBeInstanceOf(Request);
    expect((await new Client(auth).get(data.url)).status).toBe(200);
    expect((await new Client(auth).signIn(email)).status).toBe(200);
  });

  it("emailAndPassword.sendResetPassword replaces the built-in mail", async () => {
    const transport = vi.fn(async () => undefined);
    const sendResetPassword = vi.fn(
      async (_data: { user: { email: string }; url: string; token: string }) => undefined,
    );
    const { auth } = makeAuth({
      emailAndPassword: { enabled: true, sendResetPassword },
      email: { transport },
    });
    const email = uniqueEmail("hook");
    await new Client(auth).signUp(email);
    await new Client(auth).post("/request-password-reset", { email, redirectTo: "/r" });
    expect(transport).not.toHaveBeenCalled();
    expect(sendResetPassword).toHaveBeenCalledTimes(1);
    const [data] = sendResetPassword.mock.calls[0]!;
    expect(data.user.email).toBe(email);
    expect(data.url).toContain(`/reset-password/${data.token}`);
    const done = await new Client(auth).post("/reset-password", {
      token: data.token,
      newPassword: "hooked new password",
    });
    expect(done.status).toBe(200);
  });
});

describe("no transport", () => {
  it("production with password reset on throws at startup naming email.transport", async () => {
    await withEnv({ NODE_ENV: "production" }, () => {
      const logger = capturingLogger();
      expect(() => createAuth({ secret: SECRET, logger, emailAndPassword: { enabled: true } })).toThrow(
        TypeError,
      );
      expect(() => createAuth({ secret: SECRET, logger, emailAndPassword: { enabled: true } })).toThrow(
        /email\.transport/,
      );
      expect(() =>
        createAuth({
          secret: SECRET,
          logger,
          emailAndPassword: {
            enabled: true,
            requireEmailVerification: true,
            sendResetPassword: async () => {},
          },
        }),
      ).toThrow(/email\.transport.*email verification/s);
      // Fine when nothing needs the mailer, or when hooks send the mail.
      expect(() =>
        createAuth({ secret: SECRET, logger, emailAndPassword: { enabled: true, resetPassword: false } }),
      ).not.toThrow();
      expect(() =>
        createAuth({
          secret: SECRET,
          logger,
          emailAndPassword: { enabled: true, sendResetPassword: async () => {} },
        }),
      ).not.toThrow();
      expect(() =>
        createAuth({
          secret: SECRET,
          logger,
          emailAndPassword: { enabled: true },
          email: { transport: async () => {} },
        }),
      ).not.toThrow();
    });
  });

  it("in development the link is logged through logger.info (and works)", async () => {
    await withEnv({ NODE_ENV: "development" }, async () => {
      const logger = capturingLogger();
      const auth = createAuth({ secret: SECRET, logger, emailAndPassword: { enabled: true } });
      const email = uniqueEmail("dev");
      await new Client(auth).signUp(email);
      const res = await new Client(auth).post("/request-password-reset", { email, redirectTo: "/reset" });
      expect(res.status).toBe(200);
      const line = logger.lines.find((l) => l.level === "info" && l.message.includes(email));
      expect(line).toBeDefined();
      expect(line!.message).toContain("NOT sent");
      const link = line!.message.match(/http:\/\/localhost:3000\/api\/auth\/reset-password\/\S+/)![0];
      const landing = await new Client(auth).get(link);
      expect(landing.status).toBe(302);
      expect(landing.headers.get("location")).toMatch(/^\/reset\?token=/);
    });
  });
});
