import { escapeHtml, hiddenInput } from "./html.js";
import { renderLayout } from "./layout.js";
import { requireFormAction } from "./form-action.js";
import { safeLinkUrl } from "./safe-url.js";
import type { PageBaseProps, RenderedPage } from "./types.js";

/** Props of {@link renderSignOutPage}. */
export interface SignOutPageProps extends PageBaseProps {
  /** Where the confirmation form posts (the sign-out route). */
  readonly action: string;
  readonly csrfToken: string;
  /** Posted back when it is a path on this site or an http(s) URL; dropped otherwise. */
  readonly callbackUrl?: string | undefined;
}

/**
 * Renders the sign-out confirmation: a single button posting `csrfToken` (and `callbackUrl`)
 * to `action`, so that following a link alone never signs anyone out.
 *
 * @throws {TypeError} When `action` is not a path on this site or an http(s) URL, or `nonce` is invalid.
 */
export function renderSignOutPage(props: SignOutPageProps): RenderedPage {
  const action = requireFormAction("renderSignOutPage", props.action);
  const callbackUrl = safeLinkUrl(props.callbackUrl);
  const body =
    "<h1>Sign out</h1>" +
    `<p class="center">Are you sure you want to sign out of ${escapeHtml(props.appName)}?</p>` +
    `<form method="post" action="${escapeHtml(action)}">` +
    hiddenInput("csrfToken", props.csrfToken) +
    (callbackUrl === undefined ? "" : hiddenInput("callbackUrl", callbackUrl)) +
    '<button type="submit" class="button">Sign out</button></form>';
  return renderLayout({
    appName: props.appName,
    theme: props.theme,
    nonce: props.nonce,
    title: "Sign out",
    bodyHtml: body,
  });
}
