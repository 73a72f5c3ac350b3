/**
 * Attack corpus, cross-site request forgery, over real HTTP. JSON API: every state-changing
 * endpoint × every way a cross-site page can send (another Origin, `Origin: null`, no Origin
 * with cookies, a foreign Referer, Fetch Metadata saying cross-site, form and text/plain bodies):
 * 403 INVALID_ORIGIN (or CROSS_SITE_NAVIGATION) and nothing changed. Browser routes: every form
 * post × a missing, wrong, foreign or forged CSRF token and the same cross-site headers: refused
 * (MissingCSRF, 403 or 400) and nothing signed in or out. Each endpoint is also sent the way
 * the app itself would, and must then work.
 */
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AnyEndpoint } from "../../src/core/endpoint.js";
import type { Auth } from "../../src/create-auth.js";
import { jsonEndpoints } from "../../src/dialects/json/endpoints.js";
import { oauthEndpoints } from "../../src/dialects/json/oauth-endpoints.js";
import { magicLink } from "../../src/plugins/magic-link/index.js";
import Credentials from "../../src/providers/credentials.js";
import Email from "../../src/providers/email.js";
import GitHub from "../../src/providers/github.js";
import { type TestServer, uniqueEmail } from "../helpers/http.js";
import {
  type Answer,
  CookieJar,
  corpusAuth,
  csrfToken,
  type Mailbox,
  PASSWORD,
  reportCount,
  send,
  serveBoth,
  signUp,
  TEST_SECRET,
} from "./support.js";

let auth: Auth;
let mail: Mailbox;
let srv: TestServer;

beforeAll(async () => {
  ({ auth, mail } = corpusAuth({
    providers: [
      GitHub({ clientId: "gh-id", clientSecret: "gh-secret" }),
      Credentials({
        credentials: { username: { label: "Username" } },
        authorize: async ({ username }) =>
          username === "ada" ? { id: "ada-csrf", name: "Ada", email: "ada-csrf@example.test" } : null,
      }),
      Email({ sendVerificationRequest: () => undefined }),
    ],
    user: { changeEmail: { enabled: true }, deleteUser: { enabled: true } },
    plugins: [magicLink({ sendMagicLink: async () => undefined })],
  }));
  srv = await serveBoth(auth);
});
afterAll(() => srv.close());

/** Ways a cross-site page (or a browser acting for one) sends a request; `headers` replace the app's Origin. */
interface CrossSite {
  label: string;
  headers: (origin: string) => Record<string, string | undefined>;
  /** Body encoding: JSON, a form, or JSON sent as text/plain (a "simple" CORS request). */
  as?: "form" | "text";
  code: "INVALID_ORIGIN" | "CROSS_SITE_NAVIGATION";
}

const CROSS_SITE: CrossSite[] = [
  {
    label: "Origin of another site",
    headers: () => ({ origin: "https://evil.example" }),
    code: "INVALID_ORIGIN",
  },
  {
    label: "Origin: null (sandboxed frame, data: URL)",
    headers: () => ({ origin: "null" }),
    code: "INVALID_ORIGIN",
  },
  { label: "no Origin, no Referer, with cookies", headers: () => ({}), code: "INVALID_ORIGIN" },
  {
    label: "no Origin, Referer of another site",
    headers: () => ({ referer: "https://evil.example/page" }),
    code: "INVALID_ORIGIN",
  },
  {
    label: "no Origin, Sec-Fetch-Site: cross-site",
    headers: () => ({ "sec-fetch-site": "cross-site", "sec-fetch-mode": "no-cors" }),
    code: "INVALID_ORIGIN",
  },
  {
    label: "cross-site top-level form navigation (Fetch Metadata) with the app's Origin",
    headers: (origin) => ({ origin, "sec-fetch-site": "cross-site", "sec-fetch-mode": "navigate" }),
    code: "CROSS_SITE_NAVIGATION",
  },
  {
    label: "cross-origin form post",
    headers: () => ({ origin: "https://evil.example", "sec-fetch-site": "cross-site" }),
    as: "form",
    code: "INVALID_ORIGIN",
  },
  {
    label: "cross-origin text/plain JSON (no preflight)",
    headers: () => ({ origin: "https://evil.example" }),
    as: "text",
    code: "INVALID_ORIGIN",
  },
  {
    label: "Origin: the trusted host under evil",
    headers: () => ({ origin: "https://trusted.example.evil.example" }),
    code: "INVALID_ORIGIN",
  },
  {
    label: "Origin: the app's host, other port",
    headers: (o) => ({ origin: o.replace(/:\d+$/, ":1") }),
    code: "INVALID_ORIGIN",
  },
  {
    label: "Origin: the app's host over https",
    headers: (o) => ({ origin: o.replace("http:", "https:") }),
    code: "INVALID_ORIGIN",
  },
  {
    label: "Origin: the app's origin as a subdomain",
    headers: (o) => ({ origin: `${o}.evil.example` }),
    code: "INVALID_ORIGIN",
  },
  { label: "Origin: garbage", headers: () => ({ origin: "not an origin" }), code: "INVALID_ORIGIN" },
  {
    label: "Origin: javascript:",
    headers: () => ({ origin: "javascript:alert(1)" }),
    code: "INVALID_ORIGIN",
  },
  { label: "Origin: file://", headers: () => ({ origin: "file://" }), code: "INVALID_ORIGIN" },
  {
    label: "Origin: trusted http instead of https",
    headers: () => ({ origin: "http://trusted.example" }),
    code: "INVALID_ORIGIN",
  },
  {
    label: "Referer of another site naming ours in its path",
    headers: (o) => ({ referer: `https://evil.example/${o}` }),
    code: "INVALID_ORIGIN",
  },
];

/** A state-changing endpoint of the JSON API and a body that would do something. */
interface JsonEndpoint {
  path: string;
  body: (victim: Victim) => Record<string, unknown>;
  /** Whether the endpoint needs the victim's session (otherwise it is a login/sign-up CSRF). */
  withSession: boolean;
}

interface Victim {
  email: string;
  jar: CookieJar;
}

const JSON_ENDPOINTS: JsonEndpoint[] = [
  { path: "/sign-out", body: () => ({}), withSession: true },
  { path: "/update-user", body: () => ({ name: "Pwned" }), withSession: true },
  {
    path: "/change-password",
    body: () => ({
      currentPassword: PASSWORD,
      newPassword: "attacker chosen password",
      revokeOtherSessions: true,
    }),
    withSession: true,
  },
  { path: "/change-email", body: () => ({ newEmail: "attacker@evil.example" }), withSession: true },
  { path: "/delete-user", body: () => ({ password: PASSWORD }), withSession: true },
  {
    path: "/revoke-session",
    body: (v) => ({ token: v.jar.get("gatehouse.session_token") ?? "x" }),
    withSession: true,
  },
  { path: "/revoke-sessions", body: () => ({}), withSession: true },
  { path: "/revoke-other-sessions", body: () => ({}), withSession: true },
  { path: "/link-social", body: () => ({ provider: "github" }), withSession: true },
  { path: "/unlink-account", body: () => ({ providerId: "credential" }), withSession: true },
  { path: "/refresh-token", body: () => ({ providerId: "github" }), withSession: true },
  { path: "/get-access-token", body: () => ({ providerId: "github" }), withSession: true },
  { path: "/send-verification-email", body: (v) => ({ email: v.email }), withSession: true },
  {
    path: "/sign-in/email",
    body: () => ({ email: "csrf-attacker@example.test", password: PASSWORD }),
    withSession: false,
  },
  {
    path: "/sign-in/email",
    body: () => ({ email: "csrf-attacker@example.test", password: PASSWORD }),
    withSession: true,
  },
  {
    path: "/sign-up/email",
    body: () => ({ name: "A", email: uniqueEmail("csrf-su"), password: PASSWORD }),
    withSession: false,
  },
  { path: "/sign-in/social", body: () => ({ provider: "github" }), withSession: false },
  { path: "/request-password-reset", body: (v) => ({ email: v.email }), withSession: true },
  {
    path: "/reset-password",
    body: () => ({ token: "a".repeat(40), newPassword: "attacker chosen password" }),
    withSession: true,
  },
  { path: "/sign-in/magic-link", body: (v) => ({ email: v.email }), withSession: false },
  { path: "/magic-link/verify", body: () => ({ token: "a".repeat(40) }), withSession: true },
];

function encode(body: Record<string, unknown>, as: CrossSite["as"]) {
  if (as === "form") {
    const form: Record<string, string> = {};
    for (const [k, v] of Object.entries(body)) form[k] = String(v);
    return { form };
  }
  if (as === "text") return { raw: JSON.stringify(body), contentType: "text/plain;charset=UTF-8" };
  return { json: body };
}

describe("CSRF on the JSON API: every state-changing endpoint × every cross-site shape", () => {
  let victim: Victim;
  let name: string;
  let sessionsBefore: number;
  let mailsBefore: number;
  let cases = 0;

  beforeAll(async () => {
    await signUp(srv, "csrf-attacker@example.test");
    const email = uniqueEmail("csrf-victim");
    const { jar } = await signUp(srv, email);
    victim = { email, jar };
    name = "Corpus User";
    const list = await send(srv, "/api/auth/list-sessions", { jar });
    sessionsBefore = list.json.length;
    mailsBefore = mail.messages.length;
  });
  afterAll(() => reportCount("csrf / JSON API", cases));

  for (const endpoint of JSON_ENDPOINTS) {
    const who = endpoint.withSession ? "with the victim's cookies" : "without cookies";
    it(`POST ${endpoint.path} ${who}: refused from every cross-site shape`, async () => {
      const failures: string[] = [];
      for (const shape of CROSS_SITE) {
        // "no Origin and no cookies" is a server-to-server call, which is allowed by design.
        if (!endpoint.withSession && shape.label.startsWith("no Origin, no Referer")) continue;
        cases += 1;
        const answer = await send(srv, `/api/auth${endpoint.path}`, {
          ...encode(endpoint.body(victim), shape.as),
          headers: { ...shape.headers(srv.url) },
          jar: endpoint.withSession ? victim.jar : undefined,
        });
        if (answer.status !== 403 || answer.json?.code !== shape.code)
          failures.push(`${shape.label}: ${answer.status} ${answer.text.slice(0, 100)}`);
        if (
          answer.setCookies.some((c) => c.startsWith("gatehouse.session_token=") && !c.includes("Max-Age=0"))
        )
          failures.push(`${shape.label}: a session cookie was set`);
      }
      expect(failures).toEqual([]);
    });
  }

  it("after the whole matrix the victim is untouched: same session, name, password and email, no mail sent", async () => {
    const session = await send(srv, "/api/auth/get-session?disableCookieCache=true", { jar: victim.jar });
    expect(session.json?.user).toMatchObject({ email: victim.email, name });
    const list = await send(srv, "/api/auth/list-sessions", { jar: victim.jar });
    expect(list.json).toHaveLength(sessionsBefore);
    const again = await send(srv, "/api/auth/sign-in/email", {
      json: { email: victim.email, password: PASSWORD },
      headers: { origin: srv.url },
    });
    expect(again.status).toBe(200);
    expect(mail.messages.length).toBe(mailsBefore);
  });

  it("the matrix covers every POST endpoint of the JSON API (route tables and the magic-link plugin)", () => {
    const tables = [jsonEndpoints, oauthEndpoints, magicLink().endpoints] as unknown as Record<
      string,
      AnyEndpoint
    >[];
    const posts = tables
      .flatMap((t) => Object.values(t))
      .filter((e) => (Array.isArray(e.method) ? e.method : [e.method]).includes("POST"))
      // The OAuth callback takes the provider's cross-site form_post; its state protects it.
      .filter((e) => !e.skipOriginCheck)
      .map((e) => e.path);
    const covered = new Set(JSON_ENDPOINTS.map((e) => e.path));
    expect(posts.filter((p) => !covered.has(p))).toEqual([]);
  });

  it("every endpoint works when the app itself sends it (so each refusal above was the Origin check)", async () => {
    for (const endpoint of JSON_ENDPOINTS) {
      cases += 1;
      // A fresh user each time: some of these end the session or delete the user.
      const email = uniqueEmail("csrf-control");
      const { jar } = await signUp(srv, email);
      const answer = await send(srv, `/api/auth${endpoint.path}`, {
        json: endpoint.body({ email, jar }),
        headers: { origin: srv.url },
        jar: endpoint.withSession ? jar : undefined,
      });
      expect([answer.json?.code, answer.status], endpoint.path).not.toContain("INVALID_ORIGIN");
      expect(answer.status, `${endpoint.path}: ${answer.text}`).toBeLessThan(500);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Browser routes: the CSRF double-submit token, and the Origin check.
// ---------------------------------------------------------------------------------------------

interface BrowserForm {
  path: string;
  fields: () => Record<string, string>;
  /** Whether the form is meant to sign someone in (then no session cookie may be set). */
  signsIn: boolean;
}

const BROWSER_FORMS: BrowserForm[] = [
  { path: "/auth/callback/credentials", fields: () => ({ username: "ada" }), signsIn: true },
  {
    path: "/auth/callback/password",
    fields: () => ({ email: "csrf-attacker@example.test", password: PASSWORD }),
    signsIn: true,
  },
  {
    path: "/auth/signup",
    fields: () => ({ email: uniqueEmail("csrf-bsu"), password: PASSWORD }),
    signsIn: true,
  },
  { path: "/auth/signin/email", fields: () => ({ email: "csrf-victim-mail@example.test" }), signsIn: false },
  { path: "/auth/signin/github", fields: () => ({}), signsIn: false },
  { path: "/auth/callback/email", fields: () => ({ token: "a".repeat(40) }), signsIn: true },
  { path: "/auth/signout", fields: () => ({}), signsIn: false },
  { path: "/auth/session", fields: () => ({}), signsIn: false },
];

/** A way to get the CSRF token wrong, given a real browser jar and its real token. */
interface TokenAttack {
  label: string;
  /** Returns the cookie header and the posted token to use. */
  make(
    victimJar: CookieJar,
    realToken: string,
    otherToken: string,
    otherJar: CookieJar,
  ): {
    cookie: string;
    posted: string | undefined;
    headers?: Record<string, string>;
    query?: string;
    rawBody?: string;
  };
}

const CSRF_COOKIE = "gatehouse.csrf-token";

function sha256Hex(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}

/** A cookie of the real shape (token|sha256(token + secret)), made with a secret of the attacker's. */
function forged(token: string, secret: string): string {
  return `${token}|${sha256Hex(`${token}${secret}`)}`;
}

const TOKEN_ATTACKS: TokenAttack[] = [
  { label: "no csrfToken", make: (jar) => ({ cookie: jar.header(), posted: undefined }) },
  { label: "empty csrfToken", make: (jar) => ({ cookie: jar.header(), posted: "" }) },
  {
    label: "wrong csrfToken",
    // The last character changed to one it is not (a fixed "0" was the real token 1 time in 16).
    make: (jar, real) => ({
      cookie: jar.header(),
      posted: `${real.slice(0, -1)}${real.endsWith("0") ? "1" : "0"}`,
    }),
  },
  {
    label: "another browser's token with the victim's cookie",
    make: (jar, _real, other) => ({ cookie: jar.header(), posted: other }),
  },
  {
    label: "the whole cookie value as the token",
    make: (jar) => ({ cookie: jar.header(), posted: decodeURIComponent(jar.get(CSRF_COOKIE) ?? "") }),
  },
  {
    label: "the cookie's hash half as the token",
    make: (jar) => ({
      cookie: jar.header(),
      posted: decodeURIComponent(jar.get(CSRF_COOKIE) ?? "").split("|")[1],
    }),
  },
  {
    label: "token but no CSRF cookie",
    make: (jar, real) => ({ cookie: withoutCsrf(jar), posted: real }),
  },
  {
    label: "attacker-chosen cookie without a hash (cookie tossing)",
    make: (jar) => ({ cookie: `${withoutCsrf(jar)}; ${CSRF_COOKIE}=attacker`, posted: "attacker" }),
  },
  {
    label: "attacker-chosen cookie with a made-up hash",
    make: (jar) => ({
      cookie: `${withoutCsrf(jar)}; ${CSRF_COOKIE}=${encodeURIComponent(`attacker|${"0".repeat(64)}`)}`,
      posted: "attacker",
    }),
  },
  {
    label: "cookie made with another secret",
    make: (jar) => ({
      cookie: `${withoutCsrf(jar)}; ${CSRF_COOKIE}=${encodeURIComponent(forged("attacker", "another-secret-zyxwvutsrqponmlkjihgfedcba9876543210"))}`,
      posted: "attacker",
    }),
  },
  {
    label: "cookie hashed without any secret",
    make: (jar) => ({
      cookie: `${withoutCsrf(jar)}; ${CSRF_COOKIE}=${encodeURIComponent(forged("attacker", ""))}`,
      posted: "attacker",
    }),
  },
  {
    label: "two CSRF cookies, the attacker's first",
    make: (jar) => ({
      cookie: `${CSRF_COOKIE}=${encodeURIComponent(forged("attacker", "x".repeat(40)))}; ${jar.header()}`,
      posted: "attacker",
    }),
  },
  {
    label: "the attacker's own valid cookie and token, planted and posted from the attacker's page",
    make: (jar, _real, other, otherJar) => ({
      cookie: `${withoutCsrf(jar)}; ${CSRF_COOKIE}=${otherJar.get(CSRF_COOKIE)}`,
      posted: other,
      headers: { origin: "https://evil.example" },
    }),
  },
  {
    label: "token in the query string only",
    make: (jar, real) => ({ cookie: jar.header(), posted: undefined, query: `csrfToken=${real}` }),
  },
  {
    label: "token as a JSON array",
    make: (jar, real) => ({
      cookie: jar.header(),
      posted: undefined,
      rawBody: JSON.stringify({ csrfToken: [real] }),
    }),
  },
  {
    label: "right token, Origin of another site",
    make: (jar, real) => ({
      cookie: jar.header(),
      posted: real,
      headers: { origin: "https://evil.example" },
    }),
  },
  {
    label: "right token, Origin: null",
    make: (jar, real) => ({ cookie: jar.header(), posted: real, headers: { origin: "null" } }),
  },
  {
    label: "right token, no Origin (cookies)",
    make: (jar, real) => ({ cookie: jar.header(), posted: real, headers: { origin: "" } }),
  },
  {
    label: "right token, Referer of another site",
    make: (jar, real) => ({
      cookie: jar.header(),
      posted: real,
      headers: { origin: "", referer: "https://evil.example/" },
    }),
  },
  {
    label: "right token, Sec-Fetch-Site: cross-site navigate",
    make: (jar, real) => ({
      cookie: jar.header(),
      posted: real,
      headers: { "sec-fetch-site": "cross-site", "sec-fetch-mode": "navigate" },
    }),
  },
];

function withoutCsrf(jar: CookieJar): string {
  return jar
    .header()
    .split("; ")
    .filter((c) => c && !c.startsWith(`${CSRF_COOKIE}=`))
    .join("; ");
}

/** A browser-route refusal: the MissingCSRF error redirect, a 403 from the Origin check, or /session's 400. */
function refusedByBrowserRoutes(answer: Answer, path: string): boolean {
  if (answer.status === 403)
    return answer.json?.code === "INVALID_ORIGIN" || answer.json?.code === "CROSS_SITE_NAVIGATION";
  if (path === "/auth/session") return answer.status === 400;
  if (answer.status !== 302 || !answer.location) return false;
  const to = new URL(answer.location, srv.url);
  return to.origin === srv.url && to.searchParams.get("error") === "MissingCSRF";
}

function setsSession(answer: Answer): boolean {
  return answer.setCookies.some((c) => /^gatehouse\.session_token=[^;]/.test(c) && !/max-age=0/i.test(c));
}

describe("CSRF on the browser routes: every form × every token or origin mistake", () => {
  let victim: Victim;
  let cases = 0;

  beforeAll(async () => {
    const email = uniqueEmail("csrf-bvictim");
    const { jar } = await signUp(srv, email);
    victim = { email, jar };
    await csrfToken(srv, victim.jar);
  });
  afterAll(() => reportCount("csrf / browser routes", cases));

  for (const form of BROWSER_FORMS) {
    it(`POST ${form.path}: refused for every CSRF-token or Origin mistake`, async () => {
      const failures: string[] = [];
      const real = await csrfToken(srv, victim.jar);
      const otherJar = new CookieJar();
      const other = await csrfToken(srv, otherJar);
      for (const attack of TOKEN_ATTACKS) {
        cases += 1;
        const made = attack.make(victim.jar, real, other, otherJar);
        const fields = { ...form.fields(), ...(made.posted === undefined ? {} : { csrfToken: made.posted }) };
        const headers: Record<string, string | undefined> = {
          origin: srv.url,
          cookie: made.cookie,
          ...made.headers,
        };
        if (headers.origin === "") headers.origin = undefined;
        const path = made.query ? `${form.path}?${made.query}` : form.path;
        const answer = made.rawBody
          ? await send(srv, path, { raw: made.rawBody, contentType: "application/json", headers })
          : await send(srv, path, { form: fields, headers });
        if (!refusedByBrowserRoutes(answer, form.path))
          failures.push(`${attack.label}: ${answer.status} ${answer.location ?? answer.text.slice(0, 80)}`);
        if (setsSession(answer)) failures.push(`${attack.label}: a session cookie was set`);
      }
      expect(failures).toEqual([]);
      // The victim is still signed in (no forged sign-out, no swapped session).
      const session = await send(srv, "/api/auth/get-session?disableCookieCache=true", { jar: victim.jar });
      expect(session.json?.user?.email).toBe(victim.email);
    });
  }

  it("every form works with the right token from the app's own page (so each refusal above was the CSRF check)", async () => {
    for (const form of BROWSER_FORMS) {
      cases += 1;
      const jar = new CookieJar();
      const token = await csrfToken(srv, jar);
      const answer = await send(srv, form.path, {
        form: { ...form.fields(), csrfToken: token },
        headers: { origin: srv.url },
        jar,
      });
      expect(
        refusedByBrowserRoutes(answer, form.path),
        `${form.path}: ${answer.status} ${answer.location}`,
      ).toBe(false);
      if (form.path === "/auth/callback/credentials" || form.path === "/auth/signup")
        expect(setsSession(answer)).toBe(true);
    }
  });

  it("the CSRF cookie is HttpOnly, SameSite=Lax and bound to the secret", async () => {
    const jar = new CookieJar();
    const answer = await send(srv, "/auth/csrf", { jar });
    const line = answer.setCookies.find((c) => c.startsWith(`${CSRF_COOKIE}=`)) ?? "";
    expect(line).toMatch(/HttpOnly/i);
    expect(line).toMatch(/SameSite=Lax/i);
    const [token, hash] = decodeURIComponent(jar.get(CSRF_COOKIE) ?? "").split("|");
    expect(hash).toBe(sha256Hex(`${token}${TEST_SECRET}`));
  });
});
