import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import nodemailer from "nodemailer";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMailer, EmailDeliveryError, SMTP_TIMEOUTS, withSmtpTimeouts } from "../../src/email/mailer.js";
import type { EmailMessage } from "../../src/email/types.js";

interface Received {
  readonly from: string | undefined;
  readonly to: readonly string[];
  readonly raw: string;
}

const FROM = "Gatehouse Test <no-reply@example.test>";
const LINK = "http://localhost:3000/api/auth/verify-email?token=abc123";

function message(overrides: Partial<EmailMessage> = {}): EmailMessage {
  return { to: "alice@example.test", subject: "Confirm your email", text: `Open ${LINK}`, ...overrides };
}

describe("createMailer with a real SMTP server", () => {
  const received: Received[] = [];
  let server: SMTPServer;
  let port: number;

  beforeAll(async () => {
    server = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS"],
      logger: false,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on("data", (chunk: Buffer) => chunks.push(chunk));
        stream.on("end", () => {
          received.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined,
            to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
            raw: Buffer.concat(chunks).toString("utf8"),
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("delivers through an SMTP URL", async () => {
    const mailer = createMailer({ from: FROM, transport: `smtp://127.0.0.1:${port}?ignoreTLS=true` });
    expect(mailer.configured).toBe(true);
    await mailer.send(message({ html: `<a href="${LINK}">Confirm</a>` }));
    const mail = received.at(-1)!;
    expect(mail.to).toEqual(["alice@example.test"]);
    expect(mail.from).toBe("no-reply@example.test");
    expect(mail.raw).toMatch(/^Subject: Confirm your email$/m);
    expect(mail.raw).toContain(LINK);
  });

  it("delivers through a nodemailer transporter, with from filled in", async () => {
    const transporter = nodemailer.createTransport({
      host: "127.0.0.1",
      port,
      secure: false,
      ignoreTLS: true,
    });
    const mailer = createMailer({ from: FROM, transport: transporter });
    await mailer.send(message({ to: "bob@example.test", subject: "Reset" }));
    const mail = received.at(-1)!;
    expect(mail.to).toEqual(["bob@example.test"]);
    expect(mail.from).toBe("no-reply@example.test");
    expect(mail.raw).toMatch(/^Subject: Reset$/m);
    expect(mail.raw).toContain(LINK);
    transporter.close();
  });
});

describe("createMailer with a function transport", () => {
  it("calls the function with from filled in, and keeps an explicit from", async () => {
    const sent: EmailMessage[] = [];
    const mailer = createMailer({
      from: FROM,
      transport: async (msg) => {
        sent.push(msg);
      },
    });
    expect(mailer.configured).toBe(true);
    await mailer.send(message());
    await mailer.send(message({ from: "other@example.test" }));
    expect(sent[0]).toEqual({ ...message(), from: FROM });
    expect(sent[1]!.from).toBe("other@example.test");
  });

  it("wraps failures in EmailDeliveryError with the cause", async () => {
    const failure = new Error("provider down");
    const mailer = createMailer({
      from: FROM,
      transport: async () => {
        throw failure;
      },
    });
    const error = await mailer.send(message()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EmailDeliveryError);
    expect((error as EmailDeliveryError).code).toBe("EMAIL_DELIVERY_FAILED");
    expect((error as EmailDeliveryError).cause).toBe(failure);
  });
});

describe("createMailer without a transport", () => {
  it("logs a dev mailbox block with recipient, subject and link", async () => {
    const lines: string[] = [];
    const mailer = createMailer({ from: FROM, logger: { info: (line) => lines.push(line) } });
    expect(mailer.configured).toBe(false);
    await mailer.send(message());
    expect(lines).toHaveLength(1);
    const block = lines[0]!;
    expect(block.split("\n").length).toBeGreaterThan(4);
    expect(block).toContain("alice@example.test");
    expect(block).toContain("Confirm your email");
    expect(block).toContain(LINK);
    expect(block).toContain("NOT sent");
  });

  it("throws in production", async () => {
    const lines: string[] = [];
    const mailer = createMailer({
      from: FROM,
      production: true,
      logger: { info: (line) => lines.push(line) },
    });
    expect(mailer.configured).toBe(false);
    await expect(mailer.send(message())).rejects.toBeInstanceOf(EmailDeliveryError);
    expect(lines).toHaveLength(0);
  });
});

describe("createMailer delivery failure", () => {
  it("throws EmailDeliveryError when the SMTP server is unreachable", async () => {
    // Reserve a free port, then close it so nothing listens there.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const closedPort = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));

    const mailer = createMailer({ from: FROM, transport: `smtp://127.0.0.1:${closedPort}` });
    const error = await mailer.send(message()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EmailDeliveryError);
    expect((error as EmailDeliveryError).code).toBe("EMAIL_DELIVERY_FAILED");
    expect((error as EmailDeliveryError).cause).toBeInstanceOf(Error);
  });

  it("rejects an unsupported transport at creation", () => {
    expect(() => createMailer({ from: FROM, transport: 42 as unknown as string })).toThrow(TypeError);
  });
});

describe("SMTP URL timeouts", () => {
  it("adds bounded connect, greeting and socket timeouts to an SMTP URL that sets none", () => {
    // nodemailer's defaults (2 min to connect, 30 s greeting) would hold a request that long.
    const url = withSmtpTimeouts("smtps://user:p%40ss@mail.example.test:465");
    const options = (
      nodemailer.createTransport(url) as unknown as { transporter: { options: Record<string, unknown> } }
    ).transporter.options;
    expect(options).toMatchObject({
      ...SMTP_TIMEOUTS,
      host: "mail.example.test",
      port: 465,
      secure: true,
      auth: { user: "user", pass: "p@ss" },
    });
    expect(SMTP_TIMEOUTS.connectionTimeout).toBeLessThan(120_000);
    expect(SMTP_TIMEOUTS.greetingTimeout).toBeLessThan(30_000);
  });

  it("keeps the URL's own values and other parameters", () => {
    expect(withSmtpTimeouts("smtp://h:25?greetingTimeout=500&ignoreTLS=true")).toBe(
      "smtp://h:25?greetingTimeout=500&ignoreTLS=true&connectionTimeout=10000&socketTimeout=30000",
    );
    const all = "smtp://h?connectionTimeout=1&greetingTimeout=2&socketTimeout=3";
    expect(withSmtpTimeouts(all)).toBe(all);
  });
});
