import { EmailDeliveryError } from "./errors.js";
import type {
  EmailMessage,
  Mailer,
  MailerLogger,
  MailTransport,
  MailTransporter,
  SendEmailFunction,
} from "./types.js";

export { EmailDeliveryError } from "./errors.js";

/** Options for {@link createMailer}. */
export interface MailerOptions {
  /** Default sender, e.g. `"My App <no-reply@example.com>"`. */
  readonly from: string;
  /** Where mail goes; omit in development to print messages to the logger instead. */
  readonly transport?: MailTransport | undefined;
  /** Receives the development mailbox output; `console` by default. */
  readonly logger?: MailerLogger | undefined;
  /** In production a missing transport makes `send` throw instead of logging the message. */
  readonly production?: boolean | undefined;
}

/**
 * Creates the mailer used by the email flows (verification, password reset, change of email).
 *
 * - SMTP URL: a nodemailer transporter is created on first send (nodemailer is loaded lazily,
 *   so apps that never send mail never load it), with {@link SMTP_TIMEOUTS} unless the URL
 *   sets its own.
 * - Transporter: its `sendMail` is called with `from` filled in.
 * - Function: called with `from` filled in.
 * - No transport: `configured` is `false` and `send` prints the message (recipient, subject and
 *   text, which holds the link) through `logger.info` — a development mailbox. With
 *   `production: true`, `send` throws {@link EmailDeliveryError} instead.
 *
 * Transport failures are rethrown as {@link EmailDeliveryError} with the original as `cause`.
 *
 * @throws {TypeError} When `transport` is of an unsupported kind.
 */
export function createMailer(options: MailerOptions): Mailer {
  const { from, transport, production = false } = options;
  const logger = options.logger ?? console;
  if (transport === undefined) {
    return {
      configured: false,
      async send(message: EmailMessage): Promise<void> {
        if (production) {
          throw new EmailDeliveryError(
            `Cannot send email to ${message.to}: no email transport is configured (set the "email.transport" option).`,
          );
        }
        logger.info(formatDevEmail({ ...message, from: message.from ?? from }));
      },
    };
  }
  const deliver = resolveTransport(transport);
  return {
    configured: true,
    async send(message: EmailMessage): Promise<void> {
      try {
        await deliver({ ...message, from: message.from ?? from });
      } catch (error) {
        throw new EmailDeliveryError(`Failed to send email to ${message.to}`, { cause: error });
      }
    },
  };
}

function resolveTransport(transport: MailTransport): SendEmailFunction {
  if (typeof transport === "function") return transport;
  if (typeof transport === "string") return smtpSender(transport);
  if (typeof transport === "object" && transport !== null && typeof transport.sendMail === "function") {
    return transporterSender(transport);
  }
  throw new TypeError(
    'createMailer: "transport" must be an SMTP URL, a nodemailer transporter or a send function',
  );
}

function transporterSender(transporter: MailTransporter): SendEmailFunction {
  return async (message) => {
    await transporter.sendMail(message);
  };
}

/**
 * Timeouts for SMTP URLs, in ms. nodemailer's own are 2 minutes to connect, 30 s for the
 * greeting and 10 minutes of silence; a request that sends mail (sign-up, password reset)
 * would hang that long behind a mail server the network swallows, rather than answering
 * EMAIL_DELIVERY_FAILED. A URL that sets one (`?greetingTimeout=...`) keeps its own.
 */
export const SMTP_TIMEOUTS = {
  connectionTimeout: 10_000,
  greetingTimeout: 10_000,
  socketTimeout: 30_000,
} as const;

/** `url` with {@link SMTP_TIMEOUTS} added as query parameters where it sets none of its own. */
export function withSmtpTimeouts(url: string): string {
  const hash = url.indexOf("#");
  const base = hash < 0 ? url : url.slice(0, hash);
  const rest = hash < 0 ? "" : url.slice(hash);
  const query = base.indexOf("?");
  const given = new URLSearchParams(query < 0 ? "" : base.slice(query + 1));
  const missing = Object.entries(SMTP_TIMEOUTS)
    .filter(([name]) => !given.has(name))
    .map(([name, ms]) => `${name}=${ms}`);
  if (missing.length === 0) return url;
  const separator = query < 0 ? "?" : base.endsWith("?") || base.endsWith("&") ? "" : "&";
  return `${base}${separator}${missing.join("&")}${rest}`;
}

function smtpSender(url: string): SendEmailFunction {
  let transporter: Promise<MailTransporter> | undefined;
  const configured = withSmtpTimeouts(url);
  return async (message) => {
    transporter ??= import("nodemailer").then((mod) => mod.default.createTransport(configured));
    let smtp: MailTransporter;
    try {
      smtp = await transporter;
    } catch (error) {
      transporter = undefined; // let the next send try again
      throw error;
    }
    await smtp.sendMail(message);
  };
}

function formatDevEmail(message: EmailMessage): string {
  const rule = "-".repeat(64);
  return [
    rule,
    "Gatehouse dev mailbox (no email transport configured; this email was NOT sent)",
    `From:    ${message.from ?? ""}`,
    `To:      ${message.to}`,
    `Subject: ${message.subject}`,
    "",
    message.text,
    rule,
  ].join("\n");
}
