import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { setClientIp } from "../core/client-ip.js";
import { AuthError, isAuthError } from "../core/errors.js";
import { CLIENT_IP_HEADER, fromNodeHeaders } from "./from-node-headers.js";

export { CLIENT_IP_HEADER };

/** The part of an auth instance the Node handler needs. */
export interface HasHandler {
  handler(request: Request): Promise<Response>;
}

/** Express adds these to IncomingMessage; plain Node servers do not. */
interface MaybeExpressRequest extends IncomingMessage {
  originalUrl?: string;
  protocol?: string;
  ip?: string;
  body?: unknown;
  _body?: boolean;
}

/** A Node/Express request handler. The optional `next` is ignored: auth routes always answer. */
export type NodeHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  next?: (err?: unknown) => void,
) => Promise<void>;

/** Methods a Web `Request` cannot carry: the Fetch standard forbids them (`new Request` throws). */
const FORBIDDEN_METHODS = new Set(["CONNECT", "TRACE", "TRACK"]);

/**
 * The answer to a request that cannot become a Web `Request` (a TRACE, which Node's parser
 * accepts): 405 `{ code: "METHOD_NOT_ALLOWED", message }`, as for any method a route does not
 * answer; undefined for every other request.
 */
export function unsupportedMethodResponse(method: string | undefined): Response | undefined {
  if (!FORBIDDEN_METHODS.has((method ?? "").toUpperCase())) return undefined;
  return errorJSON(new AuthError(405, "METHOD_NOT_ALLOWED"));
}

function errorJSON(error: AuthError): Response {
  return new Response(JSON.stringify(error.toJSON()), {
    status: error.status,
    headers: { "content-type": "application/json", "cache-control": "no-store" },
  });
}

/** The auth handler's answer; a request that cannot even be built is answered with its 4xx. */
async function answer(auth: HasHandler, req: MaybeExpressRequest): Promise<Response> {
  let request: Request;
  try {
    request = toWebRequest(req);
  } catch (error) {
    if (isAuthError(error)) return errorJSON(error);
    throw error;
  }
  return auth.handler(request);
}

/**
 * A body parser's result as JSON again. Something express.json() accepted can still be too
 * deep for JSON.stringify (thousands of levels overflow the stack): that is the client's
 * doing, so it is a 400, not a 500.
 */
function reencode(parsed: unknown): string {
  try {
    return JSON.stringify(parsed ?? {});
  } catch (cause) {
    throw new AuthError(400, "INVALID_JSON", { message: "The JSON body is nested too deeply", cause });
  }
}

/** Builds a Web Request from a Node request (body streamed, or re-encoded if a body parser already ran). */
export function toWebRequest(req: MaybeExpressRequest): Request {
  const headers = fromNodeHeaders(req.headers);
  headers.delete(CLIENT_IP_HEADER);
  const encrypted = Boolean((req.socket as { encrypted?: boolean } | undefined)?.encrypted);
  const protocol = typeof req.protocol === "string" ? req.protocol : encrypted ? "https" : "http";
  const host = req.headers.host ?? "localhost";
  const path = req.originalUrl ?? req.url ?? "/";
  let url: string;
  try {
    const parsed = new URL(path, `${protocol}://${host}`);
    // A Host with userinfo ("app.example@evil.example") parses, but a Request refuses URLs
    // with credentials: serve it as localhost, like any other junk Host.
    if (parsed.username || parsed.password) throw new TypeError("credentials in Host");
    url = parsed.href;
  } catch {
    url = new URL(path.startsWith("/") ? path : "/", `${protocol}://localhost`).href;
  }
  const method = req.method ?? "GET";
  const init: RequestInit & { duplex?: "half" } = { method, headers };
  if (method !== "GET" && method !== "HEAD") {
    const consumed = req._body === true || req.readableEnded || (req.complete && !req.readable);
    if (consumed && req.body !== undefined) {
      // A body parser (express.json / urlencoded / text) already read the stream: re-encode its result.
      const parsed = req.body;
      const text =
        typeof parsed === "string"
          ? parsed
          : Buffer.isBuffer(parsed)
            ? parsed.toString("utf8")
            : reencode(parsed);
      if (typeof parsed === "object" && parsed !== null && !Buffer.isBuffer(parsed))
        headers.set("content-type", "application/json");
      headers.set("content-length", String(Buffer.byteLength(text)));
      init.body = text;
    } else if (consumed) {
      headers.delete("content-length");
    } else {
      init.body = Readable.toWeb(req) as unknown as ReadableStream<Uint8Array>;
      init.duplex = "half";
    }
  }
  const request = new Request(url, init);
  // req.ip honours Express's `trust proxy`; plain Node gets the socket address.
  const ip = req.ip ?? req.socket?.remoteAddress;
  if (ip) setClientIp(request, ip);
  return request;
}

/** Writes a Web Response to a Node response. */
export async function writeWebResponse(res: ServerResponse, response: Response): Promise<void> {
  res.statusCode = response.status;
  const cookies = response.headers.getSetCookie();
  response.headers.forEach((value, name) => {
    if (name !== "set-cookie") res.setHeader(name, value);
  });
  if (cookies.length > 0) res.setHeader("set-cookie", cookies);
  const body = response.body ? Buffer.from(await response.arrayBuffer()) : undefined;
  res.end(body);
}

/**
 * Adapts an auth instance to Node's `(req, res)`: mount it with
 * `app.all("/api/auth/*", toNodeHandler(auth))` (Express 4), `"/api/auth/*splat"` (Express 5)
 * or `app.use("/api/auth", toNodeHandler(auth))`. Works whether or not a body parser ran first.
 */
export function toNodeHandler(auth: HasHandler): NodeHandler {
  return async function gatehouseNodeHandler(req, res, next): Promise<void> {
    try {
      const response =
        unsupportedMethodResponse(req.method) ?? (await answer(auth, req as MaybeExpressRequest));
      await writeWebResponse(res, response);
    } catch (error) {
      if (next) next(error);
      else {
        res.statusCode = 500;
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify({ code: "INTERNAL_SERVER_ERROR", message: "Internal server error" }));
      }
    }
  };
}
