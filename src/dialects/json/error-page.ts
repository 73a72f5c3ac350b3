import { escapeHtml } from "../../email/templates.js";

/** A minimal, script-free error page for `GET /error?error=CODE`. */
export function renderErrorPage(code: string | undefined): Response {
  const safe = escapeHtml((code ?? "UNKNOWN").replace(/[^A-Za-z0-9_-]/g, "").slice(0, 64) || "UNKNOWN");
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Sign-in error</title></head><body style="font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem"><h1>Something went wrong</h1><p>Error code: <code>${safe}</code></p><p><a href="/">Back to the app</a></p></body></html>`;
  return new Response(html, {
    status: 200,
    headers: {
      "content-type": "text/html; charset=utf-8",
      "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
      "x-content-type-options": "nosniff",
      "referrer-policy": "no-referrer",
    },
  });
}
