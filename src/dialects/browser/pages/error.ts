import { escapeHtml } from "./html.js";
import { renderLayout } from "./layout.js";
import { safeLinkUrl } from "./safe-url.js";
import type { PageBaseProps, RenderedPage } from "./types.js";

/** The error codes of Auth.js's error page; any other value is `default`. */
export type ErrorPageCode = "Configuration" | "AccessDenied" | "Verification" | "default";

/** Props of {@link renderErrorPage}. */
export interface ErrorPageProps extends PageBaseProps {
  /** The `error` query parameter, as received; only a known code ever reaches the page. */
  readonly error?: string | undefined;
  /** The sign-in page, linked from the page; dropped unless a path on this site or an http(s) URL. */
  readonly signInURL?: string | undefined;
}

interface ErrorContent {
  readonly status: number;
  readonly heading: string;
  readonly lines: readonly string[];
  readonly signInLink: string | undefined;
}

const ERROR_CONTENT: Readonly<Record<ErrorPageCode, ErrorContent>> = {
  Configuration: {
    status: 500,
    heading: "Sign-in is unavailable",
    lines: [
      "The server is not set up correctly, so signing in cannot work right now.",
      "If you run this site, the server log says what is wrong.",
    ],
    signInLink: undefined,
  },
  AccessDenied: {
    status: 403,
    heading: "Access denied",
    lines: ["This account is not allowed to sign in here."],
    signInLink: "Sign in with another account",
  },
  Verification: {
    status: 403,
    heading: "This link no longer works",
    lines: [
      "Sign-in links can be used once and expire after a while; this one has been used or has expired.",
      "Ask for a new link to sign in.",
    ],
    signInLink: "Get a new sign-in link",
  },
  default: {
    status: 200,
    heading: "Something went wrong",
    lines: ["We could not sign you in. Please try again."],
    signInLink: "Back to sign in",
  },
};

/** Maps any value to a known error page code; own properties only, so `constructor` is `default`. */
export function errorPageCode(error: string | undefined): ErrorPageCode {
  return error !== undefined && Object.hasOwn(ERROR_CONTENT, error) ? (error as ErrorPageCode) : "default";
}

/**
 * Renders the error page with Auth.js's status codes: `Configuration` 500, `AccessDenied` 403,
 * `Verification` 403 (a used or expired sign-in link), anything else the `default` page at 200.
 * Nothing from `error` is written into the page except a code from that list.
 *
 * @throws {TypeError} When `nonce` is not a valid nonce.
 */
export function renderErrorPage(props: ErrorPageProps): RenderedPage {
  const code = errorPageCode(props.error);
  const content = ERROR_CONTENT[code];
  const signInURL = safeLinkUrl(props.signInURL);
  const paragraphs = content.lines.map((line) => `<p>${escapeHtml(line)}</p>`).join("");
  const link =
    content.signInLink === undefined || signInURL === undefined
      ? ""
      : `<p><a class="button" href="${escapeHtml(signInURL)}">${escapeHtml(content.signInLink)}</a></p>`;
  const codeLine = code === "default" ? "" : `<p class="muted">Error code: <code>${code}</code></p>`;
  return renderLayout({
    appName: props.appName,
    theme: props.theme,
    nonce: props.nonce,
    title: content.heading,
    status: content.status,
    bodyHtml:
      `<h1>${escapeHtml(content.heading)}</h1>` +
      `<div role="alert">${paragraphs}</div>${link}${codeLine}` +
      `<p class="muted">${escapeHtml(props.appName)}</p>`,
  });
}
