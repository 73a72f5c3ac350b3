import type { EmailConfig, VerificationRequestParams } from "./types.js";

/** Options of {@link Email}. */
export interface EmailOptions {
  /** Default "email" (`nodemailer` when imported from `gatehouse/providers/nodemailer`). */
  id?: string;
  name?: string;
  /** SMTP URL or nodemailer transport options; default: the instance's `email.transport`. */
  server?: unknown;
  from?: string;
  /** Lifetime of a link in seconds. Default 24 hours. */
  maxAge?: number;
  /** Send the link yourself (an email API, SMS ...). */
  sendVerificationRequest?: (params: VerificationRequestParams) => void | Promise<void>;
}

/**
 * Sign-in by a link sent by email (Auth.js's Email/Nodemailer provider). The link opens a
 * confirmation page whose button completes the sign-in, so a mail scanner that follows links
 * does not use it up. Tokens are stored hashed, are single-use and last 24 hours by default.
 *
 * @example
 * import Email from "gatehouse/providers/email";
 * Email({ server: process.env.EMAIL_SERVER, from: "Acme <no-reply@acme.test>" });
 */
export default function Email(options: EmailOptions = {}): EmailConfig {
  const maxAge = options.maxAge ?? 24 * 60 * 60;
  if (!Number.isFinite(maxAge) || maxAge <= 0)
    throw new TypeError("Email: maxAge must be a positive number of seconds");
  return {
    id: options.id ?? "email",
    name: options.name ?? "Email",
    type: "email",
    server: options.server,
    from: options.from,
    maxAge,
    ...(options.sendVerificationRequest ? { sendVerificationRequest: options.sendVerificationRequest } : {}),
  };
}

export type { EmailConfig, VerificationRequestParams };
