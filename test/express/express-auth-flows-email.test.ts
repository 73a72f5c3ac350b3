/**
 * ExpressAuth's Email provider over real HTTP with a real SMTP server (smtp-server on
 * 127.0.0.1) and SQLite (better-sqlite3, in memory): the sign-in form post, the mail, the
 * confirmation page a mail scanner may open without spending the link, the POST that signs in
 * (database session), a used link refused, and `sendVerificationRequest`.
 */
import Database from "better-sqlite3";
import express from "express";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { authFor, ExpressAuth, type ExpressAuthConfig, getSession } from "../../src/express/index.js";
import Email from "../../src/providers/email.js";
import Nodemailer from "../../src/providers/nodemailer.js";
import type { VerificationRequestParams } from "../../src/providers/types.js";
import { AuthBrowser, formPostingTo, redirectTarget, setsCookie } from "../helpers/auth-browser.js";
import { startServer, TEST_SECRET, type TestServer, uniqueEmail } from "../helpers/http.js";
import { startSmtpServer, type TestSmtpServer } from "../helpers/smtp.js";

const FROM = "Gatehouse Test <auth@gatehouse.test>";
const DB_COOKIE = "authjs.session_token";
const quiet = { info() {}, warn() {}, error() {} };

let smtp: TestSmtpServer;
const databases: Database.Database[] = [];
const servers: TestServer[] = [];

beforeAll(async () => {
  smtp = await startSmtpServer();
});
afterAll(async () => {
  for (const srv of servers) await srv.close();
  for (const db of databases) db.close();
  await smtp.close();
});

/** An app with ExpressAuth(config) at /auth and getSession(req, config) at /me; the schema migrated. */
async function serve(make: (db: Database.Database) => ExpressAuthConfig): Promise<{
  srv: TestServer;
  config: ExpressAuthConfig;
}> {
  const db = new Database(":memory:");
  databases.push(db);
  const config = make(db);
  await authFor(config).migrate();
  const app = express();
  app.use("/auth", ExpressAuth(config));
  app.get("/me", async (req, res) => {
    res.json(await getSession(req, config));
  });
  const srv = await startServer(app);
  servers.push(srv);
  return { srv, config };
}

/** The sign-in link in a mail (the one to our email callback). */
function linkIn(links: readonly string[], srv: TestServer, providerId = "email"): string {
  const link = links.find((l) => l.startsWith(`${srv.url}/auth/callback/${providerId}?`));
  if (!link) throw new Error(`no sign-in link among ${links.join(", ")}`);
  return link;
}

describe("Email provider through ExpressAuth, real SMTP and SQLite", () => {
  it("sign-in form -> mail -> confirmation page (GET and HEAD do not spend it) -> POST signs in; the link is single-use", async () => {
    const { srv, config } = await serve((db) => ({
      secret: TEST_SECRET,
      logger: quiet,
      database: db,
      providers: [Email({ server: smtp.url, from: FROM })],
    }));
    const browser = new AuthBrowser(srv.url);
    const email = uniqueEmail("email-link");

    // The sign-in page offers the email form, posting to /auth/signin/email.
    const page = await browser.get("/auth/signin?callbackUrl=%2Finbox");
    const form = formPostingTo(await page.text(), `${srv.url}/auth/signin/email`);
    expect(Object.keys(form.fields)).toEqual(expect.arrayContaining(["csrfToken", "callbackUrl", "email"]));
    const sent = await browser.post(form.action, { ...form.fields, email });
    expect(sent.status).toBe(302);
    const verify = redirectTarget(sent, srv.url);
    expect(verify.pathname).toBe("/auth/verify-request");
    expect(verify.searchParams.get("provider")).toBe("email");
    expect(verify.searchParams.get("type")).toBe("email");
    expect((await browser.get(verify.href)).status).toBe(200);

    const mail = await smtp.waitFor(email);
    expect(mail.raw).toMatch(/^From: .*auth@gatehouse\.test/im);
    const link = linkIn(mail.links, srv);
    expect(new URL(link).searchParams.get("token")).toMatch(/^[\w-]{16,}$/);

    // A fresh browser (the mail client) opens the link: a page, twice, and a HEAD; nothing spent.
    const mailClient = new AuthBrowser(srv.url);
    const first = await mailClient.get(link);
    expect(first.status).toBe(200);
    expect(setsCookie(first, DB_COOKIE)).toBe(false);
    const again = await mailClient.get(link);
    expect(again.status).toBe(200);
    const head = await mailClient.request(link, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(await authFor(config).$context.adapter.count({ model: "session" })).toBe(0);

    const html = await again.text();
    expect(html).toContain(email);
    const confirm = formPostingTo(html, `${srv.url}/auth/callback/email`);
    expect(confirm.fields.token).toBe(new URL(link).searchParams.get("token"));
    expect(confirm.fields.callbackUrl).toBe(`${srv.url}/inbox`);
    expect(confirm.fields.csrfToken).toMatch(/^[0-9a-f]{64}$/);

    const signedIn = await mailClient.post(confirm.action, confirm.fields);
    expect(signedIn.status).toBe(302);
    expect(signedIn.headers.get("location")).toBe(`${srv.url}/inbox`);
    expect(setsCookie(signedIn, DB_COOKIE)).toBe(true);
    expect(await authFor(config).$context.adapter.count({ model: "session" })).toBe(1);
    const session = await mailClient.session();
    expect(session).toMatchObject({ user: { email } });
    expect(await (await mailClient.get("/me")).json()).toMatchObject({ user: { email } });

    // The same token again (a replayed form): Verification, no new session.
    const replay = new AuthBrowser(srv.url);
    const csrfToken = await replay.csrfToken();
    const used = await replay.post(confirm.action, { ...confirm.fields, csrfToken });
    const error = redirectTarget(used, srv.url);
    expect(error.pathname).toBe("/auth/error");
    expect(error.searchParams.get("error")).toBe("Verification");
    expect(setsCookie(used, DB_COOKIE)).toBe(false);
    // And the link itself no longer opens the confirmation page.
    const stale = await replay.get(link);
    expect(redirectTarget(stale, srv.url).searchParams.get("error")).toBe("Verification");
    expect(await authFor(config).$context.adapter.count({ model: "session" })).toBe(1);
  });

  it("the confirmation POST needs the CSRF token and a same-site Origin", async () => {
    const { srv } = await serve((db) => ({
      secret: TEST_SECRET,
      logger: quiet,
      database: db,
      providers: [Email({ server: smtp.url, from: FROM })],
    }));
    const browser = new AuthBrowser(srv.url);
    const email = uniqueEmail("email-csrf");
    const csrfToken = await browser.csrfToken();
    await browser.post("/auth/signin/email", { csrfToken, email, callbackUrl: "/inbox" });
    const link = linkIn((await smtp.waitFor(email)).links, srv);
    const confirm = formPostingTo(await (await browser.get(link)).text(), `${srv.url}/auth/callback/email`);

    const noToken = await browser.post(confirm.action, { ...confirm.fields, csrfToken: "" });
    expect(redirectTarget(noToken, srv.url).searchParams.get("error")).toBe("MissingCSRF");
    const crossSite = await browser.post(confirm.action, confirm.fields, { origin: "https://evil.example" });
    expect(redirectTarget(crossSite, srv.url).searchParams.get("error")).toBe("MissingCSRF");
    expect(setsCookie(crossSite, DB_COOKIE)).toBe(false);
    // Neither spent the link.
    const ok = await browser.post(confirm.action, confirm.fields);
    expect(ok.headers.get("location")).toBe(`${srv.url}/inbox`);
    expect(setsCookie(ok, DB_COOKIE)).toBe(true);
  });

  it("an invalid address or a missing CSRF token sends no mail", async () => {
    const { srv } = await serve((db) => ({
      secret: TEST_SECRET,
      logger: quiet,
      database: db,
      providers: [Email({ server: smtp.url, from: FROM })],
    }));
    const browser = new AuthBrowser(srv.url);
    const before = smtp.messages.length;
    const csrfToken = await browser.csrfToken();
    const invalid = await browser.post("/auth/signin/email", { csrfToken, email: "not-an-address" });
    const target = redirectTarget(invalid, srv.url);
    expect(target.pathname).toBe("/auth/signin");
    expect(target.searchParams.get("error")).toBe("EmailSignin");
    const noCsrf = await browser.post("/auth/signin/email", { email: uniqueEmail("no-csrf") });
    expect(redirectTarget(noCsrf, srv.url).searchParams.get("error")).toBe("MissingCSRF");
    expect(smtp.messages.length).toBe(before);
  });

  it("sendVerificationRequest receives { identifier, url, expires, token, provider } and replaces the mail", async () => {
    const sendVerificationRequest = vi.fn(async (_params: VerificationRequestParams) => {});
    const { srv } = await serve((db) => ({
      secret: TEST_SECRET,
      logger: quiet,
      database: db,
      providers: [Nodemailer({ server: smtp.url, from: FROM, maxAge: 600, sendVerificationRequest })],
    }));
    const browser = new AuthBrowser(srv.url);
    const email = uniqueEmail("custom-send");
    const before = smtp.messages.length;
    const csrfToken = await browser.csrfToken();
    const sent = await browser.post("/auth/signin/nodemailer", { csrfToken, email, callbackUrl: "/after" });
    expect(redirectTarget(sent, srv.url).pathname).toBe("/auth/verify-request");
    expect(sendVerificationRequest).toHaveBeenCalledTimes(1);
    const params = sendVerificationRequest.mock.calls[0]![0];
    expect(params).toMatchObject({
      identifier: email,
      provider: { id: "nodemailer", from: FROM },
    });
    expect(params.url.startsWith(`${srv.url}/auth/callback/nodemailer?`)).toBe(true);
    expect(new URL(params.url).searchParams.get("token")).toBe(params.token);
    expect(params.expires).toBeInstanceOf(Date);
    const lifetime = params.expires.getTime() - Date.now();
    expect(lifetime).toBeGreaterThan(590_000);
    expect(lifetime).toBeLessThanOrEqual(600_000);
    expect(smtp.messages.length).toBe(before);

    // The URL it was given works like the mailed one.
    const page = await browser.get(params.url);
    const confirm = formPostingTo(await page.text(), `${srv.url}/auth/callback/nodemailer`);
    const signedIn = await browser.post(confirm.action, confirm.fields);
    expect(signedIn.headers.get("location")).toBe(`${srv.url}/after`);
    expect((await browser.session()).user.email).toBe(email);
  });

  it("callbacks.signIn returning false refuses the email sign-in (AccessDenied) before any mail is sent", async () => {
    const signIn = vi.fn(async () => false);
    const { srv } = await serve((db) => ({
      secret: TEST_SECRET,
      logger: quiet,
      database: db,
      providers: [Email({ server: smtp.url, from: FROM })],
      callbacks: { signIn },
    }));
    const browser = new AuthBrowser(srv.url);
    const email = uniqueEmail("refused");
    const before = smtp.messages.length;
    const csrfToken = await browser.csrfToken();
    const sent = await browser.post("/auth/signin/email", { csrfToken, email });
    const target = redirectTarget(sent, srv.url);
    expect(target.pathname).toBe("/auth/error");
    expect(target.searchParams.get("error")).toBe("AccessDenied");
    expect(signIn).toHaveBeenCalledWith(
      expect.objectContaining({
        user: expect.objectContaining({ email }),
        account: expect.objectContaining({ provider: "email", type: "email", providerAccountId: email }),
      }),
    );
    expect(smtp.messages.length).toBe(before);

    // Allowed when the link is sent, refused when it is used (the policy changed in between).
    signIn.mockImplementation(async () => true);
    const again = await browser.post("/auth/signin/email", { csrfToken, email, callbackUrl: "/in" });
    expect(redirectTarget(again, srv.url).pathname).toBe("/auth/verify-request");
    const link = linkIn((await smtp.waitFor(email)).links, srv);
    const confirm = formPostingTo(await (await browser.get(link)).text(), `${srv.url}/auth/callback/email`);
    signIn.mockImplementation(async () => false);
    const used = await browser.post(confirm.action, confirm.fields);
    expect(redirectTarget(used, srv.url).searchParams.get("error")).toBe("AccessDenied");
    expect(setsCookie(used, DB_COOKIE)).toBe(false);
    expect(await browser.session()).toBeNull();
  });

  it("events.signIn fires for an email sign-in, isNewUser true the first time", async () => {
    const signInEvent = vi.fn();
    const { srv } = await serve((db) => ({
      secret: TEST_SECRET,
      logger: quiet,
      database: db,
      providers: [Email({ server: smtp.url, from: FROM })],
      events: { signIn: signInEvent },
    }));
    const email = uniqueEmail("event");
    for (const expected of [true, false]) {
      const browser = new AuthBrowser(srv.url);
      const csrfToken = await browser.csrfToken();
      await browser.post("/auth/signin/email", { csrfToken, email });
      const link = linkIn((await smtp.waitFor(email)).links, srv);
      const confirm = formPostingTo(await (await browser.get(link)).text(), `${srv.url}/auth/callback/email`);
      expect((await browser.post(confirm.action, confirm.fields)).status).toBe(302);
      expect(signInEvent).toHaveBeenLastCalledWith({
        user: expect.objectContaining({ email, emailVerified: true }),
        account: expect.objectContaining({ provider: "email", type: "email", providerAccountId: email }),
        isNewUser: expected,
      });
    }
  });
});
