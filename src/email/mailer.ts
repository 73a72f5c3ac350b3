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
 *   so apps that never send mail never load it).
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

function smtpSender(url: string): SendEmailFunction {
  let transporter: Promise<MailTransporter> | undefined;
  return async (message) => {
    transporter ??= import("nodemailer").then((mod) => mod.default.createTransport(url));
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
