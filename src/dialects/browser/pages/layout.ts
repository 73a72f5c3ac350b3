import { escapeHtml } from "./html.js";
import { safeImageUrl } from "./safe-url.js";
import { securityHeaders } from "./security-headers.js";
import { pageStyles } from "./styles.js";
import type { PageBaseProps, RenderedPage } from "./types.js";

/** What {@link renderLayout} wraps around a page's content. */
export interface LayoutInput extends PageBaseProps {
  /** The part of `<title>` before the app name; escaped. */
  readonly title: string;
  /** The page's content, after the logo: already-escaped HTML holding the page's one `<h1>`. */
  readonly bodyHtml: string;
  /** Extra CSS rules built only from constants and validated colours. */
  readonly extraStyles?: string | undefined;
  /** The HTTP status; 200 unless given. */
  readonly status?: number | undefined;
}

function colorSchemeMeta(props: PageBaseProps): string {
  const scheme = props.theme?.colorScheme;
  return scheme === "light" || scheme === "dark" ? scheme : "light dark";
}

/**
 * Renders a complete page around `bodyHtml`: the document head, the nonce-bearing `<style>`
 * element and the theme's logo, with the matching security headers.
 *
 * @throws {TypeError} When `nonce` is not a valid nonce.
 */
export function renderLayout(input: LayoutInput): RenderedPage {
  // securityHeaders validates the nonce before it is written into the page.
  const headers = securityHeaders(input.nonce);
  const logo = safeImageUrl(input.theme?.logo);
  const html = [
    "<!doctype html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta name="color-scheme" content="${colorSchemeMeta(input)}">`,
    '<meta name="robots" content="noindex">',
    `<title>${escapeHtml(input.title)} · ${escapeHtml(input.appName)}</title>`,
    `<style nonce="${escapeHtml(input.nonce)}">${pageStyles(input.theme, input.extraStyles)}</style>`,
    "</head>",
    "<body>",
    "<main>",
    logo === undefined ? "" : `<img class="logo" src="${escapeHtml(logo)}" alt="">`,
    input.bodyHtml,
    "</main>",
    "</body>",
    "</html>",
  ]
    .filter((line) => line !== "")
    .join("\n");
  return { status: input.status ?? 200, html, headers };
}
