import type { RenderedPage } from "./types.js";

/** Turns a rendered page into a Web `Response` with its status and security headers. */
export function pageResponse(page: RenderedPage): Response {
  return new Response(page.html, { status: page.status, headers: page.headers });
}
