import { escapeHtml, hiddenInput } from "./html.js";
import { renderLayout } from "./layout.js";
import { requireFormAction } from "./form-action.js";
import type { PageBaseProps, RenderedPage } from "./types.js";

/** Props of {@link renderConfirmPage}. */
export interface ConfirmPageProps extends PageBaseProps {
  /** Where the button posts to complete the sign-in. */
  readonly action: string;
  /** Posted as hidden fields: the link's token, the `csrfToken`, the callback URL... Escaped. */
  readonly hidden: Readonly<Record<string, string>>;
  /** The address the link was sent to, shown so the user knows which account this is. */
  readonly email?: string | undefined;
}

/**
 * Renders the magic-link confirmation page. The emailed link opens this page; only its
 * button's POST (carrying the token and a CSRF token in hidden fields) uses the link up, so
 * mail scanners that follow links with GET do not sign anyone in or spend the token.
 *
 * @throws {TypeError} When `action` is not a path on this site or an http(s) URL, or `nonce` is invalid.
 */
export function renderConfirmPage(props: ConfirmPageProps): RenderedPage {
  const action = requireFormAction("renderConfirmPage", props.action);
  const appName = escapeHtml(props.appName);
  const who =
    props.email === undefined
      ? `<p class="center">Select the button to finish signing in to ${appName}.</p>`
      : `<p class="center">Select the button to finish signing in to ${appName} as <strong>${escapeHtml(props.email)}</strong>.</p>`;
  const hidden = Object.entries(props.hidden)
    .map(([name, value]) => hiddenInput(name, value))
    .join("");
  return renderLayout({
    appName: props.appName,
    theme: props.theme,
    nonce: props.nonce,
    title: "Finish signing in",
    bodyHtml:
      "<h1>Finish signing in</h1>" +
      who +
      `<form method="post" action="${escapeHtml(action)}">${hidden}` +
      '<button type="submit" class="button">Sign in</button></form>' +
      '<p class="muted center">If you did not ask to sign in, close this page; nothing will happen.</p>',
  });
}
