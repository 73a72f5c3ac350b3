/**
 * ExpressAuth's sessions over real HTTP: database sessions with a Credentials provider (which
 * Auth.js cannot do), session cookies minted by Auth.js itself (`@auth/core/jwt` and a real
 * `@auth/express` app, chunked too), one instance per config object, sliding renewal seen by
 * `getSession(req, config)`, the built-in sign-up form, and the caller's config left untouched.
 */
import { decode as authjsDecode, encode as authjsEncode } from "@auth/core/jwt";
import { ExpressAuth as AuthJsExpressAuth, getSession as authjsGetSession } from "@auth/express";
import AuthJsCredentials from "@auth/express/providers/credentials";
import Database from "better-sqlite3";
import express from "express";
import express4 from "express4";
import { afterAll, describe, expect, it } from "vitest";
import { authFor, ExpressAuth, type ExpressAuthConfig, getSession } from "../../src/express/index.js";
import Credentials from "../../src/providers/credentials.js";
import { AuthBrowser, formPostingTo, redirectTarget, setsCookie } from "../helpers/auth-browser.js";
import { startServer, TEST_SECRET, type TestServer, uniqueEmail } from "../helpers/http.js";

const JWT_COOKIE = "authjs.session-token";
const DB_COOKIE = "authjs.session_token";
const quiet = { info() {}, warn() {}, error() {} };

const servers: TestServer[] = [];
const databases: Database.Database[] = [];
afterAll(async () => {
  for (const srv of servers) await srv.close();
  for (const db of databases) db.close();
});

function sqlite(): Database.Database {
  const db = new Database(":memory:");
  databases.push(db);
  return db;
}

/** The Credentials provider these tests sign in with: any name, PIN 1234. */
function pinCredentials() {
  return Credentials({
    credentials: { name: { label: "Name" }, pin: { label: "PIN", type: "password" } },
    authorize: async ({ name, pin }) =>
      pin === "1234" && typeof name === "string"
        ? { id: `pin-${name}`, name, email: `${name.toLowerCase()}@pin.example` }
        : null,
  });
}

/** An Express 5 app with ExpressAuth(config) at /auth and getSession(req, config) at /me. */
async function serve(config: ExpressAuthConfig): Promise<TestServer> {
  const app = express();
  app.use("/auth", ExpressAuth(config));
  app.get("/me", async (req, res) => {
    res.json(await getSession(req, config));
  });
  const srv = await startServer(app);
  servers.push(srv);
  return srv;
}

async function signInWithPin(browser: AuthBrowser, name: string, callbackUrl = "/home"): Promise<Response> {
  const csrfToken = await browser.csrfToken();
  return browser.post("/auth/callback/credentials", { csrfToken, name, pin: "1234", callbackUrl });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("database sessions with a Credentials provider", () => {
  it("sign-in stores a session row behind a signed authjs.session_token; sign-out deletes the row", async () => {
    const config: ExpressAuthConfig = {
      secret: TEST_SECRET,
      logger: quiet,
      database: sqlite(),
      providers: [pinCredentials()],
    };
    await authFor(config).migrate();
    const { adapter } = authFor(config).$context;
    const srv = await serve(config);
    const browser = new AuthBrowser(srv.url);

    const signIn = await signInWithPin(browser, "Grace");
    expect(signIn.status).toBe(302);
    expect(signIn.headers.get("location")).toBe(`${srv.url}/home`);
    const cookie = browser.jar.get(DB_COOKIE);
    expect(cookie).toMatch(/^[\w-]+\.[\w-]+$/);
    expect(browser.jar.get(JWT_COOKIE)).toBeUndefined();
    const line = signIn.headers.getSetCookie().find((l) => l.startsWith(`${DB_COOKIE}=`))!;
    expect(line).toMatch(/HttpOnly/i);
    expect(line).toMatch(/SameSite=Lax/i);

    const rows = await adapter.findMany({ model: "session" });
    expect(rows).toHaveLength(1);
    // Only the token's hash is stored.
    expect(cookie!.startsWith(String(rows[0]!.token))).toBe(false);
    expect(await browser.session()).toMatchObject({ user: { name: "Grace", email: "grace@pin.example" } });
    expect(await (await browser.get("/me")).json()).toMatchObject({ user: { email: "grace@pin.example" } });

    // A second sign-in of the same person makes a second session, not a second user.
    const other = new AuthBrowser(srv.url);
    await signInWithPin(other, "Grace");
    expect(await adapter.count({ model: "session" })).toBe(2);
    expect(await adapter.count({ model: "user" })).toBe(1);

    const csrfToken = await browser.csrfToken();
    const out = await browser.post("/auth/signout", { csrfToken, callbackUrl: "/bye" });
    expect(out.headers.get("location")).toBe(`${srv.url}/bye`);
    expect(browser.jar.get(DB_COOKIE)).toBeUndefined();
    expect(await adapter.count({ model: "session" })).toBe(1);
    expect(await browser.session()).toBeNull();

    // Database sessions are revocable at once: delete the other row and that browser is out.
    await adapter.deleteMany({ model: "session", where: [] });
    expect(await other.session()).toBeNull();
    expect(await (await other.get("/me")).json()).toBeNull();
  });

  it("a tampered session cookie is no session", async () => {
    const config: ExpressAuthConfig = {
      secret: TEST_SECRET,
      logger: quiet,
      database: sqlite(),
      providers: [pinCredentials()],
    };
    await authFor(config).migrate();
    const srv = await serve(config);
    const browser = new AuthBrowser(srv.url);
    await signInWithPin(browser, "Mallory");
    const cookie = browser.jar.get(DB_COOKIE)!;
    const forged = new AuthBrowser(srv.url);
    forged.jar.store(`${DB_COOKIE}=${cookie.startsWith("A") ? "B" : "A"}${cookie.slice(1)}; Path=/`);
    expect(await forged.session()).toBeNull();
  });
});

describe("sessions minted by Auth.js", () => {
  const secret = TEST_SECRET;

  it("a cookie from @auth/core/jwt encode() is accepted by /auth/session and getSession(req, config)", async () => {
    const srv = await serve({ secret, logger: quiet, providers: [pinCredentials()] });
    const minted = await authjsEncode({
      token: {
        sub: "authjs-user-1",
        name: "Ada",
        email: "ada@authjs.example",
        picture: "https://img.example/a.png",
      },
      secret,
      salt: JWT_COOKIE,
    });
    const browser = new AuthBrowser(srv.url);
    browser.jar.store(`${JWT_COOKIE}=${minted}; Path=/`);
    const expected = {
      user: {
        id: "authjs-user-1",
        name: "Ada",
        email: "ada@authjs.example",
        image: "https://img.example/a.png",
      },
    };
    expect(await browser.session()).toMatchObject(expected);
    expect(await (await browser.get("/me")).json()).toMatchObject(expected);

    // Under another secret it is nobody.
    const foreign = new AuthBrowser(srv.url);
    foreign.jar.store(
      `${JWT_COOKIE}=${await authjsEncode({ token: { sub: "x" }, secret: `${secret}-other`, salt: JWT_COOKIE })}; Path=/`,
    );
    expect(await foreign.session()).toBeNull();
  });

  it("a big session chunked into authjs.session-token.0/.1 is read whole", async () => {
    const srv = await serve({ secret, logger: quiet, providers: [pinCredentials()] });
    const name = `Ada ${"L".repeat(4500)}`;
    const minted = await authjsEncode({
      token: { sub: "authjs-big", name, email: "big@authjs.example" },
      secret,
      salt: JWT_COOKIE,
    });
    // Auth.js's chunk size: 4096 minus 160 for the cookie's name and attributes.
    expect(minted.length).toBeGreaterThan(3936);
    expect(minted.length).toBeLessThanOrEqual(2 * 3936);
    const browser = new AuthBrowser(srv.url);
    browser.jar.store([
      `${JWT_COOKIE}.0=${minted.slice(0, 3936)}; Path=/`,
      `${JWT_COOKIE}.1=${minted.slice(3936)}; Path=/`,
    ]);
    expect(await browser.session()).toMatchObject({ user: { id: "authjs-big", name } });
    expect(await (await browser.get("/me")).json()).toMatchObject({ user: { name } });
    // One chunk alone is not a session.
    const half = new AuthBrowser(srv.url);
    half.jar.store(`${JWT_COOKIE}.0=${minted.slice(0, 3936)}; Path=/`);
    expect(await half.session()).toBeNull();
  });

  it("cookies a real @auth/express app set (chunked) are read here, and ours are read there", async () => {
    const bigName = `Grace ${"H".repeat(4500)}`;
    const authjsConfig = {
      secret,
      trustHost: true,
      providers: [
        AuthJsCredentials({
          credentials: { name: {} },
          authorize: async (fields: Partial<Record<string, unknown>>) => ({
            id: `authjs-${String(fields.name).length}`,
            name: String(fields.name),
            email: "grace@authjs.example",
          }),
        }),
      ],
    };
    const peer = express4();
    peer.use("/auth/*", AuthJsExpressAuth(authjsConfig));
    peer.get("/me", async (req, res) => {
      res.json(await authjsGetSession(req, authjsConfig));
    });
    const peerSrv = await startServer(peer);
    servers.push(peerSrv);

    // Sign in at the Auth.js app.
    const atPeer = new AuthBrowser(peerSrv.url);
    const csrfToken = await atPeer.csrfToken();
    const signedIn = await atPeer.post("/auth/callback/credentials", { csrfToken, name: bigName });
    expect(signedIn.status).toBe(302);
    expect(atPeer.jar.get(`${JWT_COOKIE}.0`)).toBeDefined();
    expect(atPeer.jar.get(`${JWT_COOKIE}.1`)).toBeDefined();
    expect(((await (await atPeer.get("/me")).json()) as { user: { name: string } }).user.name).toBe(bigName);

    // The same cookies at our app.
    const srv = await serve({ secret, logger: quiet, providers: [pinCredentials()] });
    const here = new AuthBrowser(srv.url);
    here.jar.store([
      `${JWT_COOKIE}.0=${atPeer.jar.get(`${JWT_COOKIE}.0`)}; Path=/`,
      `${JWT_COOKIE}.1=${atPeer.jar.get(`${JWT_COOKIE}.1`)}; Path=/`,
    ]);
    expect(await here.session()).toMatchObject({ user: { name: bigName, email: "grace@authjs.example" } });
    expect(await (await here.get("/me")).json()).toMatchObject({ user: { name: bigName } });

    // And a session we issue opens at the Auth.js app.
    const ours = new AuthBrowser(srv.url);
    await signInWithPin(ours, "Hopper");
    const theirs = new AuthBrowser(peerSrv.url);
    theirs.jar.store(`${JWT_COOKIE}=${ours.jar.get(JWT_COOKIE)}; Path=/`);
    expect(await (await theirs.get("/me")).json()).toMatchObject({
      user: { name: "Hopper", email: "hopper@pin.example" },
    });
  });
});

describe("one instance per config object", () => {
  it("authFor(config) is stable, and ExpressAuth(config) and getSession(req, config) share sessions", async () => {
    // Database sessions in the in-memory default store: a second instance would not see them.
    const config: ExpressAuthConfig = {
      secret: TEST_SECRET,
      logger: quiet,
      session: { strategy: "database" },
      providers: [pinCredentials()],
    };
    expect(authFor(config)).toBe(authFor(config));
    expect(authFor({ ...config })).not.toBe(authFor(config));
    const srv = await serve(config);
    const browser = new AuthBrowser(srv.url);
    await signInWithPin(browser, "Linus");
    expect(browser.jar.get(DB_COOKIE)).toBeDefined();
    expect(await authFor(config).$context.adapter.count({ model: "session" })).toBe(1);
    expect(await (await browser.get("/me")).json()).toMatchObject({ user: { name: "Linus" } });
  });

  it("getSession(req, config) renews a JWT session past updateAge on the app route's response", async () => {
    const config: ExpressAuthConfig = {
      secret: TEST_SECRET,
      logger: quiet,
      session: { updateAge: 1 },
      providers: [pinCredentials()],
    };
    const srv = await serve(config);
    const browser = new AuthBrowser(srv.url);
    await signInWithPin(browser, "Barbara");
    const before = await authjsDecode({
      token: browser.jar.get(JWT_COOKIE),
      secret: TEST_SECRET,
      salt: JWT_COOKIE,
    });
    await sleep(2100);
    const me = await browser.get("/me");
    expect(await me.json()).toMatchObject({ user: { name: "Barbara" } });
    expect(setsCookie(me, JWT_COOKIE)).toBe(true);
    const after = await authjsDecode({
      token: browser.jar.get(JWT_COOKIE),
      secret: TEST_SECRET,
      salt: JWT_COOKIE,
    });
    expect(after?.sub).toBe(before?.sub);
    expect(Number(after?.exp)).toBeGreaterThan(Number(before?.exp));
    expect(Number(after?.iat)).toBeGreaterThan(Number(before?.iat));

    // With the default updateAge (a day) nothing is renewed.
    const calm = await serve({ secret: TEST_SECRET, logger: quiet, providers: [pinCredentials()] });
    const other = new AuthBrowser(calm.url);
    await signInWithPin(other, "Barbara");
    const quietRead = await other.get("/me");
    expect(await quietRead.json()).toMatchObject({ user: { name: "Barbara" } });
    expect(quietRead.headers.getSetCookie()).toEqual([]);
  });

  it("getSession(req, config) renews a database session past updateAge (row and cookie)", async () => {
    const config: ExpressAuthConfig = {
      secret: TEST_SECRET,
      logger: quiet,
      database: sqlite(),
      session: { updateAge: 1 },
      providers: [pinCredentials()],
    };
    await authFor(config).migrate();
    const { adapter } = authFor(config).$context;
    const srv = await serve(config);
    const browser = new AuthBrowser(srv.url);
    await signInWithPin(browser, "Frances");
    const [row] = await adapter.findMany({ model: "session" });
    await sleep(1200);
    const me = await browser.get("/me");
    expect(await me.json()).toMatchObject({ user: { name: "Frances" } });
    expect(setsCookie(me, DB_COOKIE)).toBe(true);
    const [renewed] = await adapter.findMany({ model: "session" });
    expect((renewed!.expiresAt as Date).getTime()).toBeGreaterThan((row!.expiresAt as Date).getTime());
  });
});

describe("sign-up through the built-in form", () => {
  it("the sign-in page offers it; a sign-up signs in; a duplicate email is EmailCreateAccount", async () => {
    const config: ExpressAuthConfig = {
      secret: TEST_SECRET,
      logger: quiet,
      emailAndPassword: { enabled: true },
    };
    const srv = await serve(config);
    const browser = new AuthBrowser(srv.url);
    const page = await browser.get("/auth/signin?callbackUrl=%2Fwelcome");
    const form = formPostingTo(await page.text(), `${srv.url}/auth/signup`);
    expect(Object.keys(form.fields)).toEqual(
      expect.arrayContaining(["csrfToken", "callbackUrl", "name", "email", "password"]),
    );
    const email = uniqueEmail("signup");
    const up = await browser.post(form.action, {
      ...form.fields,
      name: "Katherine",
      email,
      password: "correct horse battery",
    });
    expect(up.status).toBe(302);
    expect(up.headers.get("location")).toBe(`${srv.url}/welcome`);
    expect(setsCookie(up, JWT_COOKIE)).toBe(true);
    expect(await browser.session()).toMatchObject({ user: { name: "Katherine", email } });
    expect(await (await browser.get("/me")).json()).toMatchObject({ user: { email } });

    const again = new AuthBrowser(srv.url);
    const csrfToken = await again.csrfToken();
    const duplicate = await again.post("/auth/signup", {
      csrfToken,
      name: "Someone Else",
      email,
      password: "another long password",
      callbackUrl: "/welcome",
    });
    const target = redirectTarget(duplicate, srv.url);
    expect(target.pathname).toBe("/auth/signin");
    expect(target.searchParams.get("error")).toBe("EmailCreateAccount");
    expect(setsCookie(duplicate, JWT_COOKIE)).toBe(false);
    expect(await again.session()).toBeNull();
    expect(await authFor(config).$context.adapter.count({ model: "user" })).toBe(1);
  });

  it("refuses a post without the CSRF token, a bad email and a short password", async () => {
    const srv = await serve({ secret: TEST_SECRET, logger: quiet, emailAndPassword: { enabled: true } });
    const browser = new AuthBrowser(srv.url);
    const noToken = await browser.post("/auth/signup", {
      email: uniqueEmail("x"),
      password: "correct horse battery",
    });
    expect(redirectTarget(noToken, srv.url).searchParams.get("error")).toBe("MissingCSRF");
    const csrfToken = await browser.csrfToken();
    for (const fields of [
      { email: "not-an-email", password: "correct horse battery" },
      { email: uniqueEmail("short"), password: "short" },
    ]) {
      const res = await browser.post("/auth/signup", { csrfToken, ...fields });
      expect(redirectTarget(res, srv.url).searchParams.get("error")).toBe("EmailCreateAccount");
      expect(setsCookie(res, JWT_COOKIE)).toBe(false);
    }
  });

  it("without emailAndPassword there is no sign-up form and the route refuses", async () => {
    const srv = await serve({ secret: TEST_SECRET, logger: quiet, providers: [pinCredentials()] });
    const browser = new AuthBrowser(srv.url);
    const html = await (await browser.get("/auth/signin")).text();
    expect(html).not.toContain(`action="${srv.url}/auth/signup"`);
    const csrfToken = await browser.csrfToken();
    const res = await browser.post("/auth/signup", {
      csrfToken,
      email: uniqueEmail("off"),
      password: "correct horse battery",
    });
    expect(redirectTarget(res, srv.url).searchParams.get("error")).toBe("EmailCreateAccount");
    expect(setsCookie(res, JWT_COOKIE)).toBe(false);
  });
});

/** A copy of plain objects and arrays; functions and class instances (a Database) kept by reference. */
function snapshot<T>(value: T): T {
  if (Array.isArray(value)) return value.map(snapshot) as T;
  if (value && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, snapshot(v)])) as T;
  }
  return value;
}

function deepFreeze<T>(value: T): T {
  if (
    value &&
    typeof value === "object" &&
    (Array.isArray(value) || Object.getPrototypeOf(value) === Object.prototype)
  ) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

describe("the caller's config object", () => {
  it("is not changed by ExpressAuth, sign-in, getSession or sign-out", async () => {
    const config: ExpressAuthConfig = {
      secret: TEST_SECRET,
      logger: quiet,
      database: sqlite(),
      session: { updateAge: 3600 },
      advanced: { useSecureCookies: false },
      callbacks: { session: ({ session }) => ({ ...session, extra: 1 }) },
      events: { signIn: () => {} },
      pages: {},
      providers: [pinCredentials()],
    };
    const before = snapshot(config);
    await authFor(config).migrate();
    const srv = await serve(config);
    const browser = new AuthBrowser(srv.url);
    await signInWithPin(browser, "Ada");
    expect(await (await browser.get("/me")).json()).toMatchObject({ extra: 1 });
    const csrfToken = await browser.csrfToken();
    await browser.post("/auth/signout", { csrfToken });
    expect(config).toStrictEqual(before);
    expect(config.advanced).toEqual({ useSecureCookies: false });
    expect(config.session).toEqual({ updateAge: 3600 });
    expect("basePath" in config).toBe(false);
  });

  it("a deeply frozen config works (nothing tries to write to it)", async () => {
    const config = deepFreeze<ExpressAuthConfig>({
      secret: TEST_SECRET,
      logger: quiet,
      session: { updateAge: 3600 },
      providers: [pinCredentials()],
    });
    const srv = await serve(config);
    const browser = new AuthBrowser(srv.url);
    const signIn = await signInWithPin(browser, "Ada");
    expect(signIn.headers.get("location")).toBe(`${srv.url}/home`);
    expect(await (await browser.get("/me")).json()).toMatchObject({ user: { name: "Ada" } });
  });
});
