/** One email to send. `from` defaults to the mailer's configured sender. */
export interface EmailMessage {
  /** Recipient address. */
  to: string;
  subject: string;
  /** Plain-text body; always present so the message is readable everywhere. */
  text: string;
  /** Optional HTML alternative. */
  html?: string;
  /** Sender; defaults to the `from` given to `createMailer`. */
  from?: string;
}

/** Anything with nodemailer's promise `sendMail`, e.g. a `nodemailer.createTransport(...)` result. */
export interface MailTransporter {
  sendMail(message: object): Promise<unknown>;
}

/** A function that delivers one message, with `from` already filled in. */
export type SendEmailFunction = (message: EmailMessage) => Promise<void>;

/**
 * How email leaves the process:
 * - a string: an SMTP URL such as `smtp://user:pass@smtp.example.com:587` (handed to nodemailer);
 * - a nodemailer transporter (or anything with a promise `sendMail`);
 * - a function that sends the message itself (an HTTP email API, a queue, a test spy).
 */
export type MailTransport = string | MailTransporter | SendEmailFunction;

/** The logging the mailer needs; `console` fits. */
export interface MailerLogger {
  info(message: string): void;
}

/** Sends email, or prints it in development when no transport is configured. */
export interface Mailer {
  /** `false` when no transport was given: messages are logged instead of sent. */
  readonly configured: boolean;
  /**
   * Sends one message.
   * @throws {EmailDeliveryError} When the transport fails, or when in production without a transport.
   */
  send(message: EmailMessage): Promise<void>;
}
