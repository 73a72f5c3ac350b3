/**
 * Attack corpus, CRLF and header injection, over real HTTP: CR, LF and their look-alikes
 * (percent-encoded, UTF-8 sequences whose low bytes are CR/LF, U+2028, NEL, NUL) through every
 * string that reaches a response header: callback URLs into Location (both dialects, and
 * `{ url }`), the app's page URLs, provider ids and tokens in paths, cookie names, a user's name,
 * email and image (session reads, cookie cache, JWT cookie, mail over real SMTP), and
 * Host / X-Forwarded-Host / X-Forwarded-Proto. No answer may carry an injected header, an
 * extra Set-Cookie, a Location with a line break, or be a 500.
 */
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Auth } from "../../src/create-auth.js";
import { ExpressAuth, type ExpressAuthConfig } from "../../src/express/index.js";
import { magicLink } from "../../src/plugins/magic-link/index.js";
import Credentials from "../../src/providers/credentials.js";
import GitHub from "../../src/providers/github.js";
import { startServer, type TestServer, uniqueEmail } from "../helpers/http.js";
import { startSmtpServer, type TestSmtpServer } from "../helpers/smtp.js";
import {
  type Answer,
  CookieJar,
  corpusAuth,
  csrfToken,
  loggedErrors,
  type Mailbox,
  PASSWORD,
  quietLogger,
  reportCount,
  send,
  serveBoth,
  signUp,
  TEST_SECRET,
} from "./support.js";

/** Values that try to end a header line and start another. */
const CRLF_VALUES: readonly { label: string; value: string }[] = [
  { label: "CRLF", value: "/a\r\nSet-Cookie: injected=1" },
  { label: "LF", value: "/a\nSet-Cookie: injected=1" },
  { label: "CR", value: "/a\rSet-Cookie: injected=1" },
  { label: "CRLF CRLF body", value: "/a\r\n\r\n<script>alert(1)</script>" },
  { label: "percent-encoded CRLF", value: "/a%0d%0aSet-Cookie:%20injected=1" },
  { label: "percent-encoded CRLF, upper case", value: "/a%0D%0ASet-Cookie:%20injected=1" },
  { label: "double-encoded CRLF", value: "/a%250d%250aSet-Cookie:%20injected=1" },
  { label: "U+010D U+010A (low bytes CR LF)", value: "/a\u010d\u010aSet-Cookie: injected=1" },
  { label: "U+560D U+560A (low bytes CR LF)", value: "/a\u560d\u560aSet-Cookie: injected=1" },
  { label: "UTF-8 of U+560A/U+560D, percent-encoded", value: "/a%E5%98%8A%E5%98%8DSet-Cookie:%20injected=1" },
  { label: "U+2028 line separator", value: "/a\u2028Set-Cookie: injected=1" },
  { label: "U+0085 next line", value: "/a\u0085Set-Cookie: injected=1" },
  { label: "vertical tab and form feed", value: "/a\u000b\u000cSet-Cookie: injected=1" },
  { label: "NUL", value: "/a\u0000Set-Cookie: injected=1" },
  { label: "absolute trusted URL with CRLF", value: "https://trusted.example/a\r\nX-Injected: 1" },
  { label: "absolute own URL with encoded CRLF", value: "/%0d%0aX-Injected:%201" },
];

/** What no answer may contain: an injected header line, a Set-Cookie we did not mean, a broken Location, a 500. */
function injectionIn(answer: Answer): string | undefined {
  if (answer.status >= 500) return `answered ${answer.status}`;
  for (let i = 0; i < answer.rawHeaders.length; i += 2) {
    const name = answer.rawHeaders[i]!.toLowerCase();
    const value = answer.rawHeaders[i + 1]!;
    if (name === "x-injected") return "an X-Injected header";
    // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
    if (/[\r\n\u0000]/.test(value)) return `a line break in ${name}`;
    if (name === "set-cookie" && /injected/i.test(value)) return `an injected cookie: ${value}`;
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  if (answer.location !== null && /[\s\u0000-\u001f\u007f-\u00ff]/.test(answer.location))
    return `Location not encoded: ${JSON.stringify(answer.location)}`;
  return undefined;
}

let auth: Auth;
let mail: Mailbox;
let srv: TestServer;
let pagesSrv: TestServer;

beforeAll(async () => {
  ({ auth, mail } = corpusAuth({
    providers: [
      GitHub({ clientId: "gh-id", clientSecret: "gh-secret" }),
      Credentials({
        credentials: { username: { label: "Username" } },
        authorize: async ({ username }) =>
          username === "ada" ? { id: "ada-hi", name: "Ada", email: "ada-hi@example.test" } : null,
      }),
    ],
    plugins: [magicLink({ sendMagicLink: async () => undefined })],
  }));
  srv = await serveBoth(auth);
  // The app's own pages: the browser routes redirect to them, carrying callbackUrl and error.
  const { auth: pagesAuth } = corpusAuth({ pages: { signIn: "/login", error: "/oops", signOut: "/bye" } });
  pagesSrv = await serveBoth(pagesAuth);
});
afterAll(async () => {
  await srv.close();
  await pagesSrv.close();
});

describe("CRLF through every URL parameter that reaches Location or { url }", () => {
  let cases = 0;
  afterAll(() => reportCount("header-injection / URL parameters", cases));

  const enc = (q: Record<string, string>) => new URLSearchParams(q).toString();
  const browserPost = async (
    path: string,
    fields: Record<string, string>,
    extra: Record<string, string> = {},
  ) => {
    const jar = new CookieJar();
    const token = await csrfToken(srv, jar);
    return send(srv, path, {
      form: { csrfToken: token, ...fields },
      headers: { origin: srv.url, ...extra },
      jar,
    });
  };
  const PARAMETERS: { name: string; run(v: string): Promise<Answer> }[] = [
    {
      name: "JSON sign-in callbackURL ({ url })",
      run: (v) =>
        send(srv, "/api/auth/sign-in/email", {
          json: { email: "hi-user@example.test", password: PASSWORD, callbackURL: v },
          headers: { origin: srv.url },
        }),
    },
    {
      name: "JSON verify-email callbackURL",
      run: (v) => send(srv, `/api/auth/verify-email?${enc({ token: "x".repeat(20), callbackURL: v })}`),
    },
    {
      name: "JSON reset-password callbackURL",
      run: (v) => send(srv, `/api/auth/reset-password/nope?${enc({ callbackURL: v })}`),
    },
    {
      name: "JSON magic-link verify callbackURL",
      run: (v) => send(srv, `/api/auth/magic-link/verify?${enc({ token: "x".repeat(20), callbackURL: v })}`),
    },
    {
      name: "JSON magic-link verify errorCallbackURL",
      run: (v) =>
        send(srv, `/api/auth/magic-link/verify?${enc({ token: "x".repeat(20), errorCallbackURL: v })}`),
    },
    { name: "browser signout callbackUrl", run: (v) => browserPost("/auth/signout", { callbackUrl: v }) },
    {
      name: "browser signout callbackUrl, X-Auth-Return-Redirect",
      run: (v) => browserPost("/auth/signout", { callbackUrl: v }, { "x-auth-return-redirect": "1" }),
    },
    {
      name: "browser credentials callbackUrl",
      run: (v) => browserPost("/auth/callback/credentials", { username: "ada", callbackUrl: v }),
    },
    {
      name: "browser OAuth sign-in callbackUrl",
      run: (v) => browserPost("/auth/signin/github", { callbackUrl: v }),
    },
    {
      name: "browser sign-in page callbackUrl (HTML)",
      run: (v) => send(srv, `/auth/signin?${enc({ callbackUrl: v, error: v })}`),
    },
    {
      name: "browser sign-out page callbackUrl (HTML)",
      run: (v) => send(srv, `/auth/signout?${enc({ callbackUrl: v })}`),
    },
    { name: "browser error page error (HTML)", run: (v) => send(srv, `/auth/error?${enc({ error: v })}`) },
    {
      name: "pages.signIn redirect carrying callbackUrl, error and code",
      run: (v) => send(pagesSrv, `/auth/signin?${enc({ callbackUrl: v, error: v, code: v })}`),
    },
    {
      name: "pages.error redirect carrying error",
      run: (v) => send(pagesSrv, `/auth/error?${enc({ error: v })}`),
    },
    {
      name: "JSON error page error",
      run: (v) => send(srv, `/api/auth/error?${enc({ error: v.slice(0, 100) })}`),
    },
  ];

  beforeAll(async () => {
    await signUp(srv, "hi-user@example.test");
  });

  for (const parameter of PARAMETERS) {
    it(`${parameter.name}: no header splitting`, async () => {
      const failures: string[] = [];
      for (const { label, value } of CRLF_VALUES) {
        cases += 1;
        const problem = injectionIn(await parameter.run(value));
        if (problem) failures.push(`${label}: ${problem}`);
      }
      expect(failures).toEqual([]);
    });
  }
});

/** A path segment as the app sees it once decoded (the raw text when it does not decode). */
function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

describe("CRLF in path segments: provider ids and tokens", () => {
  let cases = 0;
  afterAll(() => reportCount("header-injection / path segments", cases));

  const SEGMENTS = [
    "x%0d%0aSet-Cookie:%20injected=1",
    "x%0aX-Injected:%201",
    "x%0d%0a%0d%0a%3Cscript%3E",
    "x%C4%8D%C4%8ASet-Cookie:injected=1",
    "%E5%98%8A%E5%98%8DSet-Cookie:injected=1",
    "x%E2%80%A8X-Injected:1",
    "x%00",
    "..%2f..%2fevil.example",
    "%2f%2fevil.example",
    "x%20HTTP%2f1.1%0d%0aX-Injected:1",
    "x%3Bpath=%2F",
    "%ff%fe",
  ];

  it("every path with a provider id or token answers without an injected header", async () => {
    const failures: string[] = [];
    const jar = new CookieJar();
    const token = await csrfToken(srv, jar);
    for (const segment of SEGMENTS) {
      const requests: [string, () => Promise<Answer>][] = [
        [
          "POST /auth/signin/:provider",
          () =>
            send(srv, `/auth/signin/${segment}`, {
              form: { csrfToken: token },
              headers: { origin: srv.url },
              jar,
            }),
        ],
        [
          "GET /auth/callback/:provider",
          () => send(srv, `/auth/callback/${segment}?code=c&state=s`, { jar }),
        ],
        [
          "POST /auth/callback/:provider (form_post)",
          () =>
            send(srv, `/auth/callback/${segment}`, {
              form: { code: "c", state: "s" },
              headers: { origin: "https://idp.example" },
            }),
        ],
        ["GET /api/auth/callback/:provider", () => send(srv, `/api/auth/callback/${segment}?code=c&state=s`)],
        [
          "POST /api/auth/callback/:provider (form_post)",
          () => send(srv, `/api/auth/callback/${segment}`, { form: { code: "c", state: "s" } }),
        ],
        [
          "GET /api/auth/reset-password/:token",
          () => send(srv, `/api/auth/reset-password/${segment}?callbackURL=%2F`),
        ],
        [
          "POST /api/auth/sign-in/social provider",
          () =>
            send(srv, "/api/auth/sign-in/social", {
              json: { provider: decoded(segment) },
              headers: { origin: srv.url },
            }),
        ],
      ];
      for (const [label, run] of requests) {
        cases += 1;
        const problem = injectionIn(await run());
        if (problem) failures.push(`${label} ${segment}: ${problem}`);
      }
    }
    expect(failures).toEqual([]);
  });
});

describe("CRLF in a user's name, email and image", () => {
  let cases = 0;
  afterAll(() => reportCount("header-injection / user fields", cases));

  const NAMES = CRLF_VALUES.map((c) => ({ label: c.label, value: `Eve${c.value}` }));

  it("stored and returned verbatim as JSON, never in a header; sessions, cookie cache and updates stay clean", async () => {
    const { auth: cached } = corpusAuth({ session: { cookieCache: { enabled: true, maxAge: 60 } } });
    const cachedSrv = await serveBoth(cached);
    try {
      const failures: string[] = [];
      for (const { label, value } of NAMES) {
        cases += 1;
        const email = uniqueEmail("hi-name");
        const jar = new CookieJar();
        const up = await send(cachedSrv, "/api/auth/sign-up/email", {
          json: { name: value, email, password: PASSWORD, image: `https://img.example/${value}` },
          headers: { origin: cachedSrv.url },
          jar,
        });
        if (up.status === 400) continue; // refused outright (e.g. NUL) is fine
        const problems = [injectionIn(up)];
        const read = await send(cachedSrv, "/api/auth/get-session", { jar });
        problems.push(injectionIn(read));
        if (read.json?.user?.name !== value.trim())
          problems.push(`name not verbatim: ${JSON.stringify(read.json?.user?.name)}`);
        const renamed = await send(cachedSrv, "/api/auth/update-user", {
          json: { name: `${value} again` },
          headers: { origin: cachedSrv.url },
          jar,
        });
        problems.push(injectionIn(renamed));
        const browser = await send(cachedSrv, "/auth/session", { jar });
        problems.push(injectionIn(browser));
        for (const p of problems) if (p) failures.push(`${label}: ${p}`);
      }
      expect(failures).toEqual([]);
    } finally {
      await cachedSrv.close();
    }
  });

  it("an email with CRLF is refused with 400 before anything is stored or sent", async () => {
    for (const { label, value } of CRLF_VALUES) {
      cases += 1;
      const email = `victim${value.replace(/^\/a/, "")}@example.test`;
      const answer = await send(srv, "/api/auth/sign-up/email", {
        json: { name: "V", email, password: PASSWORD },
        headers: { origin: srv.url },
      });
      expect([400, 422], label).toContain(answer.status);
      expect(injectionIn(answer), label).toBeUndefined();
      const reset = await send(srv, "/api/auth/request-password-reset", {
        json: { email: `victim@example.test${value.slice(2)}` },
        headers: { origin: srv.url },
      });
      expect(reset.status, `${label} (reset)`).toBe(400);
    }
  });

  it("a JWT session (Auth.js format) with such a name stays inside its encrypted cookie", async () => {
    const config: ExpressAuthConfig = {
      secret: TEST_SECRET,
      logger: quietLogger,
      rateLimit: { enabled: false },
      providers: [
        Credentials({
          credentials: { name: { label: "Name" }, n: { label: "N" } },
          authorize: async ({ name, n }) => ({
            id: `jwt-hi-${n}`,
            name: String(name),
            email: `jwt-hi-${n}@example.test`,
          }),
        }),
      ],
    };
    const app = express();
    app.use("/auth", ExpressAuth(config));
    const jwtSrv = await startServer(app);
    try {
      for (const { label, value } of NAMES) {
        cases += 1;
        const jar = new CookieJar();
        const token = await csrfToken(jwtSrv, jar);
        const signIn = await send(jwtSrv, "/auth/callback/credentials", {
          form: { csrfToken: token, name: value, n: String(cases) },
          headers: { origin: jwtSrv.url },
          jar,
        });
        expect(injectionIn(signIn), label).toBeUndefined();
        const session = await send(jwtSrv, "/auth/session", { jar });
        expect(injectionIn(session), label).toBeUndefined();
        expect(session.json?.user?.name, label).toBe(value);
      }
    } finally {
      await jwtSrv.close();
    }
  });

  describe("mail over real SMTP", () => {
    let smtp: TestSmtpServer;
    beforeAll(async () => {
      smtp = await startSmtpServer();
    });
    afterAll(() => smtp.close());

    it("a name with CRLF and Bcc never adds a recipient or a header to the verification or reset mail", async () => {
      const { auth: mailing } = corpusAuth({
        email: { from: "Corpus <no-reply@example.test>", transport: smtp.url },
        emailVerification: { sendOnSignUp: true },
      });
      const mailSrv = await serveBoth(mailing);
      try {
        for (const injected of [
          "Eve\r\nBcc: attacker@evil.example",
          "Eve\nTo: attacker@evil.example",
          "Eve\r\n\r\nforged body",
        ]) {
          cases += 1;
          const email = uniqueEmail("hi-smtp");
          await signUp(mailSrv, email, { name: injected });
          const verification = await smtp.waitFor(email);
          await send(mailSrv, "/api/auth/request-password-reset", {
            json: { email },
            headers: { origin: mailSrv.url },
          });
          const reset = await smtp.waitFor(email);
          for (const message of [verification, reset]) {
            expect(message.to).toEqual([email]);
            const head = message.raw.split(/\r?\n\r?\n/)[0]!;
            expect(head).not.toMatch(/^(bcc|to):.*attacker/im);
            expect(head).not.toContain("forged body");
          }
        }
        expect(smtp.messages.flatMap((m) => m.to)).not.toContain("attacker@evil.example");
      } finally {
        await mailSrv.close();
      }
    });
  });
});

describe("a live link with a callbackURL no header can carry raw", () => {
  it("GET /verify-email with a valid token and callbackURL=/／evil.example (U+FF0F): an encoded, same-site Location", async () => {
    const { auth: verifying, mail: box } = corpusAuth({ emailVerification: { sendOnSignUp: true } });
    const verifySrv = await serveBoth(verifying);
    try {
      const email = uniqueEmail("hi-unicode");
      await signUp(verifySrv, email);
      const link = new URL(box.links(email).find((l) => l.includes("/verify-email"))!);
      link.searchParams.set("callbackURL", "/\uff0fevil.example");
      const answer = await send(verifySrv, link.pathname + link.search);
      expect(injectionIn(answer)).toBeUndefined();
      expect(answer.status).toBe(302);
      expect(new URL(answer.location ?? "", verifySrv.url).origin).toBe(verifySrv.url);
    } finally {
      await verifySrv.close();
    }
  });

  it("POST /magic-link/verify with a valid token and callbackURL=/dashboard/日本: 302, encoded", async () => {
    const links = new Map<string, string>();
    const { auth: linking } = corpusAuth({
      plugins: [magicLink({ sendMagicLink: async ({ email, url }) => void links.set(email, url) })],
    });
    const linkSrv = await serveBoth(linking);
    try {
      const email = uniqueEmail("hi-unicode-ml");
      await send(linkSrv, "/api/auth/sign-in/magic-link", {
        json: { email },
        headers: { origin: linkSrv.url },
      });
      const token = new URL(links.get(email)!).searchParams.get("token");
      const answer = await send(linkSrv, "/api/auth/magic-link/verify", {
        form: { token: token!, callbackURL: "/dashboard/\u65e5\u672c" },
        headers: { origin: linkSrv.url, accept: "text/html" },
      });
      expect(injectionIn(answer)).toBeUndefined();
      expect(answer.status).toBe(302);
      expect(new URL(answer.location ?? "", linkSrv.url).pathname).toBe("/dashboard/%E6%97%A5%E6%9C%AC");
    } finally {
      await linkSrv.close();
    }
  });
});

describe("CRLF in cookie values", () => {
  it("encoded line breaks in every cookie we read are never written back", async () => {
    const failures: string[] = [];
    let cases = 0;
    const names = [
      "gatehouse.session_token",
      "gatehouse.session_data",
      "gatehouse.dont_remember",
      "gatehouse.csrf-token",
      "authjs.callback-url",
      "gatehouse.oauth_transaction",
    ];
    const values = [
      "x%0d%0aSet-Cookie:%20injected=1",
      "%0d%0a%0d%0ainjected",
      "x%E5%98%8A%E5%98%8Dinjected",
      "x%0aX-Injected:%201",
    ];
    for (const name of names) {
      for (const value of values) {
        const cookie = `${name}=${value}`;
        const requests: [string, () => Promise<Answer>][] = [
          ["GET /api/auth/get-session", () => send(srv, "/api/auth/get-session", { headers: { cookie } })],
          ["GET /auth/csrf", () => send(srv, "/auth/csrf", { headers: { cookie } })],
          ["GET /auth/session", () => send(srv, "/auth/session", { headers: { cookie } })],
          ["GET /auth/signin", () => send(srv, "/auth/signin", { headers: { cookie } })],
          [
            "POST /api/auth/sign-out",
            () => send(srv, "/api/auth/sign-out", { json: {}, headers: { cookie, origin: srv.url } }),
          ],
          [
            "GET /api/auth/callback/github",
            () => send(srv, "/api/auth/callback/github?code=c&state=s", { headers: { cookie } }),
          ],
        ];
        for (const [label, run] of requests) {
          cases += 1;
          const problem = injectionIn(await run());
          if (problem) failures.push(`${label} ${cookie}: ${problem}`);
        }
      }
    }
    reportCount("header-injection / cookie values", cases);
    expect(failures).toEqual([]);
  });
});

describe("cookie names a client can send but no Set-Cookie can carry", () => {
  it("sign-in and sign-out of JWT sessions ignore them instead of failing (and never echo them)", async () => {
    const config: ExpressAuthConfig = {
      secret: TEST_SECRET,
      logger: quietLogger,
      rateLimit: { enabled: false },
      providers: [
        Credentials({
          credentials: { username: { label: "Username" } },
          authorize: async () => ({ id: "odd-cookie", name: "Odd", email: "odd-cookie@example.test" }),
        }),
      ],
    };
    const app = express();
    app.use("/auth", ExpressAuth(config));
    const jwtSrv = await startServer(app);
    let cases = 0;
    try {
      const failures: string[] = [];
      for (const suffix of ["a b", "\u00e9", "(x)", "x,y", 'q"', "@", "[0]", "0 ", "\u00ff\u00fe"]) {
        cases += 1;
        const jar = new CookieJar();
        const token = await csrfToken(jwtSrv, jar);
        const cookie = `${jar.header()}; authjs.session-token.${suffix}=1`;
        const signIn = await send(jwtSrv, "/auth/callback/credentials", {
          form: { csrfToken: token, username: "odd" },
          headers: { origin: jwtSrv.url, cookie },
        });
        const location = new URL(signIn.location ?? "/", jwtSrv.url);
        if (signIn.status !== 302 || location.searchParams.has("error"))
          failures.push(`${JSON.stringify(suffix)} sign-in: ${signIn.status} ${signIn.location}`);
        const out = await send(jwtSrv, "/auth/signout", {
          form: { csrfToken: token },
          headers: { origin: jwtSrv.url, cookie: `${cookie}; authjs.session-token=x` },
        });
        if (out.status !== 302)
          failures.push(`${JSON.stringify(suffix)} sign-out: ${out.status} ${out.text.slice(0, 80)}`);
        for (const answer of [signIn, out]) {
          const problem = injectionIn(answer);
          if (problem) failures.push(`${JSON.stringify(suffix)}: ${problem}`);
          if (answer.setCookies.some((c) => /[^\x21-\x7e]/.test(c.split("=")[0]!)))
            failures.push(`${JSON.stringify(suffix)}: an invalid cookie name echoed`);
        }
      }
      expect(failures).toEqual([]);
    } finally {
      reportCount("header-injection / cookie names", cases);
      await jwtSrv.close();
    }
  });
});

describe("Host, X-Forwarded-Host and X-Forwarded-Proto", () => {
  let cases = 0;
  afterAll(() => reportCount("header-injection / host headers", cases));

  const HOSTILE: Record<string, string>[] = [
    { host: "evil.example" },
    { "x-forwarded-host": "evil.example" },
    { "x-forwarded-host": "evil.example", "x-forwarded-proto": "https" },
    { "x-forwarded-host": "evil.example/path?x=" },
    { "x-forwarded-host": "evil.example, app.example" },
    { "x-forwarded-proto": "javascript" },
    { host: "[::1]:1" },
  ];

  it("with baseURL, neither Host nor forwarded headers move links, redirects or the trusted origin", async () => {
    const { auth: based, mail: box } = corpusAuth({ baseURL: "http://app.example" });
    const basedSrv = await serveBoth(based);
    try {
      const email = uniqueEmail("hi-host");
      const up = await send(basedSrv, "/api/auth/sign-up/email", {
        json: { name: "H", email, password: PASSWORD },
        headers: { origin: "http://app.example" },
      });
      expect(up.status).toBe(200);
      for (const headers of HOSTILE) {
        cases += 1;
        const label = JSON.stringify(headers);
        const reset = await send(basedSrv, "/api/auth/request-password-reset", {
          json: { email },
          headers: { origin: "http://app.example", ...headers },
        });
        expect(reset.status, label).toBe(200);
        const link = new URL(box.links(email)[0]!);
        expect(link.origin, label).toBe("http://app.example");
        const jar = new CookieJar();
        const csrf = await send(basedSrv, "/auth/csrf", { jar, headers });
        expect(csrf.status, label).toBe(200);
        const out = await send(basedSrv, "/auth/signout", {
          form: { csrfToken: csrf.json.csrfToken },
          headers: { origin: "http://app.example", ...headers },
          jar,
        });
        expect(out.location, label).toBe("http://app.example/");
        // A request naming the hostile host as its Origin is refused: it is not trusted.
        const forged = await send(basedSrv, "/api/auth/sign-in/email", {
          json: { email, password: PASSWORD },
          headers: { ...headers, origin: "http://evil.example" },
        });
        expect(forged.status, label).toBe(403);
      }
    } finally {
      await basedSrv.close();
    }
  });

  it("without trustHost, X-Forwarded-Host and X-Forwarded-Proto are ignored", async () => {
    const email = uniqueEmail("hi-xfh");
    await signUp(srv, email);
    for (const headers of HOSTILE.filter((h) => !("host" in h))) {
      cases += 1;
      const label = JSON.stringify(headers);
      const before = mail.links(email).length;
      const reset = await send(srv, "/api/auth/request-password-reset", {
        json: { email },
        headers: { origin: srv.url, ...headers },
      });
      expect(reset.status, label).toBe(200);
      const links = mail.links(email);
      expect(links.length, label).toBeGreaterThan(before);
      expect(new URL(links[0]!).origin, label).toBe(srv.url);
      const jar = new CookieJar();
      const token = await csrfToken(srv, jar);
      const out = await send(srv, "/auth/signout", {
        form: { csrfToken: token },
        headers: { origin: srv.url, ...headers },
        jar,
      });
      expect(out.location, label).toBe(`${srv.url}/`);
    }
  });
});

describe("header injection: nothing went wrong on the way", () => {
  it("no request of this file was an unexpected server error", () => {
    expect(loggedErrors).toEqual([]);
  });
});
