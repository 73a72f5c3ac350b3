/**
 * Shared helpers for tests over real HTTP: a server on a free 127.0.0.1 port, a cookie jar,
 * a test auth instance and the two Express majors side by side.
 */
import type { AddressInfo } from "node:net";
import { createServer, type RequestListener, type Server } from "node:http";
import express from "express";
import express4 from "express4";
import { createAuth, type Auth } from "../../src/create-auth.js";
import type { AuthOptions } from "../../src/core/options.js";

/** A listening server and how to reach it. */
export interface TestServer {
  server: Server;
  port: number;
  /** "http://127.0.0.1:<port>", the origin a browser on this server would send. */
  url: string;
  close(): Promise<void>;
}

/** Starts `listener` (an Express app or a plain Node listener) on 127.0.0.1, port 0. */
export async function startServer(listener: RequestListener): Promise<TestServer> {
  const server = createServer(listener);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    server,
    port,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** A 32+ character test secret. */
export const TEST_SECRET = `${"a".repeat(32)}-gatehouse-test-secret`;

/** Errors the test auth instances logged (an unexpected 500 shows up here). */
export const loggedErrors: unknown[][] = [];

/**
 * An auth instance for tests: memory database, email + password on, a logger that records
 * errors, rate limits off (the suites using it are not about limits and sign in many times from
 * 127.0.0.1; pass `rateLimit` to have them).
 */
export function testAuth(options: AuthOptions = {}): Auth {
  return createAuth({
    secret: TEST_SECRET,
    logger: { info() {}, warn() {}, error: (...args: unknown[]) => void loggedErrors.push(args) },
    rateLimit: { enabled: false },
    ...options,
    emailAndPassword: { enabled: true, ...options.emailAndPassword },
  });
}

/** A unique email per call, so tests sharing one database never collide. */
let counter = 0;
export function uniqueEmail(tag = "user"): string {
  counter += 1;
  return `${tag}-${process.pid}-${Date.now().toString(36)}-${counter}@example.com`;
}

/** One Set-Cookie value, parsed enough for assertions. */
export interface ParsedSetCookie {
  name: string;
  value: string;
  /** Attribute names lower-cased ("secure", "httponly", "max-age" ...) -> value ("" when bare). */
  attributes: Record<string, string>;
}

/** Parses Set-Cookie header values (as Node gives them: a string array). */
export function parseSetCookies(values: string | string[] | undefined): ParsedSetCookie[] {
  const list = values === undefined ? [] : Array.isArray(values) ? values : [values];
  return list.map((line) => {
    const [pair = "", ...attrs] = line.split(";");
    const eq = pair.indexOf("=");
    const attributes: Record<string, string> = {};
    for (const attr of attrs) {
      const i = attr.indexOf("=");
      const key = (i === -1 ? attr : attr.slice(0, i)).trim().toLowerCase();
      attributes[key] = i === -1 ? "" : attr.slice(i + 1).trim();
    }
    return { name: pair.slice(0, eq).trim(), value: pair.slice(eq + 1).trim(), attributes };
  });
}

/** A minimal browser-like cookie jar (one host; honours Max-Age=0 / empty value as deletion). */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  /** Stores the cookies of a response's Set-Cookie values. */
  store(values: string | string[] | undefined | null): void {
    for (const c of parseSetCookies(values ?? undefined)) {
      const maxAge = c.attributes["max-age"];
      const expired = maxAge !== undefined && Number(maxAge) <= 0;
      if (expired || c.value === "") this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
  }

  /** Stores the cookies of a Web `Response`. */
  storeFrom(response: Response): void {
    this.store(response.headers.getSetCookie());
  }

  get(name: string): string | undefined {
    return this.cookies.get(name);
  }

  names(): string[] {
    return [...this.cookies.keys()];
  }

  /** The Cookie request header ("" when empty). */
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  clear(): void {
    this.cookies.clear();
  }
}

/** The cookie name of a session on plain http with the default prefix. */
export const SESSION_COOKIE = "gatehouse.session_token";
/** The cookie name of a session on https with the default prefix. */
export const SECURE_SESSION_COOKIE = "__Secure-gatehouse.session_token";

/** What the Express-major-parameterised suites need from each major. */
export interface ExpressVariant {
  name: "express4" | "express5";
  major: 4 | 5;
  /** The Express factory (typed as Express 5's; the Express 4 runtime has the same surface we use). */
  express: typeof express;
  /** Wildcard route paths for `app.all(path, handler)` in this major's path syntax. */
  wildcardRoutes: string[];
}

/** Express 4 and Express 5, for `describe.each`. */
export const EXPRESS_VARIANTS: ExpressVariant[] = [
  { name: "express4", major: 4, express: express4, wildcardRoutes: ["/api/auth/*"] },
  { name: "express5", major: 5, express, wildcardRoutes: ["/api/auth/*splat", "/api/auth/{*splat}"] },
];

/** A sign-up body for `email`. */
export function signUpBody(
  email: string,
  password = "correct horse battery",
): { name: string; email: string; password: string } {
  return { name: "Test User", email, password };
}
