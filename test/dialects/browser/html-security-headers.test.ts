/**
 * Every HTML response either dialect can produce carries the page security headers: a CSP that
 * allows no inline script (nor any script at all) and forbids framing, a Referrer-Policy and
 * `X-Content-Type-Options: nosniff`. Both route tables run on one Express app over real HTTP.
 *
 * The pages are reached the way a user reaches them (sign-in with every error kind, sign-out,
 * the error page with every kind, verify-request, both email-link confirmation pages, the JSON
 * dialect's /error page); then every GET route of both tables is swept with `Accept: text/html`
 * so an HTML response added later without the headers fails here too.
 */
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAuth, type Auth } from "../../../src/create-auth.js";
import { browserEndpoints } from "../../../src/dialects/browser/endpoints.js";
import { ExpressAuth } from "../../../src/express/index.js";
import { toNodeHandler } from "../../../src/node/index.js";
import { magicLink } from "../../../src/plugins/magic-link/index.js";
import Credentials from "../../../src/providers/credentials.js";
import Email from "../../../src/providers/email.js";
import OAuth2 from "../../../src/providers/oauth2.js";
import { CookieJar, startServer, TEST_SECRET, type TestServer } from "../../helpers/http.js";

const ERROR_KINDS = [
  "Configuration",
  "AccessDenied",
  "Verification",
  "MissingCSRF",
  "OAuthSignin",
  "OAuthCallbackError",
  "OAuthCreateAccount",
  "OAuthAccountNotLinked",
  "EmailSignin",
  "EmailCreateAccount",
  "CredentialsSignin",
  "Callback",
  "Signin",
  "SessionRequired",
  "Default",
  "constructor",
  `"><script>alert(1)</script>`,
];
const SAFE_REFERRER_POLICIES = [
  "no-referrer",
  "same-origin",
  "strict-origin",
  "strict-origin-when-cross-origin",
];

let srv: TestServer;
let auth: Auth;
const tokens: { email?: string; magic?: string } = {};
/** Every HTML response seen, by label. */
const seen = new Map<string, Response>();

beforeAll(async () => {
  auth = createAuth({
    secret: TEST_SECRET,
    logger: { info() {}, warn() {}, error() {} },
    rateLimit: { enabled: false },
    emailAndPassword: { enabled: true },
    plugins: [
      magicLink({
        sendMagicLink: ({ token }) => {
          tokens.magic = token;
        },
      }),
    ],
    providers: [
      // An OAuth provider on a loopback http URL: its pages widen form-action, a second header path.
      OAuth2({
        id: "local",
        name: "Local",
        clientId: "client",
        clientSecret: "client-secret",
        authorization: "http://127.0.0.1:9/authorize",
        token: "http://127.0.0.1:9/token",
        userinfo: "http://127.0.0.1:9/userinfo",
      }),
      Credentials({
        credentials: { username: { label: "Username" }, pin: { label: "PIN", type: "password" } },
        authorize: async () => null,
      }),
      Email({
        sendVerificationRequest: ({ token }) => {
          tokens.email = token;
        },
      }),
    ],
  });
  const app = express();
  app.all("/api/auth/*splat", toNodeHandler(auth));
  app.use("/auth", ExpressAuth(auth));
  srv = await startServer(app);
});
afterAll(() => srv.close());

async function get(path: string, jar = new CookieJar()): Promise<Response> {
  const headers = new Headers({ accept: "text/html,application/xhtml+xml,*/*;q=0.8" });
  if (jar.header()) headers.set("cookie", jar.header());
  const res = await fetch(`${srv.url}${path}`, { headers, redirect: "manual" });
  jar.storeFrom(res);
  return res;
}

async function post(path: string, jar: CookieJar, form: Record<string, string>): Promise<Response> {
  const headers = new Headers({
    "content-type": "application/x-www-form-urlencoded",
    origin: srv.url,
  });
  if (jar.header()) headers.set("cookie", jar.header());
  const res = await fetch(`${srv.url}${path}`, {
    method: "POST",
    headers,
    body: new URLSearchParams(form).toString(),
    redirect: "manual",
  });
  jar.storeFrom(res);
  return res;
}

function isHtml(res: Response): boolean {
  return (res.headers.get("content-type") ?? "").toLowerCase().includes("text/html");
}

/** Directive name -> its values, as a browser parses one policy. */
function parseCsp(csp: string): Map<string, string[]> {
  const directives = new Map<string, string[]>();
  for (const part of csp.split(";")) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name && !directives.has(name.toLowerCase())) directives.set(name.toLowerCase(), values);
  }
  return directives;
}

/** Checks the four headers (and that the page's own markup needs nothing the CSP refuses). */
async function expectSecured(label: string, res: Response): Promise<void> {
  expect(isHtml(res), `${label} is HTML`).toBe(true);
  seen.set(label, res);
  const csp = res.headers.get("content-security-policy");
  expect(csp, `${label}: Content-Security-Policy`).toBeTruthy();
  const directives = parseCsp(csp!);
  // The policy that governs scripts: script-src, else default-src. It must exist and must not
  // allow inline script (or eval); the pages use none at all.
  const scripts = directives.get("script-src") ?? directives.get("default-src");
  expect(scripts, `${label}: the CSP governs scripts`).toBeDefined();
  for (const name of ["script-src", "script-src-elem", "script-src-attr", "default-src"]) {
    const values = directives.get(name) ?? [];
    expect(values, `${label}: ${name}`).not.toContain("'unsafe-inline'");
    expect(values, `${label}: ${name}`).not.toContain("'unsafe-eval'");
  }
  expect(directives.get("frame-ancestors"), `${label}: frame-ancestors`).toEqual(["'none'"]);
  // Styles come from nonce-bearing elements only, so no style-src 'unsafe-inline' either.
  expect(directives.get("style-src") ?? [], `${label}: style-src`).not.toContain("'unsafe-inline'");
  expect(SAFE_REFERRER_POLICIES, `${label}: Referrer-Policy`).toContain(res.headers.get("referrer-policy"));
  expect(res.headers.get("x-content-type-options"), `${label}: X-Content-Type-Options`).toBe("nosniff");

  const html = await res.clone().text();
  expect(html, `${label}: no script element`).not.toMatch(/<script/i);
  expect(html, `${label}: no style attribute`).not.toMatch(/\sstyle=/i);
  const nonce = /'nonce-([^']+)'/.exec(directives.get("style-src")?.join(" ") ?? "")?.[1];
  for (const [, attribute] of html.matchAll(/<style([^>]*)>/gi))
    expect(attribute, `${label}: <style> carries the CSP nonce`).toContain(`nonce="${nonce}"`);
}

describe("browser routes (Auth.js dialect)", () => {
  it("the sign-in page, with the sign-up form, and with every error kind", async () => {
    const page = await get("/auth/signin");
    expect(await page.clone().text()).toContain(`action="${srv.url}/auth/signup"`);
    await expectSecured("GET /auth/signin", page);
    await expectSecured("GET /auth/signin?callbackUrl", await get("/auth/signin?callbackUrl=%2Fhome"));
    for (const kind of ERROR_KINDS) {
      const path = `/auth/signin?error=${encodeURIComponent(kind)}`;
      await expectSecured(`GET ${path}`, await get(path));
    }
  });

  it("the error page with every error kind, and without one", async () => {
    await expectSecured("GET /auth/error", await get("/auth/error"));
    for (const kind of ERROR_KINDS) {
      const path = `/auth/error?error=${encodeURIComponent(kind)}`;
      await expectSecured(`GET ${path}`, await get(path));
    }
  });

  it("the sign-out page and the verify-request page", async () => {
    await expectSecured("GET /auth/signout", await get("/auth/signout"));
    await expectSecured("GET /auth/verify-request", await get("/auth/verify-request"));
    await expectSecured(
      "GET /auth/verify-request?provider=email&type=email",
      await get("/auth/verify-request?provider=email&type=email"),
    );
  });

  it("the sign-in link's confirmation page", async () => {
    const jar = new CookieJar();
    const { csrfToken } = await (await get("/auth/csrf", jar)).json();
    const sent = await post("/auth/signin/email", jar, { csrfToken, email: "confirm@example.test" });
    expect(sent.status).toBe(302);
    expect(tokens.email).toBeTruthy();
    const path = `/auth/callback/email?token=${encodeURIComponent(tokens.email!)}&callbackUrl=%2F`;
    const page = await get(path, jar);
    expect(page.status).toBe(200);
    await expectSecured("GET /auth/callback/email (confirm)", page);
  });

  it("a failed sign-up from the form lands on a page that carries them too", async () => {
    const jar = new CookieJar();
    const { csrfToken } = await (await get("/auth/csrf", jar)).json();
    const res = await post("/auth/signup", jar, { csrfToken, email: "not-an-email", password: "x" });
    expect(res.status).toBe(302);
    const target = new URL(String(res.headers.get("location")));
    await expectSecured(`GET ${target.pathname}${target.search}`, await get(target.pathname + target.search));
  });
});

describe("JSON API (Better Auth dialect)", () => {
  it("the /error page, with and without a code", async () => {
    for (const path of [
      "/api/auth/error",
      "/api/auth/error?error=INVALID_TOKEN",
      "/api/auth/error?error=%3Cb%3E",
    ])
      await expectSecured(`GET ${path}`, await get(path));
  });

  it("the magic link's confirmation page", async () => {
    const res = await fetch(`${srv.url}/api/auth/sign-in/magic-link`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: srv.url },
      body: JSON.stringify({ email: "magic@example.test", callbackURL: "/" }),
    });
    expect(res.status).toBe(200);
    expect(tokens.magic).toBeTruthy();
    const page = await get(
      `/api/auth/magic-link/verify?token=${encodeURIComponent(tokens.magic!)}&callbackURL=%2F`,
    );
    expect(page.status).toBe(200);
    await expectSecured("GET /api/auth/magic-link/verify (confirm)", page);
  });
});

describe("every GET route of both tables, asked for HTML", () => {
  it("answers HTML only with the headers, and nothing unknown answers HTML", async () => {
    const routes: string[] = [];
    for (const endpoint of Object.values(auth.$context.endpoints)) {
      const methods = ([] as string[]).concat(endpoint.method as string | string[]);
      if (methods.includes("GET") || methods.includes("*")) routes.push(`/api/auth${endpoint.path}`);
    }
    for (const endpoint of Object.values(browserEndpoints)) {
      const methods = ([] as string[]).concat(endpoint.method as string | string[]);
      if (methods.includes("GET") || methods.includes("*")) routes.push(`/auth${endpoint.path}`);
    }
    routes.push("/api/auth/no-such-route", "/auth/no-such-route", "/api/auth/reset-password/unknown-token");
    expect(routes.length).toBeGreaterThan(10);

    const htmlRoutes: string[] = [];
    for (const route of routes) {
      const path = route.replace(/:[A-Za-z]+/g, "x");
      // Signed out and signed in (a session can change what a route answers).
      for (const jar of [new CookieJar(), await signedInJar()]) {
        const res = await get(path, jar);
        if (!isHtml(res)) continue;
        htmlRoutes.push(route);
        await expectSecured(`sweep GET ${path}`, res);
      }
    }
    // The pages reached above and by the sweep; a new HTML route shows up here.
    expect([...new Set(htmlRoutes)].sort()).toEqual(
      ["/api/auth/error", "/auth/error", "/auth/signin", "/auth/signout", "/auth/verify-request"].sort(),
    );
    expect(seen.size).toBeGreaterThanOrEqual(2 * ERROR_KINDS.length + 10);
  });
});

let session: string[] | undefined;
/** A fresh jar holding a session of the JSON dialect (the same cookie serves the browser routes). */
async function signedInJar(): Promise<CookieJar> {
  if (!session) {
    const res = await fetch(`${srv.url}/api/auth/sign-up/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: srv.url },
      body: JSON.stringify({ name: "Pat", email: "sweep@example.test", password: "plum kettle 42 orbit" }),
    });
    expect(res.status).toBe(200);
    session = res.headers.getSetCookie();
  }
  const jar = new CookieJar();
  jar.store(session);
  return jar;
}
