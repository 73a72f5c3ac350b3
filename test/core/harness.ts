/**
 * Shared test harness for the core, flow, session and http suites: an auth factory with test
 * defaults, a cookie jar and a small client that talks to the auth instance over real HTTP
 * (a Node server running `toNodeHandler(auth)` on 127.0.0.1).
 */
import { createHash } from "node:crypto";
import { createServer, request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { createAuth } from "../../src/index.js";
import type { AuthOptions, EmailMessage, Logger } from "../../src/index.js";
import { toNodeHandler } from "../../src/node/index.js";

export const SECRET = "test-secret-0123456789abcdefghijklmnopqrstuvwxyz";
export const OTHER_SECRET = "another-secret-zyxwvutsrqponmlkjihgfedcba9876543210";
export const ORIGIN = "http://localhost:3000";
export const API = `${ORIGIN}/api/auth`;
export const PASSWORD = "correct horse battery";

export type TestAuth = ReturnType<typeof createAuth>;

/** A logger that records everything and prints nothing. */
export interface CapturingLogger extends Logger {
  lines: { level: "info" | "warn" | "error"; message: string; rest: unknown[] }[];
}

export function capturingLogger(): CapturingLogger {
  const lines: CapturingLogger["lines"] = [];
  return {
    lines,
    info: (message, ...rest) => void lines.push({ level: "info", message, rest }),
    warn: (message, ...rest) => void lines.push({ level: "warn", message, rest }),
    error: (message, ...rest) => void lines.push({ level: "error", message, rest }),
  };
}

/** A function mail transport that keeps messages. */
export interface Outbox {
  messages: EmailMessage[];
  transport: (message: EmailMessage) => Promise<void>;
  /** Last message to `to`. */
  last(to: string): EmailMessage | undefined;
  /** First http(s) link in the last message to `to`. */
  link(to: string): string;
}

export function outbox(): Outbox {
  const messages: EmailMessage[] = [];
  const last = (to: string) => messages.filter((m) => m.to === to).at(-1);
  return {
    messages,
    transport: async (m) => void messages.push(m),
    last,
    link(to) {
      const m = last(to);
      if (!m) throw new Error(`no mail to ${to}`);
      const url = m.text.match(/https?:\/\/\S+/)?.[0];
      if (!url) throw new Error(`no link in mail to ${to}`);
      return url;
    },
  };
}

/**
 * createAuth with test defaults: a secret, email+password on, a silent logger, a mail outbox,
 * and rate limits off (these suites sign in many times from 127.0.0.1; the limits have their
 * own tests, on their real defaults). Pass `rateLimit` to have them.
 */
export function makeAuth(options: AuthOptions = {}): {
  auth: TestAuth;
  mail: Outbox;
  logger: CapturingLogger;
} {
  const mail = outbox();
  const logger = capturingLogger();
  const auth = createAuth({
    secret: SECRET,
    logger,
    email: { from: "Test <no-reply@example.test>", transport: mail.transport },
    rateLimit: { enabled: false },
    ...options,
    emailAndPassword: { enabled: true, ...options.emailAndPassword },
  });
  return { auth, mail, logger };
}

export function sha256Hex(value: string): string {
  return createHash("sha256").update(value, "utf8").digest("hex");
}

/** One parsed Set-Cookie header. */
export interface SetCookie {
  name: string;
  value: string;
  /** Attribute names lower-cased; flags map to `true`. */
  attributes: Record<string, string | true>;
  raw: string;
}

export function parseSetCookie(raw: string): SetCookie {
  const [pair, ...attrs] = raw.split(";").map((s) => s.trim());
  const eq = pair!.indexOf("=");
  const name = pair!.slice(0, eq);
  const value = decodeURIComponent(pair!.slice(eq + 1));
  const attributes: Record<string, string | true> = {};
  for (const a of attrs) {
    const i = a.indexOf("=");
    if (i < 0) attributes[a.toLowerCase()] = true;
    else attributes[a.slice(0, i).toLowerCase()] = a.slice(i + 1);
  }
  return { name, value, attributes, raw };
}

/** Set-Cookie headers of a response (or Headers), parsed. */
export function setCookies(from: Response | Headers): SetCookie[] {
  const headers = from instanceof Response ? from.headers : from;
  return headers.getSetCookie().map(parseSetCookie);
}

/** Set-Cookie for one name, or undefined. */
export function setCookie(from: Response | Headers, name: string): SetCookie | undefined {
  return setCookies(from).findLast((c) => c.name === name);
}

/** A browser-like cookie jar: keeps values, honours Max-Age=0 and empty values as deletion. */
export class CookieJar {
  readonly cookies = new Map<string, string>();

  absorb(from: Response | Headers): void {
    for (const c of setCookies(from)) {
      if (c.attributes["max-age"] === "0" || c.value === "") this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
  }

  get(name: string): string | undefined {
    return this.cookies.get(name);
  }

  set(name: string, value: string): void {
    this.cookies.set(name, value);
  }

  delete(name: string): void {
    this.cookies.delete(name);
  }

  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join("; ");
  }

  /** Headers carrying this jar's cookies (for `auth.api` calls). */
  headers(): Headers {
    const h = new Headers();
    if (this.cookies.size > 0) h.set("cookie", this.header());
    return h;
  }

  clone(): CookieJar {
    const copy = new CookieJar();
    for (const [k, v] of this.cookies) copy.cookies.set(k, v);
    return copy;
  }
}

export interface CallResult {
  status: number;
  /** Parsed JSON, or the text for non-JSON answers. */
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON shapes
  body: any;
  response: Response;
  headers: Headers;
}

export interface RequestOptions {
  body?: unknown;
  /** Sent as application/x-www-form-urlencoded instead of a JSON body. */
  form?: Record<string, string>;
  /** Extra headers; `null` removes a default one (e.g. `{ origin: null }`). */
  headers?: Record<string, string | null>;
  /** Use this jar instead of the client's own. */
  jar?: CookieJar;
  /** Base URL instead of http://localhost:3000/api/auth. */
  base?: string;
}

/** A browser-ish client: sends Origin of the app and the jar's cookies, keeps Set-Cookie. */
export class Client {
  readonly jar: CookieJar;

  constructor(
    readonly auth: TestAuth,
    options: { jar?: CookieJar; origin?: string; base?: string } = {},
  ) {
    this.jar = options.jar ?? new CookieJar();
    this.origin = options.origin ?? ORIGIN;
    this.base = options.base ?? API;
  }

  readonly origin: string;
  readonly base: string;

  async request(method: string, path: string, options: RequestOptions = {}): Promise<CallResult> {
    const jar = options.jar ?? this.jar;
    const headers = new Headers();
    headers.set("origin", this.origin);
    if (jar.cookies.size > 0) headers.set("cookie", jar.header());
    let body: string | undefined;
    if (options.form !== undefined) {
      headers.set("content-type", "application/x-www-form-urlencoded");
      body = new URLSearchParams(options.form).toString();
    } else if (options.body !== undefined) {
      headers.set("content-type", "application/json");
      body = JSON.stringify(options.body);
    }
    for (const [k, v] of Object.entries(options.headers ?? {})) {
      if (v === null) headers.delete(k);
      else headers.set(k, v);
    }
    const url = path.startsWith("http") ? path : `${options.base ?? this.base}${path}`;
    const response = await send(this.auth, url, { method, headers, body });
    jar.absorb(response);
    const text = await response.clone().text();
    let parsed: unknown = text;
    if ((response.headers.get("content-type") ?? "").includes("json"))
      parsed = text === "" ? null : JSON.parse(text);
    return { status: response.status, body: parsed, response, headers: response.headers };
  }

  get(path: string, options?: RequestOptions): Promise<CallResult> {
    return this.request("GET", path, options);
  }

  post(path: string, body?: unknown, options: RequestOptions = {}): Promise<CallResult> {
    return this.request("POST", path, { ...options, body: body ?? options.body });
  }

  signUp(email: string, password = PASSWORD, extra: Record<string, unknown> = {}): Promise<CallResult> {
    return this.post("/sign-up/email", { name: "Test User", email, password, ...extra });
  }

  signIn(email: string, password = PASSWORD, extra: Record<string, unknown> = {}): Promise<CallResult> {
    return this.post("/sign-in/email", { email, password, ...extra });
  }

  getSession(query = ""): Promise<CallResult> {
    return this.get(`/get-session${query}`);
  }
}

export const SESSION_COOKIE = "gatehouse.session_token";
export const DATA_COOKIE = "gatehouse.session_data";
export const DONT_REMEMBER_COOKIE = "gatehouse.dont_remember";

/** The raw token inside a signed session cookie value (`token.signature`). */
export function tokenOf(cookieValue: string): string {
  return cookieValue.slice(0, cookieValue.lastIndexOf("."));
}

/** Unique emails per test. */
let counter = 0;
export function uniqueEmail(tag = "user"): string {
  counter += 1;
  return `${tag}-${counter}-${Math.random().toString(36).slice(2, 8)}@example.test`;
}

const AUTH_ENV = [
  "AUTH_SECRET",
  "BETTER_AUTH_SECRET",
  "AUTH_URL",
  "BETTER_AUTH_URL",
  "AUTH_TRUSTED_ORIGINS",
  "BETTER_AUTH_TRUSTED_ORIGINS",
  "AUTH_TRUST_HOST",
  "NODE_ENV",
] as const;

/**
 * Runs `fn` with the auth-related environment variables cleared, then `vars` set; restores the
 * previous values afterwards (also when `fn` throws).
 */
export async function withEnv<R>(
  vars: Partial<Record<(typeof AUTH_ENV)[number], string>>,
  fn: () => R | Promise<R>,
): Promise<R> {
  const saved = new Map<string, string | undefined>();
  for (const k of AUTH_ENV) {
    saved.set(k, process.env[k]);
    if (k !== "NODE_ENV") delete process.env[k];
  }
  for (const [k, v] of Object.entries(vars)) process.env[k] = v;
  try {
    return await fn();
  } finally {
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

const servers = new WeakMap<TestAuth, Promise<number>>();

function serverFor(auth: TestAuth): Promise<number> {
  let port = servers.get(auth);
  if (!port) {
    port = new Promise<number>((resolve, reject) => {
      const server = createServer(toNodeHandler(auth));
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => {
        // Do not keep the test process alive for this server.
        server.unref();
        resolve((server.address() as AddressInfo).port);
      });
    });
    servers.set(auth, port);
  }
  return port;
}

/**
 * Sends a request the way a user's client would: over real HTTP to a Node server running
 * `toNodeHandler(auth)` on 127.0.0.1, with the `Host` of the URL, so the app sees the same
 * origin. https URLs cannot be served by a plain-http test server, so they go straight to
 * `auth.handler` (the same code behind the Node edge). `GATEHOUSE_TEST_TRANSPORT=direct`
 * sends everything straight to `auth.handler`.
 */
async function send(
  auth: TestAuth,
  url: string,
  init: { method: string; headers: Headers; body: string | undefined },
): Promise<Response> {
  const target = new URL(url);
  if (target.protocol === "https:" || process.env.GATEHOUSE_TEST_TRANSPORT === "direct") {
    return auth.handler(new Request(url, { ...init, redirect: "manual" }));
  }
  const port = await serverFor(auth);
  const headers: Record<string, string> = {};
  init.headers.forEach((value, name) => {
    headers[name] = value;
  });
  headers.host = target.host;
  if (init.body !== undefined) headers["content-length"] = String(Buffer.byteLength(init.body));
  return new Promise<Response>((resolve, reject) => {
    const req = httpRequest(
      { host: "127.0.0.1", port, method: init.method, path: target.pathname + target.search, headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", reject);
        res.on("end", () => {
          const out = new Headers();
          for (const [name, value] of Object.entries(res.headers)) {
            if (value === undefined) continue;
            for (const v of Array.isArray(value) ? value : [value]) out.append(name, v);
          }
          const status = res.statusCode ?? 500;
          const bodyless = status === 204 || status === 304 || init.method === "HEAD";
          resolve(new Response(bodyless ? null : Buffer.concat(chunks), { status, headers: out }));
        });
      },
    );
    req.on("error", reject);
    req.end(init.body);
  });
}
