/**
 * Attack corpus, prototype pollution, over real HTTP (the server runs in this process, so a
 * polluted Object.prototype would show here): `__proto__`, `constructor` and `prototype` keys in
 * JSON bodies (top level and nested), form bodies and query strings (flat and in qs's bracket
 * syntax), and cookie names, through the JSON API and the browser routes, with and without
 * Express's own body and query parsers in front. Afterwards Object.prototype is unchanged,
 * `({}).polluted` is undefined, no answer was a 500, and no stored row gained a field or a
 * value (a user made this way is not verified and has exactly the fields any user has).
 */
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Auth } from "../../src/create-auth.js";
import { ExpressAuth } from "../../src/express/index.js";
import { toNodeHandler } from "../../src/node/index.js";
import { magicLink } from "../../src/plugins/magic-link/index.js";
import Credentials from "../../src/providers/credentials.js";
import GitHub from "../../src/providers/github.js";
import { startServer, type TestServer, uniqueEmail } from "../helpers/http.js";
import {
  type Answer,
  CookieJar,
  corpusAuth,
  csrfToken,
  loggedErrors,
  PASSWORD,
  reportCount,
  send,
  signUp,
} from "./support.js";

const prototypeBefore = Object.getOwnPropertyNames(Object.prototype).sort();

/** Object.prototype as it was, and nothing reachable from a fresh object that should not be. */
function pollution(): string | undefined {
  const now = Object.getOwnPropertyNames(Object.prototype).sort();
  if (JSON.stringify(now) !== JSON.stringify(prototypeBefore))
    return `Object.prototype gained ${now.filter((n) => !prototypeBefore.includes(n))}`;
  const probe = {} as Record<string, unknown>;
  for (const key of ["polluted", "emailVerified", "role", "isAdmin", "csrfToken", "toString_"])
    if (probe[key] !== undefined) return `({}).${key} is ${String(probe[key])}`;
  if (typeof probe.toString !== "function") return "({}).toString was replaced";
  return undefined;
}

/** Raw JSON fragments (a key and its value) spliced into a valid body. */
const JSON_FRAGMENTS: readonly string[] = [
  `"__proto__": {"polluted": "yes", "emailVerified": true, "role": "admin"}`,
  `"constructor": {"prototype": {"polluted": "yes"}}`,
  `"prototype": {"polluted": "yes"}`,
  `"__proto__": {"__proto__": {"polluted": "yes"}}`,
  `"__proto__": {"constructor": {"prototype": {"polluted": "yes"}}}`,
  `"__proto__": "yes"`,
  `"__proto__": null`,
  `"__proto__": ["polluted"]`,
  `"constructor": "yes"`,
  `"constructor": {"name": "polluted"}`,
  `"toString": "polluted"`,
  `"hasOwnProperty": "polluted"`,
  `"valueOf": {"polluted": "yes"}`,
  `"emailVerified": true, "__proto__": {"emailVerified": true}`,
  `"metadata": {"__proto__": {"polluted": "yes"}, "constructor": {"prototype": {"polluted": "yes"}}}`,
  `"idToken": {"token": "x.y.z", "__proto__": {"polluted": "yes"}, "user": {"__proto__": {"polluted": "yes"}}}`,
  `"scopes": ["openid"], "__proto__": {"length": 0, "polluted": "yes"}`,
];

/** Splices a fragment into the JSON text of `base` (as the first member). */
function spliced(base: Record<string, unknown>, fragment: string): string {
  const text = JSON.stringify(base);
  return text === "{}" ? `{${fragment}}` : `{${fragment},${text.slice(1)}`;
}

/** Form and query-string keys, flat and in qs's bracket and dot syntax. */
const FORM_FRAGMENTS: readonly string[] = [
  "__proto__[polluted]=yes",
  "__proto__.polluted=yes",
  "__proto__[emailVerified]=true",
  "constructor[prototype][polluted]=yes",
  "constructor.prototype.polluted=yes",
  "__proto__=yes",
  "constructor=yes",
  "prototype=yes",
  "toString=yes",
  "__proto__[__proto__][polluted]=yes",
  "a[__proto__][polluted]=yes",
  "__proto__%5Bpolluted%5D=yes",
];

interface Setup {
  name: string;
  /** Puts Express's parsers in front (qs bracket syntax for bodies and query strings). */
  parsers: boolean;
}

const SETUPS: Setup[] = [
  { name: "no body parsers", parsers: false },
  { name: "express.json + urlencoded({ extended: true }) + extended query parser", parsers: true },
];

describe.each(SETUPS)("prototype pollution ($name)", (setup) => {
  let auth: Auth;
  let srv: TestServer;
  let victim: { email: string; jar: CookieJar; id: string };
  let userKeys: string[];
  let cases = 0;

  beforeAll(async () => {
    ({ auth } = corpusAuth({
      providers: [
        GitHub({ clientId: "gh-id", clientSecret: "gh-secret" }),
        Credentials({
          credentials: { username: { label: "Username" } },
          authorize: async ({ username }) =>
            username === "ada" ? { id: "ada-pp", name: "Ada", email: "ada-pp@example.test" } : null,
        }),
      ],
      user: { additionalFields: { nickname: { type: "string", required: false, input: true } } },
      plugins: [magicLink({ sendMagicLink: async () => undefined })],
    }));
    const app = express();
    if (setup.parsers) {
      app.set("query parser", "extended");
      app.use(express.json());
      app.use(express.urlencoded({ extended: true }));
    }
    app.all("/api/auth/*splat", toNodeHandler(auth));
    app.use("/auth", ExpressAuth(auth));
    srv = await startServer(app);
    const email = uniqueEmail("pp-victim");
    const { jar, answer } = await signUp(srv, email);
    victim = { email, jar, id: answer.json.user.id };
    userKeys = Object.keys((await storedUser(victim.id)) ?? {}).sort();
  });
  afterAll(async () => {
    reportCount(`prototype-pollution / ${setup.name}`, cases);
    await srv.close();
  });

  async function storedUser(id: string): Promise<Record<string, unknown> | null> {
    return auth.$context.adapter.findOne({ model: "user", where: [{ field: "id", value: id }] });
  }

  /** Checks one answer; returns what went wrong. */
  function judge(answer: Answer): string | undefined {
    if (answer.status >= 500) return `answered ${answer.status} ${answer.text.slice(0, 100)}`;
    return pollution();
  }

  /** A stored user has exactly the fields every user has, and nothing a fragment tried to set. */
  async function rowProblem(id: string): Promise<string | undefined> {
    const row = await storedUser(id);
    if (!row) return "no row";
    const keys = Object.keys(row).sort();
    if (JSON.stringify(keys) !== JSON.stringify(userKeys)) return `row fields ${keys.join(",")}`;
    if (row.emailVerified !== false) return "emailVerified set";
    if (Object.getPrototypeOf(row) !== Object.prototype && Object.getPrototypeOf(row) !== null)
      return "row prototype changed";
    if ("polluted" in row || "role" in row) return "row reaches a polluted key";
    return undefined;
  }

  const JSON_TARGETS: {
    path: string;
    base: () => Record<string, unknown>;
    session?: boolean;
    creates?: boolean;
  }[] = [
    {
      path: "/sign-up/email",
      base: () => ({ name: "PP", email: uniqueEmail("pp-su"), password: PASSWORD }),
      creates: true,
    },
    { path: "/sign-in/email", base: () => ({ email: "pp-nobody@example.test", password: PASSWORD }) },
    { path: "/update-user", base: () => ({ name: "Victim" }), session: true },
    { path: "/change-email", base: () => ({ newEmail: uniqueEmail("pp-ce") }), session: true },
    { path: "/request-password-reset", base: () => ({ email: "pp-nobody@example.test" }) },
    { path: "/sign-in/social", base: () => ({ provider: "github" }) },
    { path: "/sign-in/magic-link", base: () => ({ email: "pp-ml@example.test" }) },
    { path: "/magic-link/verify", base: () => ({ token: "a".repeat(40) }) },
    { path: "/revoke-session", base: () => ({ token: "x" }), session: true },
    { path: "/unlink-account", base: () => ({ providerId: "github" }), session: true },
  ];

  it("JSON bodies: every endpoint × every fragment", async () => {
    const failures: string[] = [];
    let created = 0;
    for (const target of JSON_TARGETS) {
      for (const fragment of JSON_FRAGMENTS) {
        cases += 1;
        const answer = await send(srv, `/api/auth${target.path}`, {
          raw: spliced(target.base(), fragment),
          contentType: "application/json",
          headers: { origin: srv.url, accept: "application/json" },
          jar: target.session ? victim.jar : undefined,
        });
        const problem = judge(answer);
        if (problem) failures.push(`${target.path} ${fragment}: ${problem}`);
        if (target.creates && answer.status === 200) {
          created += 1;
          const row = await rowProblem(answer.json.user.id);
          if (row) failures.push(`${target.path} ${fragment}: ${row}`);
        }
      }
    }
    expect(failures).toEqual([]);
    // Most fragments leave the body valid: users were created with them, and checked.
    expect(created).toBeGreaterThan(JSON_FRAGMENTS.length / 2);
    expect(await rowProblem(victim.id)).toBeUndefined();
    expect((await storedUser(victim.id))?.name).toBe("Victim");
  });

  it("the answers themselves carry no injected members", async () => {
    cases += 1;
    const answer = await send(srv, "/api/auth/sign-up/email", {
      raw: spliced({ name: "PP", email: uniqueEmail("pp-answer"), password: PASSWORD }, JSON_FRAGMENTS[0]!),
      contentType: "application/json",
      headers: { origin: srv.url },
    });
    expect(answer.status).toBe(200);
    expect(answer.json.user.emailVerified).toBe(false);
    expect(answer.json.user).not.toHaveProperty("role");
    expect(answer.json.user).not.toHaveProperty("polluted");
  });

  it("form bodies and query strings: JSON API and browser routes × every key", async () => {
    const failures: string[] = [];
    const jar = new CookieJar();
    const token = await csrfToken(srv, jar);
    for (const fragment of FORM_FRAGMENTS) {
      const requests: [string, () => Promise<Answer>][] = [
        [
          "form POST /api/auth/sign-up/email",
          () =>
            send(srv, "/api/auth/sign-up/email", {
              raw: `${fragment}&name=PP&email=${encodeURIComponent(uniqueEmail("pp-form"))}&password=${encodeURIComponent(PASSWORD)}`,
              contentType: "application/x-www-form-urlencoded",
              headers: { origin: srv.url },
            }),
        ],
        [
          "form POST /api/auth/update-user",
          () =>
            send(srv, "/api/auth/update-user", {
              raw: `${fragment}&name=Victim`,
              contentType: "application/x-www-form-urlencoded",
              headers: { origin: srv.url },
              jar: victim.jar,
            }),
        ],
        [
          "query GET /api/auth/get-session",
          () => send(srv, `/api/auth/get-session?${fragment}`, { jar: victim.jar }),
        ],
        [
          "query GET /api/auth/verify-email",
          () => send(srv, `/api/auth/verify-email?token=${"a".repeat(30)}&${fragment}`),
        ],
        [
          "query GET /api/auth/reset-password/:token",
          () => send(srv, `/api/auth/reset-password/x?callbackURL=%2F&${fragment}`),
        ],
        [
          "query GET /api/auth/magic-link/verify",
          () => send(srv, `/api/auth/magic-link/verify?token=${"a".repeat(30)}&${fragment}`),
        ],
        [
          "query GET /api/auth/callback/github",
          () => send(srv, `/api/auth/callback/github?code=c&state=s&${fragment}`),
        ],
        ["query GET /auth/signin", () => send(srv, `/auth/signin?${fragment}`, { jar })],
        ["query GET /auth/error", () => send(srv, `/auth/error?error=x&${fragment}`)],
        [
          "query GET /auth/callback/github",
          () => send(srv, `/auth/callback/github?code=c&state=s&${fragment}`, { jar }),
        ],
        [
          "form + query POST /auth/signin/github (authorization params)",
          () =>
            send(srv, `/auth/signin/github?${fragment}`, {
              raw: `${fragment}&csrfToken=${token}`,
              contentType: "application/x-www-form-urlencoded",
              headers: { origin: srv.url },
              jar,
            }),
        ],
        [
          "form POST /auth/callback/credentials",
          () =>
            send(srv, "/auth/callback/credentials", {
              raw: `${fragment}&csrfToken=${token}&username=nobody`,
              contentType: "application/x-www-form-urlencoded",
              headers: { origin: srv.url },
              jar,
            }),
        ],
        [
          "form POST /auth/signup",
          () =>
            send(srv, "/auth/signup", {
              raw: `${fragment}&csrfToken=${token}&email=${encodeURIComponent(uniqueEmail("pp-bsu"))}&password=${encodeURIComponent(PASSWORD)}`,
              contentType: "application/x-www-form-urlencoded",
              headers: { origin: srv.url },
              jar: new CookieJar(),
            }),
        ],
        [
          "form POST /auth/session",
          () =>
            send(srv, "/auth/session", {
              raw: `${fragment}&csrfToken=${token}`,
              contentType: "application/x-www-form-urlencoded",
              headers: { origin: srv.url },
              jar,
            }),
        ],
      ];
      for (const [label, run] of requests) {
        cases += 1;
        const answer = await run();
        const problem = judge(answer);
        if (problem) failures.push(`${label} ${fragment}: ${problem}`);
        if (label === "form POST /api/auth/sign-up/email" && answer.status === 200) {
          const row = await rowProblem(answer.json.user.id);
          if (row) failures.push(`${label} ${fragment}: ${row}`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(await rowProblem(victim.id)).toBeUndefined();
  });

  it("cookie names __proto__, constructor and prototype", async () => {
    const failures: string[] = [];
    const real = victim.jar.header();
    for (const cookie of [
      "__proto__=x",
      "__proto__=%7B%22polluted%22%3A1%7D",
      "constructor=x",
      "prototype=x",
      "hasOwnProperty=x",
      "gatehouse.session_token.__proto__=x",
      "authjs.session-token.__proto__=x",
      "__proto__.polluted=x",
    ]) {
      for (const [label, path] of [
        ["get-session", "/api/auth/get-session"],
        ["/auth/session", "/auth/session"],
        ["/auth/csrf", "/auth/csrf"],
      ] as const) {
        cases += 1;
        const answer = await send(srv, path, { headers: { cookie: `${cookie}; ${real}` } });
        const problem = judge(answer);
        if (problem) failures.push(`${label} ${cookie}: ${problem}`);
        if (label === "get-session" && answer.json?.user?.email !== victim.email)
          failures.push(`${label} ${cookie}: the real session was lost`);
      }
    }
    expect(failures).toEqual([]);
  });

  it("no request of this setup was an unexpected server error", () => {
    expect(loggedErrors).toEqual([]);
    expect(pollution()).toBeUndefined();
  });
});
