/** The user an email is about; only these fields are read. */
export interface EmailUser {
  readonly email: string;
  readonly name?: string | null | undefined;
}

/** Input of the link emails. */
export interface LinkEmailInput {
  /** The link to click; already absolute and signed. */
  readonly url: string;
  readonly user: EmailUser;
  /** Shown in the subject and body. */
  readonly appName: string;
}

/** Input of {@link changeEmailVerification}. */
export interface ChangeEmailInput extends LinkEmailInput {
  /** The address the user asked to switch to. */
  readonly newEmail: string;
}

/** A rendered email, ready for `Mailer.send` once `to` is added. */
export interface EmailContent {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

const HTML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Escapes `& < > " '` so a value is safe in HTML text and in quoted attributes. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char]!);
}

/** Subjects are single-line: line breaks in the app name must not reach the header. */
function oneLine(value: string): string {
  return value.replace(/[\r\n]+/g, " ").trim();
}

function greeting(user: EmailUser): string {
  return user.name ? `Hello ${user.name},` : "Hello,";
}

interface Layout {
  readonly subject: string;
  readonly greeting: string;
  readonly lines: readonly string[];
  readonly action: string;
  readonly url: string;
  readonly footer: string;
}

function render(layout: Layout): EmailContent {
  const text = [
    layout.greeting,
    "",
    ...layout.lines,
    "",
    `${layout.action}: ${layout.url}`,
    "",
    layout.footer,
  ].join("\n");
  const paragraphs = layout.lines.map((line) => `<p>${escapeHtml(line)}</p>`).join("\n");
  const html = [
    "<!doctype html>",
    '<html><body style="font-family: sans-serif; line-height: 1.5;">',
    `<p>${escapeHtml(layout.greeting)}</p>`,
    paragraphs,
    `<p><a href="${escapeHtml(layout.url)}">${escapeHtml(layout.action)}</a></p>`,
    `<p style="word-break: break-all; color: #555;">${escapeHtml(layout.url)}</p>`,
    `<p style="color: #555;">${escapeHtml(layout.footer)}</p>`,
    "</body></html>",
  ].join("\n");
  return { subject: oneLine(layout.subject), text, html };
}

/** Email asking a new user to confirm their address. */
export function verificationEmail(input: LinkEmailInput): EmailContent {
  return render({
    subject: `Confirm your email for ${input.appName}`,
    greeting: greeting(input.user),
    lines: [`Please confirm that ${input.user.email} is your email address for ${input.appName}.`],
    action: "Confirm email",
    url: input.url,
    footer: "If you did not create an account, you can ignore this email.",
  });
}

/** Email carrying a password-reset link. */
export function resetPasswordEmail(input: LinkEmailInput): EmailContent {
  return render({
    subject: `Reset your ${input.appName} password`,
    greeting: greeting(input.user),
    lines: [`Someone asked to reset the password of your ${input.appName} account.`],
    action: "Choose a new password",
    url: input.url,
    footer: "If this was not you, ignore this email: your password stays the same.",
  });
}

/** Email sent to confirm a change of address; the link approves the switch to `newEmail`. */
export function changeEmailVerification(input: ChangeEmailInput): EmailContent {
  return render({
    subject: `Confirm your new email for ${input.appName}`,
    greeting: greeting(input.user),
    lines: [`You asked to change the email of your ${input.appName} account to ${input.newEmail}.`],
    action: "Confirm the change",
    url: input.url,
    footer: "If you did not ask for this, ignore this email: nothing will change.",
  });
}
