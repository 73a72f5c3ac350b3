import Email, { type EmailOptions } from "./email.js";
import type { EmailConfig } from "./types.js";

/**
 * The Email provider under Auth.js's newer name (`next-auth/providers/nodemailer`); the id is
 * "nodemailer". See {@link Email}.
 */
export default function Nodemailer(options: EmailOptions = {}): EmailConfig {
  return Email({ id: "nodemailer", name: "Email", ...options });
}
