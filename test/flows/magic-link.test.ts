/**
 * The magic-link flow (src/flows/magic-link.ts) over real HTTP, with a real SMTP server
 * receiving the mail: one use per link, hashed at rest, expiry, sign-up rules, claiming an
 * unverified user, all-or-nothing writes, and the same answer for known and unknown emails.
 * Runs on the memory adapter and on SQLite (better-sqlite3, migrated).
 */
import Database from "better-sqlite3";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { AuthOptions } from "../../src/index.js";
import { magicLinkEmail } from "../../src/email/templates.js";
import { magicLink, type MagicLinkOptions } from "../../src/plugins/magic-link/index.js";
import {
  Client,
  PASSWORD,
  SESSION_COOKIE,
  type TestAuth,
  makeAuth,
  sha256Hex,
  uniqueEmail,
} from "../core/harness.js";
import { type TestSmtpServer, startSmtpServer } from "../helpers/smtp.js";

let smtp: TestSmtpServer;
beforeAll(async () => {
  smtp = await startSmtpServer();
});
afterAll(async () => {
  await smtp.close();
});
afterEach(() => {
  vi.useRealTimers();
});

const FROM = "Gatehouse Test <no-reply@example.test>";
const JSON_ACCEPT = { accept: "application/json" };

/** The link in a received mail that opens the magic-link confirmation step. */
function magicLinkIn(links: readonly string[]): string {
  const link = links.find((l) => l.includes("/magic-link/verify?"));
  if (!link) throw new Error(`no magic link in ${JSON.stringify(links)}`);
  return link;
}

function tokenOfLink(link: string): string {
  const token = new URL(link).searchParams.get("token");
  if (!token) throw new Error(`no token in ${link}`);
  return token;
}

async function userByEmail(auth: TestAuth, email: string) {
  return auth.$context.adapter.findOne({ model: "user", where: [{ field: "email", value: email }] });
}

describe.each(["memory", "sqlite"] as const)("magic-link flow (%s)", (kind) => {
  const databases: Database.Database[] = [];
  afterAll(() => {
    for (const db of databases) db.close();
  });

  /** An auth instance with the plugin, mail to the SMTP server, rate limits off (tested in the plugin suite). */
  async function build(plugin: MagicLinkOptions = {}, options: AuthOptions = {}): Promise<TestAuth> {
    let database: Database.Database | undefined;
    if (kind === "sqlite") {
      database = new Database(":memory:");
      databases.push(database);
    }
    const { auth } = makeAuth({
      database,
      email: { from: FROM, transport: smtp.url },
      rateLimit: { enabled: false },
      plugins: [magicLink(plugin)],
      ...options,
    });
    await auth.migrate();
    return auth;
  }

  /** Asks for a link for `email` and returns the one the SMTP server received. */
  async function requestLink(
    auth: TestAuth,
    email: string,
    body: Record<string, unknown> = {},
    to = email,
  ): Promise<string> {
    const res = await new Client(auth).post("/sign-in/magic-link", { email, ...body });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: true });
    return magicLinkIn((await smtp.waitFor(to)).links);
  }

  it("a link signs an unknown email up once: a verified user and a session; reusing it fails", async () => {
    const auth = await build();
    const email = uniqueEmail("new");
    // Typed with spaces and capitals: the link goes to, and the user gets, the normalised address.
    const link = await requestLink(auth, `  ${email.toUpperCase()} `, { name: "Ada" }, email);
    expect(link.startsWith("http://localhost:3000/api/auth/magic-link/verify?token=")).toBe(true);
    expect(await userByEmail(auth, email)).toBeNull();

    const browser = new Client(auth);
    const used = await browser.post(
      "/magic-link/verify",
      { token: tokenOfLink(link) },
      { headers: JSON_ACCEPT },
    );
    expect(used.status).toBe(200);
    expect(used.body.user).toMatchObject({ email, name: "Ada", emailVerified: true });
    expect(used.body.session.userId).toBe(used.body.user.id);
    expect(typeof used.body.token).toBe("string");
    expect(browser.jar.get(SESSION_COOKIE)).toBeTruthy();
    expect((await browser.getSession()).body.user).toMatchObject({ email, emailVerified: true });
    expect(await auth.$context.adapter.count({ model: "user" })).toBe(1);

    const again = await new Client(auth).post(
      "/magic-link/verify",
      { token: tokenOfLink(link) },
      { headers: JSON_ACCEPT },
    );
    expect(again.status).toBe(401);
    expect(again.body).toEqual({ code: "INVALID_TOKEN", message: "Invalid token" });
    expect(again.headers.getSetCookie()).toEqual([]);
    expect(await auth.$context.adapter.count({ model: "session" })).toBe(1);
  });

  it("stores only the token's SHA-256, never the token", async () => {
    const auth = await build();
    const email = uniqueEmail("hash");
    const token = tokenOfLink(await requestLink(auth, email));
    const rows = await auth.$context.adapter.findMany({ model: "verification", where: [] });
    expect(rows).toHaveLength(1);
    expect(rows[0]!.identifier).toBe(`magic-link:${sha256Hex(token)}`);
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(JSON.parse(String(rows[0]!.value))).toEqual({ email });
  });

  it("a link expires after expiresIn: EXPIRED_TOKEN, and nothing is created", async () => {
    const auth = await build({ expiresIn: 60 });
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() });
    const email = uniqueEmail("expire");
    const token = tokenOfLink(await requestLink(auth, email));
    vi.setSystemTime(Date.now() + 61_000);
    const res = await new Client(auth).post("/magic-link/verify", { token }, { headers: JSON_ACCEPT });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe("EXPIRED_TOKEN");
    expect(await userByEmail(auth, email)).toBeNull();
    expect(await auth.$context.adapter.count({ model: "session" })).toBe(0);
  });

  it("a link whose row was moved past its expiry redirects to errorCallbackURL with EXPIRED_TOKEN", async () => {
    const auth = await build();
    const email = uniqueEmail("moved");
    const link = await requestLink(auth, email, { callbackURL: "/home", errorCallbackURL: "/oops?x=1" });
    const identifier = `magic-link:${sha256Hex(tokenOfLink(link))}`;
    await auth.$context.store.update("verification", [{ field: "identifier", value: identifier }], {
      expiresAt: new Date(Date.now() - 1000),
    });
    const url = new URL(link);
    const res = await new Client(auth).post("/magic-link/verify", undefined, {
      form: Object.fromEntries(url.searchParams),
      headers: { accept: "text/html" },
    });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/oops?x=1&error=EXPIRED_TOKEN");
    expect(await userByEmail(auth, email)).toBeNull();
  });

  it("a verified user is signed in as they are: same id, name and password", async () => {
    const auth = await build();
    const email = uniqueEmail("known");
    const up = await new Client(auth).signUp(email);
    await auth.$context.store.update("user", [{ field: "id", value: up.body.user.id }], {
      emailVerified: true,
    });
    const link = await requestLink(auth, email, { name: "Not Used" });
    const res = await new Client(auth).post(
      "/magic-link/verify",
      { token: tokenOfLink(link) },
      { headers: JSON_ACCEPT },
    );
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ id: up.body.user.id, name: "Test User", emailVerified: true });
    expect((await new Client(auth).signIn(email)).status).toBe(200);
  });

  it("an unverified user becomes verified; the password and sessions from before the proof are removed", async () => {
    const auth = await build();
    const email = uniqueEmail("claim");
    // Somebody registered the address with a password and is signed in with it.
    const squatter = new Client(auth);
    const up = await squatter.signUp(email);
    expect(up.body.user.emailVerified).toBe(false);
    expect((await squatter.getSession()).body?.user.email).toBe(email);

    const link = await requestLink(auth, email);
    const owner = new Client(auth);
    const res = await owner.post(
      "/magic-link/verify",
      { token: tokenOfLink(link) },
      { headers: JSON_ACCEPT },
    );
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ id: up.body.user.id, emailVerified: true });
    expect((await userByEmail(auth, email))?.emailVerified).toBe(true);

    expect((await squatter.getSession()).body).toBeNull();
    const password = await new Client(auth).signIn(email, PASSWORD);
    expect(password.status).toBe(401);
    expect(await auth.$context.adapter.count({ model: "account" })).toBe(0);
    expect((await owner.getSession()).body.user.id).toBe(up.body.user.id);
  });

  it("disableSignUp: unknown emails get the same answer and a mail, but the link creates nobody", async () => {
    const auth = await build({ disableSignUp: true });
    const stranger = uniqueEmail("stranger");
    const link = await requestLink(auth, stranger, { callbackURL: "/app" });

    const json = await new Client(auth).post("/magic-link/verify", { token: tokenOfLink(link) });
    expect(json.status).toBe(403);
    expect(json.body.code).toBe("NEW_USER_SIGNUP_DISABLED");
    expect(await userByEmail(auth, stranger)).toBeNull();
    expect(await auth.$context.adapter.count({ model: "session" })).toBe(0);

    const second = await requestLink(auth, stranger, { callbackURL: "/app" });
    const redirected = await new Client(auth).post("/magic-link/verify", undefined, {
      form: Object.fromEntries(new URL(second).searchParams),
    });
    expect(redirected.status).toBe(302);
    expect(redirected.headers.get("location")).toBe("/app?error=new_user_signup_disabled");
    expect(await userByEmail(auth, stranger)).toBeNull();

    const member = uniqueEmail("member");
    await new Client(auth).signUp(member);
    const ok = await new Client(auth).post(
      "/magic-link/verify",
      { token: tokenOfLink(await requestLink(auth, member)) },
      { headers: JSON_ACCEPT },
    );
    expect(ok.status).toBe(200);
    expect(ok.body.user.email).toBe(member);
  });

  it("answers the same for a known and an unknown email, and mails both", async () => {
    const auth = await build();
    const known = uniqueEmail("known");
    await new Client(auth).signUp(known);
    const unknown = uniqueEmail("unknown");
    const a = await new Client(auth).post("/sign-in/magic-link", { email: known, callbackURL: "/x" });
    const b = await new Client(auth).post("/sign-in/magic-link", { email: unknown, callbackURL: "/x" });
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(a.body).toEqual(b.body);
    expect(a.headers.getSetCookie()).toEqual(b.headers.getSetCookie());
    expect(a.headers.get("content-type")).toBe(b.headers.get("content-type"));
    const [mailA, mailB] = [await smtp.waitFor(known), await smtp.waitFor(unknown)];
    expect(mailA.subject).toBe(mailB.subject);
  });

  it("a refused user write leaves no user and the link unused; it works once the write is allowed", async () => {
    let refuse = true;
    const auth = await build(
      {},
      { databaseHooks: { user: { create: { before: () => (refuse ? false : undefined) } } } },
    );
    const email = uniqueEmail("refused");
    const token = tokenOfLink(await requestLink(auth, email));
    const refused = await new Client(auth).post("/magic-link/verify", { token }, { headers: JSON_ACCEPT });
    expect(refused.status).toBe(422);
    expect(await userByEmail(auth, email)).toBeNull();
    expect(await auth.$context.adapter.count({ model: "session" })).toBe(0);
    // The transaction rolled back the token's use with the user.
    expect(await auth.$context.adapter.count({ model: "verification" })).toBe(1);

    refuse = false;
    const ok = await new Client(auth).post("/magic-link/verify", { token }, { headers: JSON_ACCEPT });
    expect(ok.status).toBe(200);
    expect(ok.body.user.email).toBe(email);
  });

  it("two uses of one link at the same time: exactly one signs in", async () => {
    const auth = await build();
    const email = uniqueEmail("race");
    const token = tokenOfLink(await requestLink(auth, email));
    const results = await Promise.all(
      [1, 2, 3].map(() => new Client(auth).post("/magic-link/verify", { token }, { headers: JSON_ACCEPT })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 401, 401]);
    expect(await auth.$context.adapter.count({ model: "user" })).toBe(1);
    expect(await auth.$context.adapter.count({ model: "session" })).toBe(1);
  });

  it("forged, truncated and other-purpose tokens are refused", async () => {
    const auth = await build({}, { emailAndPassword: { enabled: true, requireEmailVerification: true } });
    const email = uniqueEmail("forged");
    const token = tokenOfLink(await requestLink(auth, email));
    const other = uniqueEmail("other");
    await new Client(auth).signUp(other);
    const verifyLink = (await smtp.waitFor(other)).links.find((l) => l.includes("/verify-email?"))!;
    const emailToken = tokenOfLink(verifyLink);
    const forged = [token.slice(0, -1), `${token}x`, "a".repeat(43), token.slice(0, 10), emailToken];
    for (const bad of forged) {
      const res = await new Client(auth).post("/magic-link/verify", { token: bad }, { headers: JSON_ACCEPT });
      expect(res.status).toBe(401);
      expect(res.body.code).toBe("INVALID_TOKEN");
    }
    // The real one is still good after the failed tries, and so is the other purpose's token.
    const ok = await new Client(auth).post("/magic-link/verify", { token }, { headers: JSON_ACCEPT });
    expect(ok.status).toBe(200);
    expect((await new Client(auth).get(verifyLink)).status).toBe(200);
  });
});

describe("the magic-link email", () => {
  it("names the app and the address, carries the link in text and HTML, and states the lifetime", async () => {
    const { auth } = makeAuth({
      appName: "Acme <Tools>",
      email: { from: FROM, transport: smtp.url },
      plugins: [magicLink({ expiresIn: 600 })],
    });
    const email = uniqueEmail("mail");
    const res = await new Client(auth).post("/sign-in/magic-link", { email, callbackURL: "/dash" });
    expect(res.status).toBe(200);
    const mail = await smtp.waitFor(email);
    expect(mail.subject).toBe("Sign in to Acme <Tools>");
    expect(mail.body).toContain(`as ${email}`);
    expect(mail.body).toContain("expires in 10 minutes");
    expect(mail.body).toContain("Acme &lt;Tools&gt;");
    const link = magicLinkIn(mail.links);
    expect(new URL(link).searchParams.get("callbackURL")).toBe("/dash");
    expect(mail.raw).toMatch(/Content-Type: text\/html/i);
  });

  it("magicLinkEmail escapes HTML and words lifetimes", () => {
    const content = magicLinkEmail({
      url: 'https://app.test/verify?token=t&x="y"',
      user: { email: "a@b.test" },
      appName: "A&B",
      expiresIn: 3600,
    });
    expect(content.subject).toBe("Sign in to A&B");
    expect(content.text).toContain("expires in 1 hour");
    expect(content.html).toContain("A&amp;B");
    expect(content.html).toContain('href="https://app.test/verify?token=t&amp;x=&quot;y&quot;"');
    expect(content.html).not.toContain('"y"');
    expect(
      magicLinkEmail({ url: "https://x.test", user: { email: "a@b.test" }, appName: "A", expiresIn: 90 })
        .text,
    ).toContain("expires in 90 seconds");
    expect(
      magicLinkEmail({ url: "https://x.test", user: { email: "a@b.test" }, appName: "A" }).text,
    ).toContain("The link works once.");
  });
});
