import { randomToken } from "../../crypto/random.js";
import { escapeHtml } from "../../email/templates.js";

const STYLE = "body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem}";

/**
 * A minimal, script-free error page for `GET /error?error=CODE`. Its CSP allows no scripts and
 * only the one `<style>` element carrying this response's nonce; like the browser routes' pages
 * it cannot be framed, is not sniffed as another type, and is not cached.
 */
export function renderErrorPage(code: string | undefined): Response {
  const safe = escapeHtml((code ?? "UNKNOWN").replace(/[^A-Za-z0-9_-]/g, "").slice(0, 64) || "UNKNOWN");
  // 128 random bits, base64url: safe in the attribute and the header as it is.
  const nonce = randomToken(16);
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Sign-in error</title><style nonce="${nonce}">${STYLE}</style></head><body><h1>Something went wrong</h1><p>Error code: <code>${safe}</code></p><p><a href="/">Back to the app</a></p></body></html>`;
  return new Response(html, {
    status: 200,
    headers: {
      "content-type": "text/html; charset=utf-8",
      "content-security-policy": `default-src 'none'; style-src 'nonce-${nonce}'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'`,
      "x-content-type-options": "nosniff",
      "referrer-policy": "no-referrer",
      "x-frame-options": "DENY",
      "cache-control": "no-store",
    },
  });
}
