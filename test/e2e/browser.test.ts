/**
 * The built-in pages of ExpressAuth in a real browser (Debian's Chromium through
 * playwright-core): sign-up from the sign-in page, sign-out, an email link through its
 * confirmation page, and an OIDC sign-in at a real local OP (oidc-provider), with JavaScript on
 * and off, and with the browser's own CSP enforcement watching every page.
 */
import { mkdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import express from "express";
import type { BrowserContext, BrowserContextOptions, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authFor, ExpressAuth, type ExpressAuthConfig, getSession } from "../../src/express/index.js";
import Email from "../../src/providers/email.js";
import { launchChromium } from "../helpers/chromium.js";
import { TEST_SECRET, uniqueEmail } from "../helpers/http.js";
import { type StartedOP, startOidcProvider } from "../helpers/oidc-provider.js";
import { startSmtpServer, type TestSmtpServer } from "../helpers/smtp.js";

const browser = await launchChromium();

const PASSWORD = "correct horse battery staple";
const CLIENT_ID = "gatehouse-browser";
const CLIENT_SECRET = "browser-test-client-secret-0123456789";
const ARTIFACTS = new URL("../../test-artifacts/", import.meta.url);
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** A page with what the browser reported while it was open. */
interface Tab {
  context: BrowserContext;
  page: Page;
  /** Console messages about the Content Security Policy, with the URL of the page they came from. */
  csp: string[];
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

describe.skipIf(browser === undefined)("the built-in pages in Chromium", () => {
  let server: Server;
  let base: string;
  let op: StartedOP;
  let smtp: TestSmtpServer;
  let db: Database.Database;
  const errors: unknown[][] = [];
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    // The app's port goes into the OP's redirect URI, and the OP's issuer into the config:
    // listen first, build the app after.
    let app: express.Express | undefined;
    server = createServer((req, res) => app?.(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve());
    });
    // Bound on 127.0.0.1, browsed as localhost (a secure context, as in development).
    base = `http://localhost:${(server.address() as AddressInfo).port}`;
    [op, smtp] = await Promise.all([
      startOidcProvider({
        clients: [
          {
            client_id: CLIENT_ID,
            client_secret: CLIENT_SECRET,
            redirect_uris: [`${base}/auth/callback/local`],
          },
        ],
      }),
      startSmtpServer(),
    ]);
    db = new Database(":memory:");
    const config: ExpressAuthConfig = {
      secret: TEST_SECRET,
      database: db,
      logger: { info() {}, warn() {}, error: (...args: unknown[]) => void errors.push(args) },
      emailAndPassword: { enabled: true },
      email: { transport: smtp.url },
      providers: [
        {
          id: "local",
          name: "Local OP",
          type: "oidc",
          issuer: op.issuer,
          clientId: CLIENT_ID,
          clientSecret: CLIENT_SECRET,
        },
        Email(),
      ],
    };
    await authFor(config).migrate();
    app = express();
    app.use("/auth", ExpressAuth(config));
    app.get("/", async (req, res) => {
      const session = await getSession(req, config);
      const who =
        session?.user?.email == null ? "Signed out" : `Signed in as ${escapeHtml(session.user.email)}`;
      res.type("html").send(`<!doctype html><title>Home</title><p id="who">${who}</p>`);
    });
    // A page that breaks its own CSP twice, to show that the console listener hears violations:
    // a <style> without the nonce, and a form post that this site redirects to another origin
    // (the same site under 127.0.0.1), the hop the OIDC button takes.
    app.get("/csp-probe", (_req, res) => {
      res
        .set(
          "content-security-policy",
          `default-src 'none'; style-src 'nonce-${"n".repeat(22)}'; form-action 'self'`,
        )
        .type("html")
        .send(
          "<!doctype html><title>Probe</title><style>p{color:red}</style><p>probe</p>" +
            '<form method="post" action="/csp-probe"><button>Leave</button></form>',
        );
    });
    app.post("/csp-probe", (_req, res) => {
      res.redirect(303, `http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    });
  });

  afterAll(async () => {
    await Promise.allSettled(contexts.map((context) => context.close()));
    await browser?.close();
    await Promise.allSettled([
      op?.close(),
      smtp?.close(),
      new Promise<void>((resolve) => {
        if (!server?.listening) return resolve();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
    ]);
    db?.close();
  });

  /** A fresh context and page; requests that would leave the machine are refused. */
  async function open(options: BrowserContextOptions = {}): Promise<Tab> {
    if (browser === undefined) throw new Error("unreachable: the suite is skipped without a browser");
    const context = await browser.newContext(options);
    contexts.push(context);
    // The OP's dev pages @import a web font; there is no internet here, so fail it at once.
    await context.route(
      (url) => url.hostname !== "localhost" && url.hostname !== "127.0.0.1",
      (route) => route.abort(),
    );
    // Well inside the test timeout, so that a stuck step fails with its own message.
    context.setDefaultTimeout(5_000);
    const page = await context.newPage();
    const csp: string[] = [];
    page.on("console", (message) => {
      if (message.text().includes("Content Security Policy")) csp.push(`${page.url()}: ${message.text()}`);
    });
    return { context, page, csp };
  }

  /** Waits for the page to reach `where`; when it does not, says where it is and what it shows. */
  async function arrive(tab: Tab, where: string | ((url: URL) => boolean)): Promise<void> {
    try {
      await tab.page.waitForURL(where);
    } catch (error) {
      const shown =
        (await tab.page
          .locator("body")
          .textContent()
          .catch(() => null)) ?? "";
      throw new Error(
        `never reached ${String(where)}: the page is ${tab.page.url()} showing ${JSON.stringify(shown.slice(0, 300))}` +
          `; CSP messages: ${JSON.stringify(tab.csp)}`,
        { cause: error },
      );
    }
  }

  async function who({ page }: Tab): Promise<string> {
    await page.goto(`${base}/`);
    return (await page.locator("#who").textContent()) ?? "";
  }

  async function signUp(tab: Tab, email: string): Promise<void> {
    const { page } = tab;
    await page.goto(`${base}/auth/signin?callbackUrl=${encodeURIComponent("/")}`);
    const form = page.getByRole("region", { name: "Create an account" });
    await form.getByLabel("Name").fill("Browser User");
    await form.getByLabel("Email").fill(email);
    await form.getByLabel("Password").fill(PASSWORD);
    await form.getByRole("button", { name: "Create account" }).click();
    await arrive(tab, `${base}/`);
  }

  async function signOut(tab: Tab): Promise<void> {
    const { page } = tab;
    await page.goto(`${base}/auth/signout`);
    await page.getByRole("button", { name: "Sign out" }).click();
    await arrive(tab, `${base}/`);
  }

  /** The email form → "check your email" → the mailed link → the confirmation page's button. */
  async function signInWithEmailLink(tab: Tab, email: string): Promise<void> {
    const { page } = tab;
    await page.goto(`${base}/auth/signin?callbackUrl=${encodeURIComponent("/")}`);
    const form = page.locator("form", {
      has: page.getByRole("button", { name: "Sign in with Email", exact: true }),
    });
    await form.getByLabel("Email").fill(email);
    await form.getByRole("button", { name: "Sign in with Email", exact: true }).click();
    await arrive(tab, (url) => url.pathname === "/auth/verify-request");
    await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe("Check your email");

    const mail = await smtp.waitFor(email);
    const link = mail.links.find((l) => new URL(l).pathname === "/auth/callback/email");
    expect(link, `a link to /auth/callback/email in: ${mail.links.join(" ")}`).toBeDefined();
    await page.goto(link as string);
    await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe("Finish signing in");
    await expect(page.locator("main").textContent()).resolves.toContain(email);
    await page.getByRole("button", { name: "Sign in" }).click();
    await arrive(tab, `${base}/`);
  }

  it("signs up on the sign-in page, signs out, signs back in with the password form, then by email link", async () => {
    const tab = await open();
    const email = uniqueEmail("browser-signup");
    await signUp(tab, email);
    await expect(tab.page.locator("#who").textContent()).resolves.toBe(`Signed in as ${email}`);

    await signOut(tab);
    await expect(tab.page.locator("#who").textContent()).resolves.toBe("Signed out");
    expect(await who(tab)).toBe("Signed out");

    // The built-in email + password form.
    await tab.page.goto(`${base}/auth/signin?callbackUrl=${encodeURIComponent("/")}`);
    const passwordForm = tab.page.locator("form", {
      has: tab.page.getByRole("button", { name: "Sign in with Email and password" }),
    });
    await passwordForm.getByLabel("Email").fill(email);
    await passwordForm.getByLabel("Password").fill(PASSWORD);
    await passwordForm.getByRole("button", { name: "Sign in with Email and password" }).click();
    await arrive(tab, `${base}/`);
    await expect(tab.page.locator("#who").textContent()).resolves.toBe(`Signed in as ${email}`);
    await signOut(tab);

    // The email link finds the same account.
    await signInWithEmailLink(tab, email);
    await expect(tab.page.locator("#who").textContent()).resolves.toBe(`Signed in as ${email}`);
    expect(tab.csp).toEqual([]);
    expect(errors).toEqual([]);
  });

  it("signs a new address in by email link, through the confirmation page's button", async () => {
    const tab = await open();
    const email = uniqueEmail("browser-link");
    await signInWithEmailLink(tab, email);
    expect(await who(tab)).toBe(`Signed in as ${email}`);
    // The link is spent: opening it again shows the error page, not the button.
    const [link] = smtp.to(email).flatMap((m) => m.links.filter((l) => l.includes("/auth/callback/email")));
    await tab.page.goto(link as string);
    expect(new URL(tab.page.url()).searchParams.get("error")).toBe("Verification");
    expect(tab.csp).toEqual([]);
    expect(errors).toEqual([]);
  });

  it("signs in at the local OIDC OP: its login and consent pages, then back signed in", async () => {
    const tab = await open();
    const { page } = tab;
    const sub = `op-${Date.now().toString(36)}`;
    op.accounts.set(sub, { sub, email: `${sub}@op.example`, email_verified: true, name: "OP User" });

    await page.goto(`${base}/auth/signin?callbackUrl=${encodeURIComponent("/")}`);
    await page.getByRole("button", { name: "Sign in with Local OP" }).click();
    // The form posts to this site, which redirects to the http loopback OP: the page's CSP
    // form-action must allow that hop, or Chromium stops here.
    await arrive(tab, (url) => url.origin === op.issuer);
    await page.getByPlaceholder("Enter any login").fill(sub);
    await page.getByPlaceholder("and password").fill("anything");
    await page.getByRole("button", { name: "Sign-in" }).click();
    const consent = page.getByRole("button", { name: "Continue" });
    await consent.or(page.locator("#who")).waitFor();
    if (await consent.isVisible()) await consent.click();
    await arrive(tab, `${base}/`);
    await expect(page.locator("#who").textContent()).resolves.toBe(`Signed in as ${sub}@op.example`);
    expect(tab.csp).toEqual([]);
    expect(errors).toEqual([]);
  });

  it("saves a screenshot of the sign-in page as a PNG", async () => {
    const { page, csp } = await open({ viewport: { width: 800, height: 1000 } });
    const file = new URL("sign-in.png", ARTIFACTS);
    mkdirSync(ARTIFACTS, { recursive: true });
    rmSync(file, { force: true });
    await page.goto(`${base}/auth/signin`);
    await page.screenshot({ path: fileURLToPath(file), fullPage: true });
    expect(statSync(file).size).toBeGreaterThan(1000);
    expect(readFileSync(file).subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect(csp).toEqual([]);
  });

  it("works with JavaScript disabled: the pages carry no script, sign-up and sign-out still work", async () => {
    const tab = await open({ javaScriptEnabled: false });
    for (const path of ["/auth/signin", "/auth/signout", "/auth/error", "/auth/verify-request"]) {
      const response = await tab.page.goto(`${base}${path}`);
      expect(response?.status(), path).toBe(200);
      expect(await tab.page.locator("script").count(), path).toBe(0);
    }
    const email = uniqueEmail("browser-nojs");
    await signUp(tab, email);
    await expect(tab.page.locator("#who").textContent()).resolves.toBe(`Signed in as ${email}`);
    await signOut(tab);
    await expect(tab.page.locator("#who").textContent()).resolves.toBe("Signed out");
    expect(tab.csp).toEqual([]);
    expect(errors).toEqual([]);
  });

  it("hears CSP violations when there are some; the built-in pages' nonce'd style applies", async () => {
    // The empty lists above mean something only if a violation would have been heard.
    for (const javaScriptEnabled of [true, false]) {
      const { page, csp } = await open({ javaScriptEnabled });
      await page.goto(`${base}/csp-probe`);
      await page.getByRole("button", { name: "Leave" }).click();
      await expect.poll(() => csp.join("\n")).toMatch(/style-src/);
      await expect.poll(() => csp.join("\n")).toMatch(/form-action/);
    }
    const { page, csp } = await open();
    await page.goto(`${base}/auth/signin`);
    // An unstyled <button> has the default cursor; the page's own <style> gives it a pointer.
    const button = page.getByRole("button", { name: "Create account" });
    expect(await button.evaluate((el) => getComputedStyle(el).cursor)).toBe("pointer");
    expect(csp).toEqual([]);
  });
});
