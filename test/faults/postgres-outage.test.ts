/**
 * PostgreSQL going away under a running app (issue #6, item 5.1): connections cut in the
 * middle of requests, the server refusing new ones (stopped), and a network that swallows
 * them (hang). Every affected request must get 503 DATABASE_UNAVAILABLE as JSON (or, on the
 * Express middleware path, a 503 through next(err)), nothing may hang or crash, signed-in
 * users must not be signed out by an outage, and the same app must work again once the
 * database is back. The real server keeps running: the app reaches it through a TCP proxy.
 */
import express, { type NextFunction, type Request, type Response } from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAuth } from "../../src/index.js";
import { authSession, getSession, requireAuth } from "../../src/express/index.js";
import { toNodeHandler } from "../../src/node/index.js";
import { SESSION_COOKIE, startServer, TEST_SECRET, type TestServer, uniqueEmail } from "../helpers/http.js";
import { Caller, type Outcome, PASSWORD, proxiedPostgres, sleep, tally } from "./support.js";

const db = await proxiedPostgres("outage");

describe.skipIf(!db)("PostgreSQL outage under load", () => {
  const pg = db!;
  const logged: unknown[][] = [];
  const auth = createAuth({
    secret: TEST_SECRET,
    database: pg.pool,
    emailAndPassword: { enabled: true },
    rateLimit: { enabled: false },
    logger: { info() {}, warn() {}, error: (...args: unknown[]) => void logged.push(args) },
  });
  let server: TestServer;
  /** What the Express error path handed to the app's error handler. */
  const expressErrors: unknown[] = [];

  beforeAll(async () => {
    await auth.migrate();
    const app = express();
    app.all("/api/auth/*splat", toNodeHandler(auth));
    // The three Express entry points, with Express's own default error handler behind them.
    app.get("/app/me", authSession(auth), (req, res) => {
      res.json({ user: req.auth?.user.id ?? null });
    });
    app.get("/app/private", requireAuth(auth), (req, res) => {
      res.json({ user: req.auth?.user.id });
    });
    // Express 5 hands a rejected async handler to next(err).
    app.get("/app/session", async (req, res) => {
      const session = await getSession(req, auth, res);
      res.json({ user: session?.user.id ?? null });
    });
    // Records and passes on: the answer is still Express's default handler's.
    app.use((error: unknown, _req: Request, _res: Response, next: NextFunction) => {
      expressErrors.push(error);
      next(error);
    });
    server = await startServer(app);
  });

  afterAll(async () => {
    await server?.close();
    await pg.close();
  });

  const newCaller = (outcomes: Outcome[]): Caller => new Caller(server.url, outcomes);

  async function signedUp(outcomes: Outcome[]): Promise<{ caller: Caller; email: string }> {
    const caller = newCaller(outcomes);
    const email = uniqueEmail("pg-outage");
    const up = await caller.call("sign-up", "POST", "/api/auth/sign-up/email", {
      name: "Outage",
      email,
      password: PASSWORD,
    });
    expect(up.status, JSON.stringify(up.body)).toBe(200);
    return { caller, email };
  }

  /** Every request a user makes, once: the JSON API and the three Express entry points. */
  async function everyRequest(caller: Caller, email: string): Promise<Outcome[]> {
    return [
      await caller.call("get-session", "GET", "/api/auth/get-session"),
      await caller.call("express authSession", "GET", "/app/me"),
      await caller.call("express requireAuth", "GET", "/app/private"),
      await caller.call("express getSession", "GET", "/app/session"),
      await caller.call("sign-in", "POST", "/api/auth/sign-in/email", { email, password: PASSWORD }),
      await caller.call("sign-up", "POST", "/api/auth/sign-up/email", {
        name: "Outage",
        email: uniqueEmail("pg-outage"),
        password: PASSWORD,
      }),
    ];
  }

  function expectUnavailable(outcomes: readonly Outcome[]): void {
    for (const o of outcomes) {
      expect(o.status, `${o.label}: ${JSON.stringify(o.body)}`).toBe(503);
      // The session cookie survives an outage: nobody is signed out because the database was.
      const cleared = o.setCookies.filter((c) => c.startsWith(`${SESSION_COOKIE}=`));
      expect(cleared, o.label).toEqual([]);
      if (o.label.startsWith("express")) continue; // Express's default handler: HTML
      expect(o.contentType).toContain("application/json");
      expect(o.body).toMatchObject({ code: "DATABASE_UNAVAILABLE", message: expect.any(String) });
    }
  }

  it("answers 503 DATABASE_UNAVAILABLE while the database is stopped or unreachable, then recovers", async () => {
    const outcomes: Outcome[] = [];
    const { caller, email } = await signedUp(outcomes);

    // Stopped: live connections die, new ones are reset (what a stopped server's port does).
    pg.proxy.pause("reset");
    pg.proxy.cut();
    expectUnavailable(await everyRequest(caller, email));

    // Unreachable: connections are accepted and never answered; the pool's connect timeout
    // ends each request.
    pg.proxy.pause("hang");
    expectUnavailable(await everyRequest(caller, email));

    // Back: the same app, the same pool, the same session cookie.
    pg.proxy.resume();
    for (const o of await everyRequest(caller, email)) expect(o.status, o.label).toBe(200);
    const expressUnavailable = expressErrors.filter(
      (e) => (e as { code?: unknown }).code === "DATABASE_UNAVAILABLE",
    );
    expect(expressUnavailable.length).toBe(6); // three Express routes, two outages
    expect(logged.filter(([message]) => String(message).includes("unexpected error"))).toEqual([]);
  });

  it("keeps answering under a mixed load while connections are cut, refused and swallowed", async () => {
    const outcomes: Outcome[] = [];
    const users = await Promise.all([1, 2, 3].map(() => signedUp(outcomes)));
    const warmup = outcomes.length;
    let stop = false;

    const worker = async (index: number): Promise<void> => {
      const { caller, email } = users[index]!;
      for (let round = 0; !stop; round++) {
        switch (round % 5) {
          case 0:
            await caller.call("get-session", "GET", "/api/auth/get-session");
            break;
          case 1:
            await caller.call("sign-in", "POST", "/api/auth/sign-in/email", { email, password: PASSWORD });
            break;
          case 2:
            await caller.call("express authSession", "GET", "/app/me");
            break;
          case 3:
            await newCaller(outcomes).call("sign-up", "POST", "/api/auth/sign-up/email", {
              name: "Load",
              email: uniqueEmail("pg-load"),
              password: PASSWORD,
            });
            break;
          default:
            await caller.call("express getSession", "GET", "/app/session");
        }
      }
    };

    const chaos = async (): Promise<void> => {
      // Connections killed under running queries, three times.
      for (let i = 0; i < 3; i++) {
        await sleep(150);
        pg.proxy.cut();
      }
      // The server stops, then comes back.
      await sleep(150);
      pg.proxy.pause("reset");
      pg.proxy.cut();
      await sleep(600);
      pg.proxy.resume();
      // The network swallows everything, then comes back.
      await sleep(300);
      pg.proxy.pause("hang");
      pg.proxy.cut();
      await sleep(1200);
      pg.proxy.resume();
      await sleep(300);
      stop = true;
    };

    await Promise.all([chaos(), worker(0), worker(1), worker(2)]);
    const during = outcomes.slice(warmup);
    const counts = tally(during);
    console.info("postgres outage, mixed load:", counts, {
      // Each of these would have ended the process without the listeners support.ts adds.
      driverErrorsOnIdleClients: pg.driverErrors.pool.length,
      driverErrorsOnCheckedOutClients: pg.driverErrors.client.length,
    });

    expect(during.length).toBeGreaterThan(0);
    for (const o of during) {
      // 200, a client error (e.g. a sign-in for a user whose sign-up was cut short), or 503.
      expect([200, 401, 422, 503], `${o.label} ${o.status} ${JSON.stringify(o.body)}`).toContain(o.status);
      if (o.status === 503 && !o.label.startsWith("express"))
        expect(o.body).toMatchObject({ code: "DATABASE_UNAVAILABLE" });
      if (o.status !== 200 && o.status !== 503) expect(o.body).toMatchObject({ code: expect.any(String) });
    }
    expect(during.some((o) => o.status === 503)).toBe(true);

    // After the outage everything works for the same users and for new ones.
    for (const { caller, email } of users) {
      for (const o of await everyRequest(caller, email)) expect(o.status, o.label).toBe(200);
    }
    const fresh = await signedUp(outcomes);
    for (const o of await everyRequest(fresh.caller, fresh.email)) expect(o.status, o.label).toBe(200);
    expect(logged.filter(([message]) => String(message).includes("unexpected error"))).toEqual([]);
  });
});
