import { escapeHtml } from "./html.js";
import { renderLayout } from "./layout.js";
import { safeLinkUrl } from "./safe-url.js";
import type { PageBaseProps, RenderedPage } from "./types.js";

/** Props of {@link renderVerifyRequestPage}. */
export interface VerifyRequestPageProps extends PageBaseProps {
  /** The site to go back to; dropped unless a path on this site or an http(s) URL. */
  readonly url?: string | undefined;
}

/**
 * Renders the page shown after a magic link was sent: "check your email".
 *
 * @throws {TypeError} When `nonce` is not a valid nonce.
 */
export function renderVerifyRequestPage(props: VerifyRequestPageProps): RenderedPage {
  const url = safeLinkUrl(props.url);
  const appName = escapeHtml(props.appName);
  const back =
    url === undefined ? "" : `<p class="center"><a href="${escapeHtml(url)}">Back to ${appName}</a></p>`;
  return renderLayout({
    appName: props.appName,
    theme: props.theme,
    nonce: props.nonce,
    title: "Check your email",
    bodyHtml:
      "<h1>Check your email</h1>" +
      `<p>We sent you a link to sign in to ${appName}. Open it on this device to continue.</p>` +
      '<p class="muted">It can take a minute to arrive. If it does not, look in your spam folder.</p>' +
      back,
  });
}
