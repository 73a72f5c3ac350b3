/**
 * The `magicLink` plugin on the wire: Better Auth's paths and shapes, the confirmation page
 * the link opens (GET and HEAD use nothing up; its form POST signs in), redirects and JSON
 * answers, callback URL checks, rate limits, options checked at start-up, `auth.api`, and
 * the real `better-auth/client` with its `magicLinkClient` plugin. Mail goes through a real
 * SMTP server.
 */
import { createAuthClient } from "better-auth/client";
import { magicLinkClient } from "better-auth/client/plugins";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createAuth } from "../../src/create-auth.js";
import type { AuthOptions } from "../../src/index.js";
import { toNodeHandler } from "../../src/node/index.js";
import {
  MAGIC_LINK_ERROR_CODES,
  magicLink,
  type MagicLinkOptions,
} from "../../src/plugins/magic-link/index.js";
import {
  API,
  Client,
  CookieJar,
  ORIGIN,
  SECRET,
  SESSION_COOKIE,
  type TestAuth,
  capturingLogger,
  makeAuth,
  sha256Hex,
  tokenOf,
  uniqueEmail,
  withEnv,
} from "../core/harness.js";
import { startServer } from "../helpers/http.js";
import { type TestSmtpServer, startSmtpServer } from "../helpers/smtp.js";

let smtp: TestSmtpServer;
beforeAll(async () => {
  smtp = await startSmtpServer();
});
afterAll(async () => {
  await smtp.close();
});

const FROM = "Gatehouse Test <no-reply@example.test>";
const BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
const NO_LIMITS = { customRules: { "/sign-in/magic-link": false, "/magic-link/verify": false } } as const;

function build(plugin: MagicLinkOptions = {}, options: AuthOptions = {}): TestAuth {
  return makeAuth({
    email: { from: FROM, transport: smtp.url },
    rateLimit: NO_LIMITS,
    plugins: [magicLink(plugin)],
    ...options,
  }).auth;
}

async function requestLink(
  auth: TestAuth,
  email: string,
  body: Record<string, unknown> = {},
): Promise<string> {
  const res = await new Client(auth).post("/sign-in/magic-link", { email, ...body });
  expect(res.status).toBe(200);
  return magicLinkIn((await smtp.waitFor(email)).links);
}

function magicLinkIn(links: readonly string[]): string {
  const link = links.find((l) => l.includes("/magic-link/verify?"));
  if (!link) throw new Error(`no magic link in ${JSON.stringify(links)}`);
  return link;
}

function unescapeHtml(value: string): string {
  return value
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

/** The page's one form, as a browser would submit it. */
function formOf(html: string): { action: string; fields: Record<string, string> } {
  const forms = html.match(/<form\b/g) ?? [];
  expect(forms).toHaveLength(1);
  const form = /<form method="post" action="([^"]*)">/.exec(html);
  if (!form) throw new Error("no POST form on the page");
  const fields: Record<string, string> = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g))
    fields[unescapeHtml(m[1]!)] = unescapeHtml(m[2]!);
  return { action: unescapeHtml(form[1]!), fields };
}

/** Opens the link like a browser, then presses the page's button. */
async function openAndConfirm(client: Client, link: string) {
  const page = await client.get(link, { headers: { accept: BROWSER_ACCEPT } });
  expect(page.status).toBe(200);
  const { action, fields } = formOf(page.body);
  return client.post(action, undefined, { form: fields, headers: { accept: BROWSER_ACCEPT } });
}

async function count(auth: TestAuth, model: string): Promise<number> {
  return auth.$context.adapter.count({ model });
}

describe("the link and its confirmation page", () => {
  it("GET and HEAD of the link use nothing up; the page's form signs in once", async () => {
    const auth = build();
    const email = uniqueEmail("page");
    const link = await requestLink(auth, email, { callbackURL: "/dashboard" });
    const browser = new Client(auth);

    // A mail scanner fetching the link, twice, and probing it with HEAD.
    for (const method of ["GET", "GET", "HEAD"]) {
      const probe = await new Client(auth).request(method, link);
      expect(probe.status).toBe(200);
      expect(probe.headers.getSetCookie()).toEqual([]);
    }
    expect(await count(auth, "verification")).toBe(1);
    expect(await count(auth, "user")).toBe(0);
    expect(await count(auth, "session")).toBe(0);

    const page = await browser.get(link, { headers: { accept: BROWSER_ACCEPT } });
    expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(page.headers.get("cache-control")).toBe("no-store");
    expect(page.headers.get("referrer-policy")).toBe("same-origin");
    const csp = page.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain("script-src");
    expect(page.body).not.toMatch(/<script/i);
    expect(page.body).toContain(email);
    const { action, fields } = formOf(page.body);
    expect(action).toBe(`${API}/magic-link/verify`);
    expect(fields).toEqual({ token: new URL(link).searchParams.get("token"), callbackURL: "/dashboard" });

    const signedIn = await browser.post(action, undefined, {
      form: fields,
      headers: { accept: BROWSER_ACCEPT },
    });
    expect(signedIn.status).toBe(302);
    expect(signedIn.headers.get("location")).toBe("/dashboard");
    expect(browser.jar.get(SESSION_COOKIE)).toBeTruthy();
    expect((await browser.getSession()).body.user).toMatchObject({ email, emailVerified: true });

    const replay = await new Client(auth).post(action, undefined, {
      form: fields,
      headers: { accept: BROWSER_ACCEPT },
    });
    expect(replay.status).toBe(302);
    expect(replay.headers.get("location")).toBe("/dashboard?error=INVALID_TOKEN");
    expect(replay.headers.getSetCookie()).toEqual([]);
    // Once used, the link's page says so instead of offering the button.
    const spent = await new Client(auth).get(link);
    expect(spent.status).toBe(302);
    expect(spent.headers.get("location")).toBe("/dashboard?error=INVALID_TOKEN");
  });

  it("sends new users to newUserCallbackURL and returning users to callbackURL", async () => {
    const auth = build();
    const email = uniqueEmail("routes");
    const urls = { callbackURL: "/home", newUserCallbackURL: "/welcome" };
    const first = await openAndConfirm(new Client(auth), await requestLink(auth, email, urls));
    expect(first.headers.get("location")).toBe("/welcome");
    const second = await openAndConfirm(new Client(auth), await requestLink(auth, email, urls));
    expect(second.headers.get("location")).toBe("/home");
  });

  it("without a callbackURL the link still names one: the app's root, as in Better Auth", async () => {
    const auth = build();
    const email = uniqueEmail("root");
    const link = await requestLink(auth, email);
    expect(new URL(link).searchParams.get("callbackURL")).toBe("/");
    expect((await openAndConfirm(new Client(auth), link)).headers.get("location")).toBe("/");
  });

  it("escapes callback URLs with quotes and brackets on the page, and they round-trip exactly", async () => {
    const auth = build();
    const email = uniqueEmail("escape");
    const callbackURL = `/next?q="><script>alert(1)</script>&b='x'`;
    const errorCallbackURL = `/err?m="</form><form action='https://evil.test'>`;
    const link = await requestLink(auth, email, { callbackURL, errorCallbackURL });
    const page = await new Client(auth).get(link);
    expect(page.status).toBe(200);
    expect(page.body).not.toMatch(/<script/i);
    expect(page.body).not.toContain("evil.test'>");
    expect(page.body).toContain("&quot;&gt;&lt;script&gt;");
    const { fields } = formOf(page.body);
    expect(fields.callbackURL).toBe(callbackURL);
    expect(fields.errorCallbackURL).toBe(errorCallbackURL);
    const done = await new Client(auth).post("/magic-link/verify", undefined, {
      form: fields,
      headers: { accept: BROWSER_ACCEPT },
    });
    expect(done.status).toBe(302);
    expect(done.headers.get("location")).toBe(callbackURL);
    // A failure goes to errorCallbackURL, query characters percent-encoded, with the code added.
    const failed = await new Client(auth).post("/magic-link/verify", undefined, {
      form: fields,
      headers: { accept: BROWSER_ACCEPT },
    });
    const location = failed.headers.get("location")!;
    expect(location).toMatch(/^\/err\?m=.*&error=INVALID_TOKEN$/);
    expect(new URL(location, ORIGIN).searchParams.get("m")).toBe(`"</form><form action='https://evil.test'>`);
  });

  it("a dead link's page redirects to errorCallbackURL, else callbackURL, else the error page", async () => {
    const auth = build();
    const bogus = `${API}/magic-link/verify?token=${"x".repeat(43)}`;
    const toError = await new Client(auth).get(`${bogus}&callbackURL=%2Fa&errorCallbackURL=%2Ferr`);
    expect(toError.headers.get("location")).toBe("/err?error=INVALID_TOKEN");
    const toCallback = await new Client(auth).get(`${bogus}&callbackURL=%2Fa`);
    expect(toCallback.headers.get("location")).toBe("/a?error=INVALID_TOKEN");
    const toPage = await new Client(auth).get(bogus);
    expect(toPage.status).toBe(302);
    const location = toPage.headers.get("location")!;
    expect(location).toBe(`${API}/error?error=INVALID_TOKEN`);
    expect((await new Client(auth).get(location)).status).toBe(200);
    const missing = await new Client(auth).get(`${API}/magic-link/verify`);
    expect(missing.status).toBe(400);
    expect(missing.body.code).toBe("VALIDATION_ERROR");
  });

  it("an expired link's page redirects with EXPIRED_TOKEN", async () => {
    const auth = build({ expiresIn: 1 });
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() });
    try {
      const link = await requestLink(auth, uniqueEmail("late"), { callbackURL: "/in" });
      vi.setSystemTime(Date.now() + 2_000);
      expect((await new Client(auth).get(link)).headers.get("location")).toBe("/in?error=EXPIRED_TOKEN");
    } finally {
      vi.useRealTimers();
    }
  });

  it("the form's POST must come from this site", async () => {
    const auth = build();
    const link = await requestLink(auth, uniqueEmail("csrf"), { callbackURL: "/in" });
    const fields = Object.fromEntries(new URL(link).searchParams);
    const forged = await new Client(auth, { origin: "https://evil.test" }).post(
      "/magic-link/verify",
      undefined,
      { form: fields },
    );
    expect(forged.status).toBe(403);
    expect(forged.body.code).toBe("INVALID_ORIGIN");
    const navigation = await new Client(auth).post("/magic-link/verify", undefined, {
      form: fields,
      headers: { origin: null, "sec-fetch-site": "cross-site", "sec-fetch-mode": "navigate" },
    });
    expect(navigation.status).toBe(403);
    expect(await count(auth, "verification")).toBe(1);
    expect(await count(auth, "session")).toBe(0);
  });
});

describe("callback URLs", () => {
  const unsafe = ["https://evil.test/x", "//evil.test/x", "javascript:alert(1)", "/\\evil.test"];
  const fields = [
    ["callbackURL", "INVALID_CALLBACK_URL"],
    ["newUserCallbackURL", "INVALID_NEW_USER_CALLBACK_URL"],
    ["errorCallbackURL", "INVALID_ERROR_CALLBACK_URL"],
  ] as const;

  it("sign-in refuses each unsafe one with 403 and its own code, and sends nothing", async () => {
    const auth = build();
    for (const [field, code] of fields) {
      for (const value of unsafe) {
        const res = await new Client(auth).post("/sign-in/magic-link", {
          email: uniqueEmail("cb"),
          [field]: value,
        });
        expect(res.status, `${field}=${value}`).toBe(403);
        expect(res.body).toEqual({ code, message: MAGIC_LINK_ERROR_CODES[code] });
      }
    }
    expect(await count(auth, "verification")).toBe(0);
    const trusted = build({}, { trustedOrigins: ["https://app.example.test"] });
    const ok = await new Client(trusted).post("/sign-in/magic-link", {
      email: uniqueEmail("cb"),
      callbackURL: "https://app.example.test/in",
    });
    expect(ok.status).toBe(200);
  });

  it("a tampered link (GET) or form (POST) with an unsafe one is refused and the link stays usable", async () => {
    const auth = build();
    const email = uniqueEmail("tamper");
    const link = await requestLink(auth, email, { callbackURL: "/in" });
    for (const [field, code] of fields) {
      const tampered = new URL(link);
      tampered.searchParams.set(field, "https://evil.test/steal");
      const page = await new Client(auth).get(tampered.href);
      expect(page.status).toBe(403);
      expect(page.body.code).toBe(code);
      const post = await new Client(auth).post("/magic-link/verify", undefined, {
        form: Object.fromEntries(tampered.searchParams),
      });
      expect(post.status).toBe(403);
      expect(post.body.code).toBe(code);
    }
    expect(await count(auth, "session")).toBe(0);
    expect((await openAndConfirm(new Client(auth), link)).headers.get("location")).toBe("/in");
  });
});

describe("JSON clients", () => {
  it("get { token, user, session } when they ask for JSON or give no callbackURL", async () => {
    const auth = build();
    const email = uniqueEmail("json");
    const link = await requestLink(auth, email, { callbackURL: "/in" });
    const client = new Client(auth);
    const res = await client.post("/magic-link/verify", Object.fromEntries(new URL(link).searchParams), {
      headers: { accept: "application/json" },
    });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(["session", "token", "user"]);
    expect(res.body.user).toMatchObject({ email, emailVerified: true });
    expect(res.body.session.userId).toBe(res.body.user.id);
    // The session row holds the token's hash; the raw token is the one in the cookie.
    expect(res.body.session.token).toBe(sha256Hex(res.body.token));
    expect(tokenOf(client.jar.get(SESSION_COOKIE)!)).toBe(res.body.token);

    // An Accept that lists HTML as well is a browser's: it is redirected.
    const both = await new Client(auth).post(
      "/magic-link/verify",
      Object.fromEntries(new URL(await requestLink(auth, email, { callbackURL: "/in" })).searchParams),
      { headers: { accept: "text/html, application/json;q=0.9" } },
    );
    expect(both.status).toBe(302);
    expect(both.headers.get("location")).toBe("/in");

    const plain = await requestLink(auth, email);
    const token = new URL(plain).searchParams.get("token");
    const bare = await new Client(auth).post("/magic-link/verify", { token });
    expect(bare.status).toBe(200);
    expect(bare.body.user.email).toBe(email);

    const missing = await new Client(auth).post("/magic-link/verify", {});
    expect(missing.status).toBe(400);
    expect(missing.body.code).toBe("VALIDATION_ERROR");
  });

  it("sign-in validates its body like Better Auth's: email required and well-formed", async () => {
    const auth = build();
    for (const body of [{}, { email: "not-an-email" }, { email: "" }]) {
      const res = await new Client(auth).post("/sign-in/magic-link", body);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe("VALIDATION_ERROR");
    }
  });
});

describe("rate limits", () => {
  it("5 sign-in requests per minute per address by default, then 429 with Retry-After", async () => {
    // rateLimit: {} is the real defaults (makeAuth turns limits off otherwise).
    const { auth } = makeAuth({
      email: { transport: async () => undefined },
      plugins: [magicLink()],
      rateLimit: {},
    });
    for (let i = 0; i < 5; i++) {
      expect((await new Client(auth).post("/sign-in/magic-link", { email: uniqueEmail("rl") })).status).toBe(
        200,
      );
    }
    const limited = await new Client(auth).post("/sign-in/magic-link", { email: uniqueEmail("rl") });
    expect(limited.status).toBe(429);
    expect(limited.body.code).toBe("TOO_MANY_REQUESTS");
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it("the verify path allows twice the rule (a page and its POST per link); rateLimit sets both", async () => {
    const { auth } = makeAuth({
      email: { transport: async () => undefined },
      plugins: [magicLink({ rateLimit: { window: 60, max: 2 } })],
      rateLimit: {},
    });
    expect(auth.$context.rateLimitRules.get("/sign-in/magic-link")).toEqual({ window: 60, max: 2 });
    expect(auth.$context.rateLimitRules.get("/magic-link/verify")).toEqual({ window: 60, max: 4 });
    const bogus = `/magic-link/verify?token=${"x".repeat(43)}`;
    for (let i = 0; i < 4; i++) expect((await new Client(auth).get(bogus)).status).toBe(302);
    expect((await new Client(auth).get(bogus)).status).toBe(429);
    expect((await new Client(auth).post("/magic-link/verify", { token: "x".repeat(43) })).status).toBe(429);
  });
});

describe("options", () => {
  it("a custom sendMagicLink replaces the mail and gets email, url, token, metadata and the request", async () => {
    const sent: { data: Record<string, unknown>; request: Request | undefined }[] = [];
    const transport = vi.fn(async () => undefined);
    const { auth } = makeAuth({
      email: { transport },
      rateLimit: NO_LIMITS,
      plugins: [
        magicLink({ sendMagicLink: (data, request) => void sent.push({ data: { ...data }, request }) }),
      ],
    });
    const email = uniqueEmail("custom");
    const res = await new Client(auth).post("/sign-in/magic-link", {
      email,
      callbackURL: "/c",
      metadata: { inviteId: "123" },
    });
    expect(res.status).toBe(200);
    expect(transport).not.toHaveBeenCalled();
    expect(sent).toHaveLength(1);
    const { data, request } = sent[0]!;
    expect(data).toMatchObject({ email, metadata: { inviteId: "123" } });
    const url = new URL(String(data.url));
    expect(url.origin + url.pathname).toBe(`${ORIGIN}/api/auth/magic-link/verify`);
    expect(url.searchParams.get("token")).toBe(data.token);
    expect(String(data.token)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(request).toBeInstanceOf(Request);
    expect((await openAndConfirm(new Client(auth), url.href)).headers.get("location")).toBe("/c");
  });

  it("wrong options throw when the plugin is made, naming the option", () => {
    expect(() => magicLink({ expiresIn: 0 })).toThrow(/magicLink: expiresIn/);
    expect(() => magicLink({ expiresIn: 1.5 })).toThrow(/magicLink: expiresIn/);
    expect(() => magicLink({ sendMagicLink: "mail" as never })).toThrow(/magicLink: sendMagicLink/);
    expect(() => magicLink({ disableSignUp: "yes" as never })).toThrow(/magicLink: disableSignUp/);
    expect(() => magicLink({ rateLimit: { window: 60, max: 0 } })).toThrow(/magicLink: rateLimit.max/);
    expect(() => magicLink()).not.toThrow();
  });

  it("in production, createAuth refuses a plugin that has no way to send links", async () => {
    await withEnv({ NODE_ENV: "production" }, () => {
      const base = { secret: SECRET, logger: capturingLogger(), baseURL: "https://app.example.test" };
      expect(() => createAuth({ ...base, plugins: [magicLink()] })).toThrow(/magicLink: .*email\.transport/);
      expect(() =>
        createAuth({ ...base, plugins: [magicLink({ sendMagicLink: async () => undefined })] }),
      ).not.toThrow();
      expect(() =>
        createAuth({ ...base, email: { transport: smtp.url }, plugins: [magicLink()] }),
      ).not.toThrow();
    });
  });
});

describe("auth.api", () => {
  it("signInMagicLink and magicLinkVerify work server-side with Better Auth's arguments", async () => {
    const tokens: string[] = [];
    const auth = createAuth({
      secret: SECRET,
      logger: capturingLogger(),
      plugins: [magicLink({ sendMagicLink: ({ token }) => void tokens.push(token) })],
    });
    const email = uniqueEmail("api");
    expect(await auth.api.signInMagicLink({ body: { email, name: "Server" } })).toEqual({ status: true });
    const { headers, response } = await auth.api.magicLinkVerify({
      query: { token: tokens[0]! },
      returnHeaders: true,
    });
    expect(response.user).toMatchObject({ email, name: "Server", emailVerified: true });
    expect(response.session.userId).toBe(response.user.id);
    expect(headers.getSetCookie().some((c) => c.startsWith(`${SESSION_COOKIE}=`))).toBe(true);

    await auth.api.signInMagicLink({ body: { email } });
    const redirect = await auth.api.magicLinkVerify({ query: { token: tokens[1]!, callbackURL: "/after" } });
    expect(redirect).toEqual({ redirect: true, url: "/after" });
    await expect(auth.api.magicLinkVerify({ body: { token: tokens[1]! } })).rejects.toMatchObject({
      status: 401,
      code: "INVALID_TOKEN",
    });
  });
});

describe("better-auth/client with magicLinkClient against Gatehouse", () => {
  it("signIn.magicLink, the mailed link's page and magicLink.verify (as a POST) work unchanged", async () => {
    const { auth } = makeAuth({
      email: { from: FROM, transport: smtp.url },
      rateLimit: NO_LIMITS,
      plugins: [magicLink()],
    });
    const srv = await startServer(toNodeHandler(auth));
    try {
      const jar = new CookieJar();
      const client = createAuthClient({
        baseURL: srv.url,
        plugins: [magicLinkClient()],
        fetchOptions: {
          customFetchImpl: async (input, init) => {
            const headers = new Headers(init?.headers);
            if (jar.cookies.size > 0) headers.set("cookie", jar.header());
            headers.set("origin", srv.url);
            const response = await fetch(input, { ...init, headers, redirect: "manual" });
            jar.absorb(response);
            return response;
          },
        },
      });
      const email = uniqueEmail("baclient");

      const sent = await client.signIn.magicLink({ email, callbackURL: "/dashboard", name: "Client" });
      expect(sent.error).toBeNull();
      expect(sent.data).toEqual({ status: true });
      const link = magicLinkIn((await smtp.waitFor(email)).links);
      expect(link.startsWith(`${srv.url}/api/auth/magic-link/verify?token=`)).toBe(true);

      // The user's browser: open the link, press the button.
      const page = await fetch(link, { headers: { accept: BROWSER_ACCEPT } });
      const { action, fields } = formOf(await page.text());
      const confirmed = await fetch(action, {
        method: "POST",
        headers: {
          origin: srv.url,
          "content-type": "application/x-www-form-urlencoded",
          accept: BROWSER_ACCEPT,
        },
        body: new URLSearchParams(fields).toString(),
        redirect: "manual",
      });
      expect(confirmed.status).toBe(302);
      expect(confirmed.headers.get("location")).toBe("/dashboard");
      jar.absorb(confirmed);
      const session = await client.getSession();
      expect(session.error).toBeNull();
      expect(session.data?.user).toMatchObject({ email, name: "Client", emailVerified: true });

      // An app that handles the link itself (a deep link) verifies the token through the client.
      // A GET (magicLink.verify({ query })) is only the confirmation page: it uses nothing up.
      await client.signIn.magicLink({ email });
      const token = new URL(magicLinkIn((await smtp.waitFor(email)).links)).searchParams.get("token")!;
      await client.magicLink.verify({ query: { token } });
      // The same call as a POST signs in.
      const verified = await client.magicLink.verify({ query: { token } }, { method: "POST" });
      expect(verified.error).toBeNull();
      expect(verified.data).toMatchObject({ user: { email }, session: { userId: session.data?.user.id } });
      const reused = await client.magicLink.verify({ query: { token } }, { method: "POST" });
      expect(reused.error?.status).toBe(401);
      expect(reused.error?.code).toBe("INVALID_TOKEN");

      // $fetch with the token in a JSON body works as well.
      await client.signIn.magicLink({ email });
      const another = new URL(magicLinkIn((await smtp.waitFor(email)).links)).searchParams.get("token")!;
      const fetched = await client.$fetch<{ token: string; user: { email: string } }>("/magic-link/verify", {
        method: "POST",
        body: { token: another },
      });
      expect(fetched.error).toBeNull();
      expect(fetched.data?.user.email).toBe(email);
    } finally {
      await srv.close();
    }
  });
});
