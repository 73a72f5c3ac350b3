/**
 * Per-account limits on failed password sign-ins, over real HTTP: the slow-down after five
 * consecutive failures (429 with Retry-After, right password or not), the reset requirement
 * after a hundred (403 PASSWORD_RESET_REQUIRED) with magic link, OAuth and the reset itself
 * still working, unknown emails answered exactly like known ones, parallel guesses, the
 * username plugin, the browser routes' password form and Credentials providers, and a count
 * that lives in the database (shared by instances, kept across restarts) on SQLite and
 * PostgreSQL.
 *
 * The clock is faked (Date only; timers and sockets stay real), so waiting is a clock jump.
 * Password hashing is a cheap stand-in: these tests are about counting, not hashing.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import express from "express";
import pg from "pg";
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createAuth } from "../../src/create-auth.js";
import type { AuthOptions } from "../../src/core/options.js";
import { ExpressAuth } from "../../src/express/index.js";
import { magicLink } from "../../src/plugins/magic-link/index.js";
import { username } from "../../src/plugins/username/index.js";
import Credentials from "../../src/providers/credentials.js";
import Keycloak from "../../src/providers/keycloak.js";
import { type CallResult, capturingLogger, Client, outbox, SECRET, uniqueEmail } from "../core/harness.js";
import { redirectTarget } from "../helpers/auth-browser.js";
import { startServer, type TestServer } from "../helpers/http.js";
import { signInWithProvider } from "../helpers/oauth-flow.js";
import { type StandIn, startStandIn } from "../helpers/provider-stand-in.js";
import { requireService } from "../helpers/services.js";

const PASSWORD = "lockout test password 1";
const WRONG = "not the password at all";

/** Cheap stand-in hashing (the default argon2id is tested elsewhere). */
const cheapHashing = {
  hash: async (password: string) => `plain:${password}`,
  verify: async ({ hash, password }: { hash: string; password: string }) => hash === `plain:${password}`,
};

/** Per-address limits on the paths these tests hammer are off; per-account limits are on their defaults. */
const PER_ACCOUNT_ONLY = {
  customRules: {
    "/sign-in/*": false,
    "/sign-in/username": false,
    "/sign-up/*": false,
    "/request-password-reset": false,
    "/reset-password": false,
    "/callback/password": false,
    "/callback/pin": false,
    "/magic-link/verify": false,
  },
} as const;

function lockoutAuth(options: AuthOptions = {}) {
  const mail = outbox();
  const links: string[] = [];
  const auth = createAuth({
    secret: SECRET,
    logger: capturingLogger(),
    email: { from: "Test <no-reply@example.test>", transport: mail.transport },
    rateLimit: PER_ACCOUNT_ONLY,
    ...options,
    emailAndPassword: { enabled: true, password: cheapHashing, ...options.emailAndPassword },
  });
  return { auth, mail, links };
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"], now: Date.now() });
});
afterEach(() => {
  vi.useRealTimers();
});

/** Moves the clock on. */
function wait(seconds: number): void {
  vi.setSystemTime(Date.now() + seconds * 1000);
}

/** What a client sees of one answer: status, code and the wait. */
function seen(res: CallResult): { status: number; code: unknown; retryAfter: string | null } {
  return { status: res.status, code: res.body?.code ?? null, retryAfter: res.headers.get("retry-after") };
}

async function signedUp(client: Client, email = uniqueEmail("lockout")): Promise<string> {
  const res = await client.signUp(email, PASSWORD);
  expect(res.status).toBe(200);
  return email;
}

describe("slow-down after consecutive failures", () => {
  it("five failures answer at once; then 429 with Retry-After that doubles per failure, for the right password too", async () => {
    const client = new Client(lockoutAuth().auth);
    const email = await signedUp(client);
    for (let i = 0; i < 5; i++) {
      expect(seen(await client.signIn(email, WRONG))).toEqual({
        status: 401,
        code: "INVALID_EMAIL_OR_PASSWORD",
        retryAfter: null,
      });
    }
    const limited = await client.signIn(email, WRONG);
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({ code: "TOO_MANY_REQUESTS", message: "Too many requests" });
    expect(limited.headers.get("retry-after")).toBe("1");
    expect(limited.headers.get("x-retry-after")).toBe("1");
    // The right password gets the same answer: the wait says nothing about the password.
    expect(seen(await client.signIn(email, PASSWORD))).toEqual({
      status: 429,
      code: "TOO_MANY_REQUESTS",
      retryAfter: "1",
    });

    const waits: string[] = [];
    for (let i = 0; i < 5; i++) {
      const before = await client.signIn(email, WRONG);
      wait(Number(before.headers.get("retry-after")));
      expect((await client.signIn(email, WRONG)).status).toBe(401);
      waits.push(before.headers.get("retry-after") ?? "");
    }
    expect(waits).toEqual(["1", "2", "4", "8", "16"]);
    expect(seen(await client.signIn(email, PASSWORD)).retryAfter).toBe("32");
  });

  it("the wait is capped at 15 minutes", async () => {
    const client = new Client(lockoutAuth().auth);
    const email = await signedUp(client);
    for (let i = 0; i < 20; i++) {
      wait(900);
      expect((await client.signIn(email, WRONG)).status).toBe(401);
    }
    expect((await client.signIn(email, WRONG)).headers.get("retry-after")).toBe("900");
  });

  it("a successful sign-in after the wait clears the count", async () => {
    const client = new Client(lockoutAuth().auth);
    const email = await signedUp(client);
    for (let i = 0; i < 5; i++) await client.signIn(email, WRONG);
    expect((await client.signIn(email, PASSWORD)).status).toBe(429);
    wait(1);
    const ok = await client.signIn(email, PASSWORD);
    expect(ok.status).toBe(200);
    expect(ok.body.token).toEqual(expect.any(String));
    // Five fresh failures before any wait again.
    for (let i = 0; i < 5; i++) expect((await client.signIn(email, WRONG)).status).toBe(401);
    expect((await client.signIn(email, WRONG)).status).toBe(429);
  });

  it("an unknown email gets exactly the answers a known one gets", async () => {
    const client = new Client(lockoutAuth().auth);
    const known = await signedUp(client);
    const unknown = uniqueEmail("nobody");
    const run = async (email: string) => {
      const out: ReturnType<typeof seen>[] = [];
      for (let i = 0; i < 7; i++) out.push(seen(await client.signIn(email, WRONG)));
      wait(1);
      out.push(seen(await client.signIn(email, WRONG)));
      out.push(seen(await client.signIn(email, WRONG)));
      return out;
    };
    const a = await run(known);
    const b = await run(unknown);
    expect(b).toEqual(a);
    expect(a.map((s) => s.status)).toEqual([401, 401, 401, 401, 401, 429, 429, 401, 429]);
  });

  it("the count is per normalized email: case and spaces do not open a new one", async () => {
    const client = new Client(lockoutAuth().auth);
    const email = await signedUp(client);
    const variants = [email, email.toUpperCase(), ` ${email} `, email, email.toUpperCase()];
    for (const v of variants) expect((await client.signIn(v, WRONG)).status).toBe(401);
    expect((await client.signIn(email.toUpperCase(), WRONG)).status).toBe(429);
  });

  it("parallel guesses get no more tries than sequential ones", async () => {
    const client = new Client(lockoutAuth().auth);
    const email = await signedUp(client);
    const answers = await Promise.all(Array.from({ length: 20 }, () => client.signIn(email, WRONG)));
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(15);
  });
});

describe("reset required after 100 consecutive failures", () => {
  let standIn: StandIn | undefined;
  afterEach(async () => {
    await standIn?.close();
    standIn = undefined;
  });

  it("password sign-in answers 403 PASSWORD_RESET_REQUIRED; magic link, OAuth and the reset keep working; the reset clears it", async () => {
    const email = uniqueEmail("hundred");
    standIn = await startStandIn({
      clientId: "kc",
      clientSecret: "kc-secret",
      oidc: true,
      idTokenClaims: { sub: "kc-user-1", email, email_verified: true, name: "KC" },
    });
    const magicLinks: string[] = [];
    const { auth, mail } = lockoutAuth({
      plugins: [magicLink({ sendMagicLink: ({ token }) => void magicLinks.push(token) })],
      providers: [Keycloak({ clientId: "kc", clientSecret: "kc-secret", issuer: standIn.url })],
      account: { accountLinking: { trustedProviders: ["keycloak"] } },
    });
    const client = new Client(auth);
    await signedUp(client, email);
    const unknown = uniqueEmail("hundred-nobody");

    // A hundred failures, each after the wait the one before it asked for.
    for (let i = 0; i < 100; i++) {
      wait(900);
      const known = seen(await client.signIn(email, WRONG));
      expect(known).toEqual({ status: 401, code: "INVALID_EMAIL_OR_PASSWORD", retryAfter: null });
      expect(seen(await client.signIn(unknown, WRONG))).toEqual(known);
    }
    wait(900);
    const blocked = await client.signIn(email, PASSWORD);
    expect(blocked.status).toBe(403);
    expect(blocked.body).toEqual({
      code: "PASSWORD_RESET_REQUIRED",
      message: "Too many failed sign-in attempts: reset your password to sign in with it",
    });
    expect(blocked.headers.get("retry-after")).toBeNull();
    // No wait ends it, and an unknown email is answered the same.
    wait(30 * 86_400);
    expect(seen(await client.signIn(email, PASSWORD))).toEqual(seen(blocked));
    expect(seen(await client.signIn(unknown, WRONG))).toEqual(seen(blocked));

    // Magic link still signs in.
    expect((await new Client(auth).post("/sign-in/magic-link", { email })).status).toBe(200);
    const viaLink = await new Client(auth).post("/magic-link/verify", { token: magicLinks.at(-1) });
    expect(viaLink.status).toBe(200);
    expect(viaLink.body.user.email).toBe(email);

    // OAuth still signs in (a trusted provider with the verified email links to the user).
    const oauthClient = new Client(auth);
    const flow = await signInWithProvider(oauthClient, { provider: "keycloak", callbackURL: "/home" });
    expect(flow.final.headers.get("location")).toBe("/home");
    expect((await oauthClient.getSession()).body.user.email).toBe(email);

    // The reset works and clears the count.
    expect(
      (await new Client(auth).post("/request-password-reset", { email, redirectTo: "/reset" })).status,
    ).toBe(200);
    const token = new URL(mail.link(email)).pathname.split("/").at(-1);
    const NEW = "a new password after the lock";
    expect((await new Client(auth).post("/reset-password", { token, newPassword: NEW })).status).toBe(200);
    expect((await client.signIn(email, NEW)).status).toBe(200);
    for (let i = 0; i < 5; i++) expect((await client.signIn(email, WRONG)).status).toBe(401);
    // The unknown email has no reset: it stays refused.
    expect((await client.signIn(unknown, WRONG)).status).toBe(403);
  });

  it("resetRequiredAfter and slowDownAfter are options", async () => {
    const client = new Client(
      lockoutAuth({
        rateLimit: { ...PER_ACCOUNT_ONLY, passwordFailures: { slowDownAfter: 2, resetRequiredAfter: 3 } },
      }).auth,
    );
    const email = await signedUp(client);
    expect((await client.signIn(email, WRONG)).status).toBe(401);
    expect((await client.signIn(email, WRONG)).status).toBe(401);
    expect((await client.signIn(email, WRONG)).status).toBe(429);
    wait(1);
    expect((await client.signIn(email, WRONG)).status).toBe(401);
    wait(60);
    expect((await client.signIn(email, PASSWORD)).body.code).toBe("PASSWORD_RESET_REQUIRED");
  });

  it("passwordFailures: false turns the per-account limits off", async () => {
    const client = new Client(
      lockoutAuth({ rateLimit: { ...PER_ACCOUNT_ONLY, passwordFailures: false } }).auth,
    );
    const email = await signedUp(client);
    for (let i = 0; i < 8; i++) expect((await client.signIn(email, WRONG)).status).toBe(401);
    expect((await client.signIn(email, PASSWORD)).status).toBe(200);
  });

  it("a password change clears the count", async () => {
    const client = new Client(lockoutAuth().auth);
    const email = await signedUp(client);
    const attacker = new Client(client.auth);
    for (let i = 0; i < 5; i++) await attacker.signIn(email, WRONG);
    expect((await attacker.signIn(email, WRONG)).status).toBe(429);
    const NEW = "changed password for the lock";
    expect(
      (await client.post("/change-password", { currentPassword: PASSWORD, newPassword: NEW })).status,
    ).toBe(200);
    expect((await attacker.signIn(email, NEW)).status).toBe(200);
  });
});

describe("other password sign-ins count with the same email", () => {
  it("the username plugin: a known user's failures count with their email sign-in", async () => {
    const client = new Client(lockoutAuth({ plugins: [username()] }).auth);
    const email = uniqueEmail("uname");
    expect((await client.signUp(email, PASSWORD, { username: "lock_me" })).status).toBe(200);
    for (let i = 0; i < 5; i++) {
      const res = await client.post("/sign-in/username", { username: "lock_me", password: WRONG });
      expect(res.body.code).toBe("INVALID_USERNAME_OR_PASSWORD");
    }
    expect(seen(await client.post("/sign-in/username", { username: "LOCK_ME", password: PASSWORD }))).toEqual(
      {
        status: 429,
        code: "TOO_MANY_REQUESTS",
        retryAfter: "1",
      },
    );
    expect((await client.signIn(email, PASSWORD)).status).toBe(429);
    // An unknown username is counted too, the same way.
    for (let i = 0; i < 5; i++)
      await client.post("/sign-in/username", { username: "nobody_here", password: WRONG });
    expect(
      (await client.post("/sign-in/username", { username: "nobody_here", password: WRONG })).status,
    ).toBe(429);
  });

  describe("browser routes (ExpressAuth)", () => {
    const servers: TestServer[] = [];
    afterAll(async () => {
      for (const s of servers) await s.close();
    });

    async function serve(auth: ReturnType<typeof createAuth>): Promise<TestServer> {
      const app = express();
      app.use("/auth", ExpressAuth(auth));
      const srv = await startServer(app);
      servers.push(srv);
      return srv;
    }

    async function formSignIn(srv: TestServer, path: string, fields: Record<string, string>): Promise<URL> {
      const csrf = await fetch(`${srv.url}/auth/csrf`);
      const cookie = csrf.headers
        .getSetCookie()
        .map((c) => c.split(";")[0])
        .join("; ");
      const { csrfToken } = (await csrf.json()) as { csrfToken: string };
      const res = await fetch(`${srv.url}${path}`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", origin: srv.url, cookie },
        body: new URLSearchParams({ csrfToken, ...fields }).toString(),
        redirect: "manual",
      });
      return redirectTarget(res, srv.url);
    }

    it("the password form: CredentialsSignin with code too_many_attempts, then password_reset_required; one count with the JSON API", async () => {
      const { auth } = lockoutAuth({
        rateLimit: { ...PER_ACCOUNT_ONLY, passwordFailures: { slowDownAfter: 5, resetRequiredAfter: 8 } },
      });
      const srv = await serve(auth);
      const client = new Client(auth);
      const email = await signedUp(client);
      for (let i = 0; i < 3; i++) expect((await client.signIn(email, WRONG)).status).toBe(401);
      for (let i = 0; i < 2; i++) {
        const to = await formSignIn(srv, "/auth/callback/password", { email, password: WRONG });
        expect(to.searchParams.get("error")).toBe("CredentialsSignin");
        expect(to.searchParams.get("code")).toBe("credentials");
      }
      const slowed = await formSignIn(srv, "/auth/callback/password", { email, password: PASSWORD });
      expect(slowed.searchParams.get("error")).toBe("CredentialsSignin");
      expect(slowed.searchParams.get("code")).toBe("too_many_attempts");
      for (let i = 0; i < 3; i++) {
        wait(900);
        await formSignIn(srv, "/auth/callback/password", { email, password: WRONG });
      }
      wait(900);
      const locked = await formSignIn(srv, "/auth/callback/password", { email, password: PASSWORD });
      expect(locked.searchParams.get("code")).toBe("password_reset_required");
      expect((await client.signIn(email, PASSWORD)).body.code).toBe("PASSWORD_RESET_REQUIRED");
    });

    it("a Credentials provider with an email field counts its refusals with that email", async () => {
      const { auth } = lockoutAuth({
        providers: [
          Credentials({
            id: "pin",
            credentials: { email: {}, pin: {} },
            authorize: async ({ email, pin }) =>
              pin === "1234" ? { id: `pin-${email}`, email: String(email) } : null,
          }),
        ],
      });
      const srv = await serve(auth);
      const email = uniqueEmail("pin");
      for (let i = 0; i < 5; i++) {
        const to = await formSignIn(srv, "/auth/callback/pin", { email, pin: "0000" });
        expect(to.searchParams.get("code")).toBe("credentials");
      }
      const slowed = await formSignIn(srv, "/auth/callback/pin", { email, pin: "1234" });
      expect(slowed.searchParams.get("code")).toBe("too_many_attempts");
      wait(1);
      const ok = await formSignIn(srv, "/auth/callback/pin", { email, pin: "1234" });
      expect(ok.searchParams.get("error")).toBeNull();
    });
  });
});

describe("the count lives in the database", () => {
  it("SQLite: shared by two instances on one file, kept across a restart, in the verification table", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gatehouse-lockout-"));
    const file = join(dir, "auth.db");
    const opened: Database.Database[] = [];
    const open = () => {
      const db = new Database(file);
      opened.push(db);
      return lockoutAuth({ database: db }).auth;
    };
    try {
      const a = open();
      await a.migrate();
      const b = open();
      const email = await signedUp(new Client(a));
      for (let i = 0; i < 3; i++) expect((await new Client(a).signIn(email, WRONG)).status).toBe(401);
      for (let i = 0; i < 2; i++) expect((await new Client(b).signIn(email, WRONG)).status).toBe(401);
      expect((await new Client(a).signIn(email, PASSWORD)).status).toBe(429);
      expect((await new Client(b).signIn(email, PASSWORD)).status).toBe(429);
      const rows = await a.$context.adapter.findMany({ model: "verification" });
      const counts = rows.filter((r) => String(r.identifier).startsWith("password-failures:"));
      expect(counts).toHaveLength(1);
      expect(String(counts[0]!.identifier)).not.toContain(email);
      // A restart: a new instance on the same file still knows.
      const c = open();
      expect((await new Client(c).signIn(email, PASSWORD)).status).toBe(429);
      wait(1);
      expect((await new Client(c).signIn(email, PASSWORD)).status).toBe(200);
      expect((await new Client(a).signIn(email, WRONG)).status).toBe(401);
    } finally {
      for (const db of opened) db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("PostgreSQL: two instances on one database share the count, also under parallel guesses", async () => {
    const url = "postgres://postgres@127.0.0.1:5432/test";
    const probe = new pg.Pool({ connectionString: url, connectionTimeoutMillis: 2000 });
    const up = await requireService("postgres", async () => void (await probe.query("select 1")));
    await probe.end();
    if (!up) return;
    const pools = [new pg.Pool({ connectionString: url }), new pg.Pool({ connectionString: url })];
    try {
      const [a, b] = pools.map((pool) => lockoutAuth({ database: pool }).auth) as [
        ReturnType<typeof createAuth>,
        ReturnType<typeof createAuth>,
      ];
      await a.migrate();
      const email = await signedUp(new Client(a));
      const answers = await Promise.all(
        Array.from({ length: 16 }, (_, i) => new Client(i % 2 ? a : b).signIn(email, WRONG)),
      );
      const statuses = answers.map((r) => r.status);
      expect(statuses.filter((s) => s === 401)).toHaveLength(5);
      expect(statuses.filter((s) => s === 429)).toHaveLength(11);
      expect((await new Client(b).signIn(email, PASSWORD)).status).toBe(429);
      wait(1);
      expect((await new Client(b).signIn(email, PASSWORD)).status).toBe(200);
      expect((await new Client(a).signIn(email, WRONG)).status).toBe(401);
    } finally {
      for (const pool of pools) await pool.end();
    }
  });
});
