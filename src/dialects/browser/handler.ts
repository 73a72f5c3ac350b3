import type { AuthContext } from "../../core/context.js";
import { createHandler } from "../../core/handler.js";
import { Router } from "../../core/router.js";
import { browserEndpoints } from "./endpoints.js";

/** The paths the browser routes answer, relative to their base path (Auth.js's actions). */
export const BROWSER_ACTION =
  /^(.*?)\/(csrf|providers|session|signin|signin\/[^/]+|callback\/[^/]+|signout|signup|error|verify-request)\/?$/;

/**
 * The Web handler of the browser routes mounted at `basePath` (e.g. "/auth"). Same instance,
 * same flows and storage as the JSON API; only the route table and the base path differ.
 * `X-Auth-Return-Redirect: 1` turns a redirect into `200 { url }`, as in Auth.js.
 */
export function createBrowserHandler(
  context: AuthContext,
  basePath: string,
): (request: Request) => Promise<Response> {
  const inner = createHandler({ ...context, basePath }, new Router(browserEndpoints));
  return async function gatehouseBrowserHandler(request: Request): Promise<Response> {
    const response = await inner(request);
    const location = response.headers.get("location");
    if (
      !request.headers.has("x-auth-return-redirect") ||
      !location ||
      response.status < 300 ||
      response.status >= 400
    )
      return response;
    const headers = new Headers(response.headers);
    headers.delete("location");
    headers.set("content-type", "application/json");
    return new Response(JSON.stringify({ url: location }), { status: 200, headers });
  };
}
