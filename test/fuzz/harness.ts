/**
 * The fuzzing harness: real servers on 127.0.0.1 (Express 5 with `toNodeHandler(auth)` at
 * /api/auth/*splat and `ExpressAuth` at /auth), a raw HTTP sender that can send what fetch
 * refuses (any method, any bytes, any content type), database watches, and the fixtures
 * requests draw on (a signed-in user, a CSRF pair, live one-time tokens, a started OAuth
 * sign-in). What every answer is held to is in invariants.ts.
 */
import { createServer, request as httpRequest, Agent, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import Database from "better-sqlite3";
import express from "express";
import { createHash } from "node:crypto";
import { createAuth, type Auth } from "../../src/create-auth.js";
import type { AuthOptions } from "../../src/core/options.js";
import { authFor, ExpressAuth } from "../../src/express/index.js";
import { toNodeHandler } from "../../src/node/index.js";
import { magicLink } from "../../src/plugins/magic-link/index.js";
import { username } from "../../src/plugins/username/index.js";
import Credentials from "../../src/providers/credentials.js";
import Email from "../../src/providers/email.js";
import OAuth2 from "../../src/providers/oauth2.js";
import OIDC from "../../src/providers/oidc.js";
import { startServer, type TestServer } from "../helpers/http.js";

export const SECRET = "fuzz-secret-0123456789abcdefghijklmnopqrstuvwxyz";
/** The OIDC provider whose issuer does not answer: starting a sign-in with it is a documented 502. */
export const DEAD_OIDC = "dead-oidc";
/** An OAuth 2 provider with fixed endpoints on a closed port: sign-in starts, the exchange fails. */
export const DEAD_OAUTH = "dead-oauth";
export const FIXTURE_PASSWORD = "correct horse battery";

/**
 * Rows a refused request may legitimately write, left out of the before/after comparison:
 * - the `rateLimit` table (when rate-limit storage is the database): it counts every request,
 *   refused ones included; that is what it is for;
 * - `verification` rows of failed password sign-ins (identifier `password-failures:<hash>`,
 *   src/flows/password-failures.ts): a wrong password is answered 401 and must be counted,
 *   or the per-account limit could be bypassed.
 * Nothing else: every other row of every table must be the same after a refusal.
 */
export function writtenOnRefusal(table: string, row: Record<string, unknown>): boolean {
  if (table === "rateLimit" || table === "rate_limit") return true;
  return table === "verification" && String(row.identifier ?? "").startsWith("password-failures:");
}

/** Placeholders the arbitraries use for values known only when a request is sent. */
export const PLACEHOLDER = {
  origin: "{{origin}}",
  fixtureEmail: "{{fixture-email}}",
  fixturePassword: "{{fixture-password}}",
  csrf: "{{csrf}}",
  magicToken: "{{magic-token}}",
  resetToken: "{{reset-token}}",
  /** The state of a sign-in just started with DEAD_OAUTH (its transaction cookie goes along). */
  oauthState: "{{oauth-state}}",
  /** An address no user has yet, so that sign-ups get through. */
  newEmail: "{{new-email}}",
} as const;

let newEmails = 0;
/** A fresh address per call (the `newEmail` placeholder). */
function newEmail(): string {
  newEmails += 1;
  return `new-${newEmails}-${process.pid}@example.test`;
}

/** Counters of requests sent, per dialect. */
export const counts = { json: 0, browser: 0, health: 0 };

/** One answer, as raw as Node gives it. */
export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** One request, as raw as Node sends it. */
export interface RawRequest {
  method: string;
  /** Path and query, already encoded. */
  path: string;
  headers: Record<string, string>;
  body?: Uint8Array | undefined;
}

/**
 * A connection per request: a refused request may leave its connection unusable (the server
 * answers before reading the body), and reusing kept-alive sockets races the server's
 * keep-alive timeout (ECONNRESET that says nothing about the server).
 */
const agent = new Agent({ keepAlive: false });

/** Sends one request over HTTP to 127.0.0.1:port; rejects when no answer comes within 15 s. */
export function sendRaw(port: number, req: RawRequest): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...req.headers };
    if (req.body !== undefined) headers["content-length"] = String(req.body.byteLength);
    const r = httpRequest(
      { host: "127.0.0.1", port, method: req.method, path: req.path, headers, agent, timeout: 15_000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", reject);
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      },
    );
    r.on("timeout", () => r.destroy(new Error(`no answer within 15 s to ${req.method} ${req.path}`)));
    r.on("error", reject);
    r.end(req.body === undefined ? undefined : Buffer.from(req.body));
  });
}

/** A function mail transport and magic-link sender that keep what they were given. */
export interface Mailbox {
  /** The last link sent, per purpose. */
  links: Map<string, string>;
}

/** A server-side surface of one dialect on one auth instance, and what the fuzzer needs of it. */
export interface Target {
  name: string;
  dialect: "json" | "browser";
  port: number;
  /** "http://127.0.0.1:<port>" */
  origin: string;
  /** "/api/auth" or "/auth" */
  base: string;
  auth: Auth;
  /** The cookie names this instance reads. */
  cookies: {
    session: string;
    sessionData: string;
    dontRemember: string;
    csrf: string;
    oauth: string;
  };
  /** Starts watching the database for writes (but those of writtenOnRefusal). */
  watch: DatabaseWatch;
  /** Errors the instance logged. */
  errors: unknown[][];
  /** A valid session cookie value for the fixture user (made again when the fuzzer ended it). */
  sessionCookie(): Promise<string>;
  /** Current values of the placeholders other than the session. */
  placeholder(name: keyof typeof PLACEHOLDER): Promise<string>;
  /** The CSRF cookie value matching the `csrf` placeholder's token. */
  csrfCookie(): Promise<string>;
  /** Starts a sign-in with DEAD_OAUTH: its state and transaction cookie value. */
  oauthTransaction(): Promise<{ state: string; cookie: string }>;
}

/**
 * Watches the database for one request: `watch()` before it, then the returned function after
 * it lists the writes a refusal must not make ("table: change"), empty when there were none.
 */
export type DatabaseWatch = () => Promise<() => Promise<string[]>>;

/**
 * Writes to every table of a SQLite database, recorded by triggers into a log table: the check
 * after a request reads only what changed, not the whole database (which grows over thousands
 * of requests).
 */
function sqliteWatch(db: Database.Database): DatabaseWatch {
  db.exec("CREATE TABLE fuzz_changes (id INTEGER PRIMARY KEY, tbl TEXT, op TEXT, row TEXT)");
  const tables = db
    .prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'fuzz_changes'",
    )
    .pluck()
    .all() as string[];
  const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;
  for (const table of tables) {
    const columns = db.prepare(`PRAGMA table_info(${quote(table)})`).all() as { name: string }[];
    const json = (alias: string) =>
      `json_object(${columns.map((c) => `'${c.name.replaceAll("'", "''")}', ${alias}.${quote(c.name)}`).join(", ")})`;
    for (const [op, alias] of [
      ["INSERT", "NEW"],
      ["UPDATE", "NEW"],
      ["DELETE", "OLD"],
    ] as const) {
      db.exec(
        `CREATE TRIGGER ${quote(`fuzz_${table}_${op}`)} AFTER ${op} ON ${quote(table)} BEGIN ` +
          `INSERT INTO fuzz_changes (tbl, op, row) VALUES ('${table.replaceAll("'", "''")}', '${op}', ${json(alias)}); END`,
      );
    }
  }
  const clear = db.prepare("DELETE FROM fuzz_changes");
  const read = db.prepare("SELECT tbl, op, row FROM fuzz_changes ORDER BY id");
  return async () => {
    clear.run();
    return async () =>
      (read.all() as { tbl: string; op: string; row: string }[])
        .filter(({ tbl, row }) => !writtenOnRefusal(tbl, JSON.parse(row) as Record<string, unknown>))
        .map(({ tbl, op, row }) => `${tbl}: ${op} ${row.slice(0, 300)}`);
  };
}

/** Every row of every model through the adapter (the memory database), compared before and after. */
function adapterWatch(auth: Auth): DatabaseWatch {
  const snapshot = async (): Promise<Record<string, string>> => {
    const out: Record<string, string> = {};
    for (const model of Object.keys(auth.$context.schema)) {
      const rows = await auth.$context.adapter.findMany({ model });
      out[model] = JSON.stringify(rows.filter((row) => !writtenOnRefusal(model, row)));
    }
    return out;
  };
  return async () => {
    const before = await snapshot();
    return async () => {
      const after = await snapshot();
      return Object.keys(after)
        .filter((model) => after[model] !== before[model])
        .map((model) => `${model}: ${before[model]?.slice(0, 300)} -> ${after[model]?.slice(0, 300)}`);
    };
  };
}

/** A cheap password hash: the fuzzer checks input handling, not argon2's cost (thousands of calls). */
const fastPassword = {
  hash: async (password: string) => `sha256:${createHash("sha256").update(password).digest("hex")}`,
  verify: async ({ hash, password }: { hash: string; password: string }) =>
    hash === `sha256:${createHash("sha256").update(password).digest("hex")}`,
};

/** A port that was open a moment ago and is closed now: connections to it are refused at once. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function setCookieValue(values: string[] | string | undefined, name: string): string | undefined {
  const list = values === undefined ? [] : Array.isArray(values) ? values : [values];
  for (const line of list) {
    const pair = line.split(";")[0] ?? "";
    const eq = pair.indexOf("=");
    if (pair.slice(0, eq).trim() === name && pair.slice(eq + 1) !== "") return pair.slice(eq + 1);
  }
  return undefined;
}

function providersFor(deadPort: number, mailbox: Mailbox): NonNullable<AuthOptions["providers"]> {
  const dead = `http://127.0.0.1:${deadPort}`;
  return [
    OIDC({ id: DEAD_OIDC, issuer: dead, clientId: "fuzz-client", clientSecret: "fuzz-client-secret" }),
    OAuth2({
      id: DEAD_OAUTH,
      clientId: "fuzz-client",
      clientSecret: "fuzz-client-secret",
      authorization: `${dead}/authorize`,
      token: `${dead}/token`,
      userinfo: `${dead}/userinfo`,
    }),
    Credentials({
      credentials: { username: { label: "Username" }, pin: { label: "PIN", type: "password" } },
      authorize: async (fields) =>
        fields.username === "ada" && fields.pin === "1234"
          ? { id: "ada-1", name: "Ada", email: "ada@example.test" }
          : null,
    }),
    Email({
      sendVerificationRequest: ({ token }) => {
        mailbox.links.set("email-provider", token);
      },
    }),
  ];
}

/** The running fuzz servers. */
export interface FuzzServers {
  /** One instance (SQLite, database sessions, cookie cache, plugins) serving both dialects. */
  json: Target;
  browser: Target;
  /** `ExpressAuth(config)` alone: Auth.js defaults (authjs cookies, JWT sessions, memory database). */
  authjs: Target;
  /** GET /health on each server answers 200. */
  health(): Promise<void>;
  close(): Promise<void>;
}

/** Starts the servers. `rateLimit: "default"` leaves the instances' rate limits as they come. */
export async function startFuzzServers(options: { rateLimit: "off" | "default" }): Promise<FuzzServers> {
  const deadPort = await closedPort();
  const rateLimit: AuthOptions["rateLimit"] = options.rateLimit === "off" ? { enabled: false } : undefined;

  // --- one instance, both dialects, SQLite ---
  const mailbox: Mailbox = { links: new Map() };
  const errors: unknown[][] = [];
  const logger = { info() {}, warn() {}, error: (...args: unknown[]) => void errors.push(args) };
  const db = new Database(":memory:");
  const auth = createAuth({
    secret: SECRET,
    logger,
    database: db,
    ...(rateLimit ? { rateLimit } : {}),
    email: {
      from: "Fuzz <no-reply@example.test>",
      transport: async (m) => {
        const link = m.text.match(/https?:\/\/\S+/)?.[0];
        if (link) mailbox.links.set(link.includes("/reset-password/") ? "reset" : "mail", link);
      },
    },
    emailAndPassword: { enabled: true, password: fastPassword },
    session: { cookieCache: { enabled: true } },
    user: { additionalFields: { locale: { type: "string", required: false } } },
    plugins: [
      magicLink({
        sendMagicLink: ({ token }) => {
          mailbox.links.set("magic", token);
        },
      }),
      username(),
    ],
    providers: providersFor(deadPort, mailbox),
  });
  await auth.migrate();
  const app = express();
  app.get("/health", (_req, res) => void res.json({ ok: true }));
  app.all("/api/auth/*splat", toNodeHandler(auth));
  app.use("/auth", ExpressAuth(auth));
  const server = await startServer(app);

  // --- ExpressAuth(config) on its own ---
  const authjsErrors: unknown[][] = [];
  const authjsMailbox: Mailbox = { links: new Map() };
  const config: AuthOptions = {
    secret: SECRET,
    logger: { info() {}, warn() {}, error: (...args: unknown[]) => void authjsErrors.push(args) },
    ...(rateLimit ? { rateLimit } : {}),
    providers: providersFor(deadPort, authjsMailbox),
  };
  const authjsApp = express();
  authjsApp.get("/health", (_req, res) => void res.json({ ok: true }));
  authjsApp.use("/auth", ExpressAuth(config));
  const authjsServer = await startServer(authjsApp);
  const authjs = authFor(config);

  const shared = sharedFixture(
    auth,
    server,
    mailbox,
    (email) => auth.api.signInMagicLink({ body: { email } }),
    db,
  );
  const json: Target = {
    name: "json (SQLite)",
    dialect: "json",
    port: server.port,
    origin: server.url,
    base: "/api/auth",
    auth,
    cookies: {
      session: "gatehouse.session_token",
      sessionData: "gatehouse.session_data",
      dontRemember: "gatehouse.dont_remember",
      csrf: "gatehouse.csrf-token",
      oauth: "gatehouse.oauth_transaction",
    },
    watch: sqliteWatch(db),
    errors,
    ...shared,
  };
  const browser: Target = { ...json, name: "browser (same instance)", dialect: "browser", base: "/auth" };
  const authjsTarget: Target = {
    name: "browser (ExpressAuth config, JWT)",
    dialect: "browser",
    port: authjsServer.port,
    origin: authjsServer.url,
    base: "/auth",
    auth: authjs,
    cookies: {
      session: "authjs.session-token",
      sessionData: "authjs.session_data",
      dontRemember: "authjs.dont_remember",
      csrf: "authjs.csrf-token",
      oauth: "authjs.oauth_transaction",
    },
    watch: adapterWatch(authjs),
    errors: authjsErrors,
    ...(await authjsFixture(authjsServer, authjsMailbox)),
  };

  return {
    json,
    browser,
    authjs: authjsTarget,
    async health() {
      for (const port of [server.port, authjsServer.port]) {
        counts.health += 1;
        const res = await sendRaw(port, { method: "GET", path: "/health", headers: {} });
        if (res.status !== 200) throw new Error(`health check on ${port} answered ${res.status}`);
      }
    },
    async close() {
      agent.destroy();
      await Promise.all([server.close(), authjsServer.close()]);
      await auth.close();
      db.close();
    },
  };
}

/** A CSRF cookie value and its token from a browser-dialect server (GET /auth/csrf). */
async function csrfPair(port: number): Promise<{ cookie: string; token: string }> {
  const res = await sendRaw(port, { method: "GET", path: "/auth/csrf", headers: {} });
  const token = (JSON.parse(res.body.toString()) as { csrfToken: string }).csrfToken;
  const line = (res.headers["set-cookie"] ?? []).find((l) => /^[^=]*\.csrf-token=/.test(l)) ?? "";
  const cookie = line.slice(line.indexOf("=") + 1).split(";")[0];
  if (!cookie) throw new Error("no CSRF cookie from /auth/csrf");
  return { cookie, token };
}

/**
 * The fixture user of the shared instance and its session. The fuzzer may sign it out, change
 * its password or delete it; then the next request that wants a session gets a new one (for a
 * new user when the old one is gone or its password changed).
 */
function sharedFixture(
  auth: Auth,
  server: TestServer,
  mailbox: Mailbox,
  sendMagicLink: (email: string) => Promise<unknown>,
  db: Database.Database,
): Pick<Target, "sessionCookie" | "placeholder" | "csrfCookie" | "oauthTransaction"> {
  let generation = 0;
  let email = "fixture-0@example.test";
  let cookie: string | undefined;
  let csrf: { cookie: string; token: string } | undefined;

  // Through auth.api (no rate limit there), so the run with default limits keeps its fixture.
  const signIn = async (): Promise<string> => {
    const body = { email, password: FIXTURE_PASSWORD, name: "Fixture" };
    for (const call of [auth.api.signInEmail, auth.api.signUpEmail] as const) {
      const result = await (call as typeof auth.api.signUpEmail)({ body, returnHeaders: true }).catch(
        () => null,
      );
      const value = result && setCookieValue(result.headers.getSetCookie(), "gatehouse.session_token");
      if (value) return value;
    }
    generation += 1;
    email = `fixture-${generation}@example.test`;
    return signIn();
  };

  // Straight from the database (SQLite keeps dates as epoch ms): it runs before most requests.
  const lookup = db.prepare(
    'SELECT 1 FROM "session" s JOIN "user" u ON u."id" = s."userId" WHERE s."token" = ? AND u."email" = ? AND s."expiresAt" > ?',
  );
  const valid = (value: string): boolean => {
    const token = value.slice(0, value.lastIndexOf("."));
    const hash = createHash("sha256").update(token).digest("hex");
    return lookup.get(hash, email, Date.now()) !== undefined;
  };

  return {
    async csrfCookie() {
      csrf ??= await csrfPair(server.port);
      return csrf.cookie;
    },
    async oauthTransaction() {
      const { headers, response } = await auth.api.signInSocial({
        body: { provider: DEAD_OAUTH, disableRedirect: true },
        returnHeaders: true,
      });
      const state = new URL(String(response.url)).searchParams.get("state") ?? "";
      const cookie = setCookieValue(headers.getSetCookie(), "gatehouse.oauth_transaction") ?? "";
      return { state, cookie };
    },
    async sessionCookie() {
      if (!cookie || !valid(cookie)) cookie = await signIn();
      return cookie;
    },
    async placeholder(name) {
      switch (name) {
        case "fixtureEmail":
          return email;
        case "fixturePassword":
          return FIXTURE_PASSWORD;
        case "csrf":
          csrf ??= await csrfPair(server.port);
          return csrf.token;
        case "origin":
          return server.url;
        case "newEmail":
          return newEmail();
        case "oauthState":
          return (await this.oauthTransaction()).state;
        case "magicToken":
          mailbox.links.delete("magic");
          await sendMagicLink(email);
          return mailbox.links.get("magic") ?? "no-magic-token";
        case "resetToken": {
          mailbox.links.delete("reset");
          await auth.api.requestPasswordReset({ body: { email } });
          const link = mailbox.links.get("reset");
          return link ? (new URL(link).pathname.split("/").pop() ?? "") : "no-reset-token";
        }
      }
    },
  };
}

/** The ExpressAuth-only server's fixture: a JWT session from the Credentials provider. */
async function authjsFixture(
  server: TestServer,
  mailbox: Mailbox,
): Promise<Pick<Target, "sessionCookie" | "placeholder" | "csrfCookie" | "oauthTransaction">> {
  const csrf = await csrfPair(server.port);
  const csrfCookie = `authjs.csrf-token=${csrf.cookie}`;
  const body = Buffer.from(
    new URLSearchParams({ csrfToken: csrf.token, username: "ada", pin: "1234" }).toString(),
  );
  const res = await sendRaw(server.port, {
    method: "POST",
    path: "/auth/callback/credentials",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      origin: server.url,
      cookie: csrfCookie,
    },
    body,
  });
  const oauthTransaction = async (): Promise<{ state: string; cookie: string }> => {
    const res = await sendRaw(server.port, {
      method: "POST",
      path: `/auth/signin/${DEAD_OAUTH}`,
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        origin: server.url,
        cookie: csrfCookie,
      },
      body: Buffer.from(new URLSearchParams({ csrfToken: csrf.token }).toString()),
    });
    const location = String(res.headers.location ?? "");
    const state = location.startsWith("http") ? (new URL(location).searchParams.get("state") ?? "") : "";
    return { state, cookie: setCookieValue(res.headers["set-cookie"], "authjs.oauth_transaction") ?? "" };
  };
  const session = setCookieValue(res.headers["set-cookie"], "authjs.session-token");
  if (!session) throw new Error(`no session from the credentials sign-in (${res.status})`);
  return {
    sessionCookie: async () => session,
    csrfCookie: async () => csrf.cookie,
    oauthTransaction,
    async placeholder(name) {
      switch (name) {
        case "fixtureEmail":
          return "ada@example.test";
        case "fixturePassword":
          return FIXTURE_PASSWORD;
        case "csrf":
          return csrf.token;
        case "origin":
          return server.url;
        case "newEmail":
          return newEmail();
        case "oauthState":
          return (await oauthTransaction()).state;
        case "resetToken":
        case "magicToken": {
          mailbox.links.delete("email-provider");
          const form = new URLSearchParams({ csrfToken: csrf.token, email: "ada@example.test" }).toString();
          await sendRaw(server.port, {
            method: "POST",
            path: "/auth/signin/email",
            headers: {
              "content-type": "application/x-www-form-urlencoded",
              origin: server.url,
              cookie: csrfCookie,
            },
            body: Buffer.from(form),
          });
          return mailbox.links.get("email-provider") ?? "no-email-token";
        }
      }
    },
  };
}
