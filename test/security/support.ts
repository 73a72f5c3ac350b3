/**
 * Shared pieces of the attack corpus (issue #6): one Express app serving both dialects of one
 * auth instance over real HTTP on 127.0.0.1 (the JSON API at /api/auth, the browser routes at
 * /auth), a raw HTTP client that keeps every header as sent (Host, Origin, Cookie) and every
 * header as answered (raw lines, so a split header would show), and checks that a URL stays on
 * a trusted origin.
 */
import { createHash } from "node:crypto";
import { request as httpRequest } from "node:http";
import express from "express";
import { type Auth, createAuth } from "../../src/create-auth.js";
import type { AuthOptions, EmailMessage } from "../../src/core/options.js";
import { ExpressAuth } from "../../src/express/index.js";
import { toNodeHandler } from "../../src/node/index.js";
import { CookieJar, startServer, TEST_SECRET, type TestServer } from "../helpers/http.js";

export { CookieJar, TEST_SECRET };

/** The other origin an app trusts in these tests (trustedOrigins). */
export const TRUSTED = "https://trusted.example";
export const PASSWORD = "correct horse battery";

/** Errors logged by the auth instances of this process (an unexpected 500 shows up here). */
export const loggedErrors: unknown[][] = [];
export const quietLogger = {
  info() {},
  warn() {},
  error: (...args: unknown[]) => void loggedErrors.push(args),
};

/** Mail captured from the instance's transport. */
export interface Mailbox {
  messages: EmailMessage[];
  /** Every http(s) link in the messages to `to`, newest message first. */
  links(to: string): string[];
}

export function mailbox(): Mailbox {
  const messages: EmailMessage[] = [];
  return {
    messages,
    links(to) {
      return messages
        .filter((m) => m.to === to)
        .reverse()
        .flatMap((m) => m.text.match(/https?:\/\/[^\s"'<>]+/g) ?? []);
    },
  };
}

/**
 * A quick stand-in for argon2id: the corpus is about what reaches the wire and the database,
 * not about hashing, and thousands of cases cannot each spend tens of milliseconds on it.
 */
export const fastPasswordHashing = {
  hash: async (password: string) => `sha256:${createHash("sha256").update(password).digest("hex")}`,
  verify: async ({ hash, password }: { hash: string; password: string }) =>
    hash === `sha256:${createHash("sha256").update(password).digest("hex")}`,
};

/**
 * createAuth with the corpus defaults: email + password (quick hashing), a mailbox, and rate
 * limits off (429s would mask cases).
 */
export function corpusAuth(options: AuthOptions = {}): { auth: Auth; mail: Mailbox } {
  const mail = mailbox();
  const auth = createAuth({
    secret: TEST_SECRET,
    logger: quietLogger,
    email: { from: "Corpus <no-reply@example.test>", transport: async (m) => void mail.messages.push(m) },
    trustedOrigins: [TRUSTED],
    rateLimit: { enabled: false },
    ...options,
    emailAndPassword: { enabled: true, password: fastPasswordHashing, ...options.emailAndPassword },
  });
  return { auth, mail };
}

/** An Express 5 app with `toNodeHandler(auth)` at /api/auth and `ExpressAuth(auth)` at /auth. */
export async function serveBoth(auth: Auth, extra?: (app: express.Express) => void): Promise<TestServer> {
  const app = express();
  app.all("/api/auth/*splat", toNodeHandler(auth));
  app.use("/auth", ExpressAuth(auth));
  extra?.(app);
  return startServer(app);
}

/** What {@link send} answers. */
export interface Answer {
  status: number;
  /** Header values by lower-case name (repeated headers joined with ", ", Set-Cookie kept apart). */
  headers: Headers;
  /** The answer's header lines as received, name and value in pairs. */
  rawHeaders: string[];
  setCookies: string[];
  text: string;
  /** The body parsed as JSON when the answer says JSON (undefined otherwise or when unparsable). */
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON shapes
  json: any;
  location: string | null;
}

export interface SendOptions {
  method?: string;
  headers?: Record<string, string | undefined>;
  /** Sent as JSON (application/json) unless `contentType` says otherwise. */
  json?: unknown;
  /** Sent as application/x-www-form-urlencoded. */
  form?: Record<string, string>;
  /** A raw body (string or bytes), with `contentType` if any. */
  raw?: string | Buffer;
  contentType?: string;
  jar?: CookieJar;
}

/**
 * Sends one request over real HTTP with exactly the headers given (a browser's Origin is not
 * added for you: pass it). The jar's cookies go out and Set-Cookie comes back into it.
 */
export function send(srv: TestServer, path: string, options: SendOptions = {}): Promise<Answer> {
  const headers: Record<string, string> = {};
  let body: Buffer | undefined;
  if (options.json !== undefined) {
    body = Buffer.from(JSON.stringify(options.json));
    headers["content-type"] = "application/json";
  } else if (options.form !== undefined) {
    body = Buffer.from(new URLSearchParams(options.form).toString());
    headers["content-type"] = "application/x-www-form-urlencoded";
  } else if (options.raw !== undefined) {
    body = Buffer.isBuffer(options.raw) ? options.raw : Buffer.from(options.raw);
  }
  if (options.contentType !== undefined) headers["content-type"] = options.contentType;
  if (body !== undefined) headers["content-length"] = String(body.length);
  const cookie = options.jar?.header();
  if (cookie) headers.cookie = cookie;
  for (const [k, v] of Object.entries(options.headers ?? {})) {
    if (v === undefined) delete headers[k.toLowerCase()];
    else headers[k.toLowerCase()] = v;
  }
  const method = options.method ?? (body !== undefined ? "POST" : "GET");
  return new Promise<Answer>((resolve, reject) => {
    const req = httpRequest(
      { host: "127.0.0.1", port: srv.port, method, path, headers, setHost: !("host" in headers) },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", reject);
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          const out = new Headers();
          const setCookies: string[] = [];
          for (let i = 0; i < res.rawHeaders.length; i += 2) {
            const name = res.rawHeaders[i]!.toLowerCase();
            const value = res.rawHeaders[i + 1]!;
            if (name === "set-cookie") setCookies.push(value);
            else out.append(name, value);
          }
          options.jar?.store(setCookies);
          let json: unknown;
          if ((out.get("content-type") ?? "").includes("json")) {
            try {
              json = JSON.parse(text);
            } catch {
              json = undefined;
            }
          }
          resolve({
            status: res.statusCode ?? 0,
            headers: out,
            rawHeaders: res.rawHeaders,
            setCookies,
            text,
            json,
            location: out.get("location"),
          });
        });
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** Origins a redirect may lead to: the app's own and the configured trusted one. */
export function trustedSet(srv: TestServer): Set<string> {
  return new Set([srv.url, TRUSTED]);
}

/**
 * Whether `url` (absolute, or relative to the app) is a place a browser may be sent: http(s),
 * on a trusted origin, and written so that no parser could read another host out of it (no
 * backslash, control character or whitespace, no userinfo).
 */
export function staysTrusted(url: string, srv: TestServer): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is checked
  if (/[\u0000-\u0020\u007f\\]/.test(url)) return false;
  let parsed: URL;
  try {
    parsed = new URL(url, srv.url);
  } catch {
    return false;
  }
  if (parsed.username || parsed.password) return false;
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return false;
  // A relative answer must not be scheme-relative (the Location "//host" leaves the site).
  if (!/^[a-z][a-z0-9+.-]*:/i.test(url) && url.startsWith("//")) return false;
  return trustedSet(srv).has(parsed.origin);
}

/** Signs up over the JSON API; returns the jar holding the session. */
export async function signUp(
  srv: TestServer,
  email: string,
  extra: Record<string, unknown> = {},
): Promise<{ jar: CookieJar; answer: Answer }> {
  const jar = new CookieJar();
  const answer = await send(srv, "/api/auth/sign-up/email", {
    json: { name: "Corpus User", email, password: PASSWORD, ...extra },
    headers: { origin: srv.url },
    jar,
  });
  if (answer.status !== 200) throw new Error(`sign-up answered ${answer.status}: ${answer.text}`);
  return { jar, answer };
}

/** A fresh CSRF token of the browser routes (its cookie lands in `jar`). */
export async function csrfToken(srv: TestServer, jar: CookieJar): Promise<string> {
  const answer = await send(srv, "/auth/csrf", { jar });
  if (answer.status !== 200) throw new Error(`/auth/csrf answered ${answer.status}`);
  return answer.json.csrfToken as string;
}

/** Runs `fn` over `items` with at most `width` at once (keeps a large corpus quick). */
export async function inBatches<T>(
  items: readonly T[],
  width: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  for (let i = 0; i < items.length; i += width) await Promise.all(items.slice(i, i + width).map(fn));
}

/** Prints how many corpus cases a group tried (the count is part of the report). */
export function reportCount(group: string, count: number): void {
  console.log(`[security corpus] ${group}: ${count} cases`);
}
