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

/** Input of {@link magicLinkEmail}. */
export interface MagicLinkEmailInput extends LinkEmailInput {
  /** How long the link stays valid, in seconds; stated in the email when given. */
  readonly expiresIn?: number | undefined;
}

/** "5 minutes", "1 hour", "90 seconds": a lifetime in the largest whole unit that fits. */
function lifetime(seconds: number): string {
  const units: [number, string][] = [
    [86400, "day"],
    [3600, "hour"],
    [60, "minute"],
  ];
  for (const [size, name] of units) {
    if (seconds >= size && seconds % size === 0) {
      const n = seconds / size;
      return `${n} ${name}${n === 1 ? "" : "s"}`;
    }
  }
  return `${seconds} second${seconds === 1 ? "" : "s"}`;
}

/** Email carrying a sign-in link (the `magicLink` plugin): the page it opens signs the user in. */
export function magicLinkEmail(input: MagicLinkEmailInput): EmailContent {
  const expiry =
    input.expiresIn !== undefined && Number.isFinite(input.expiresIn) && input.expiresIn > 0
      ? ` and expires in ${lifetime(Math.round(input.expiresIn))}`
      : "";
  return render({
    subject: `Sign in to ${input.appName}`,
    greeting: greeting(input.user),
    lines: [
      `Use the link below to sign in to ${input.appName} as ${input.user.email}.`,
      `The link works once${expiry}.`,
    ],
    action: "Sign in",
    url: input.url,
    footer: "If you did not ask to sign in, ignore this email: nobody can sign in without the link.",
  });
}
