/**
 * Per-client, per-path rate limits over real HTTP, on their defaults (no `rateLimit` option):
 * the general rule, the stricter rules of every credential and mail path of both dialects,
 * the 429 answer, `customRules`, the global switch, and where the client address comes from
 * (socket, Express `trust proxy`, configured proxy headers; IPv6 by /64).
 *
 * The clock (Date only; timers and sockets stay real) is frozen a few seconds into a window, so
 * no window ends in the middle of a test.
 */
import express from "express";
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createAuth } from "../../src/create-auth.js";
import type { AuthOptions } from "../../src/core/options.js";
import { ExpressAuth } from "../../src/express/index.js";
import { clientBucket } from "../../src/http/client-bucket.js";
import { toNodeHandler } from "../../src/node/index.js";
import { magicLink } from "../../src/plugins/magic-link/index.js";
import { username } from "../../src/plugins/username/index.js";
import Credentials from "../../src/providers/credentials.js";
import Nodemailer from "../../src/providers/nodemailer.js";
import { capturingLogger, Client, outbox, SECRET } from "../core/harness.js";
import { startServer, type TestServer } from "../helpers/http.js";

/** An auth instance with the real rate-limit defaults: `rateLimit` is never passed here. */
function defaultAuth(options: Omit<AuthOptions, "rateLimit"> = {}) {
  return createAuth({
    secret: SECRET,
    logger: capturingLogger(),
    email: { from: "Test <no-reply@example.test>", transport: outbox().transport },
    emailAndPassword: { enabled: true },
    ...options,
  });
}

const servers: TestServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.close();
});

beforeEach(() => {
  // 25 s into a minute: 5 s into a 10 s window, 25 s into a 60 s one.
  vi.useFakeTimers({ toFake: ["Date"], now: Math.floor(Date.now() / 60_000) * 60_000 + 25_000 });
});
afterEach(() => {
  vi.useRealTimers();
});

/** An Express app with the JSON API at /api/auth and the browser routes at /auth. */
async function serveExpress(
  auth: ReturnType<typeof createAuth>,
  options: { trustProxy?: boolean } = {},
): Promise<TestServer> {
  const app = express();
  if (options.trustProxy) app.set("trust proxy", true);
  app.use("/api/auth", toNodeHandler(auth));
  app.use("/auth", ExpressAuth(auth));
  const srv = await startServer(app);
  servers.push(srv);
  return srv;
}

/** Statuses of `n` sequential requests. */
async function statuses(
  n: number,
  send: (i: number) => Promise<Response | { status: number }>,
): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push((await send(i)).status);
  return out;
}

/** Posts a form to the server with the Origin a browser would send. */
function postForm(
  srv: TestServer,
  path: string,
  form: Record<string, string> = {},
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${srv.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: srv.url, ...headers },
    body: new URLSearchParams(form).toString(),
    redirect: "manual",
  });
}

function postJSON(
  srv: TestServer,
  path: string,
  body: unknown = {},
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${srv.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: srv.url, ...headers },
    body: JSON.stringify(body),
  });
}

const allowed = (list: number[]) => list.every((s) => s !== 429);

describe("defaults, without any rateLimit option", () => {
  it("are on: the limiter exists and every default rule is in the table", () => {
    const auth = defaultAuth();
    expect(auth.$context.rateLimiter).toBeDefined();
    expect(auth.$context.passwordFailures).toEqual({ slowDownAfter: 5, resetRequiredAfter: 100 });
    expect(Object.fromEntries(auth.$context.rateLimitRules)).toEqual({
      "/sign-in/*": { window: 60, max: 10 },
      "/sign-up/*": { window: 60, max: 10 },
      "/change-password": { window: 60, max: 10 },
      "/reset-password": { window: 60, max: 10 },
      "/delete-user": { window: 60, max: 10 },
      "/request-password-reset": { window: 60, max: 5 },
      "/send-verification-email": { window: 60, max: 5 },
      "/change-email": { window: 60, max: 5 },
      "/signup": { window: 60, max: 10 },
      "/callback/password": { window: 60, max: 10 },
    });
  });

  it("are on in production too", async () => {
    const previous = process.env.NODE_ENV;
    process.env.NODE_ENV = "production";
    try {
      const auth = defaultAuth({ emailAndPassword: { enabled: true, sendResetPassword: async () => {} } });
      expect(auth.$context.production).toBe(true);
      expect(auth.$context.rateLimiter).toBeDefined();
    } finally {
      process.env.NODE_ENV = previous;
    }
  });

  it("general rule: 100 requests per 10 s per address and path, then 429", async () => {
    const client = new Client(defaultAuth());
    const first = await statuses(100, () => client.get("/ok"));
    expect(first.every((s) => s === 200)).toBe(true);
    expect((await client.get("/ok")).status).toBe(429);
    // Another path has its own counter.
    expect((await client.get("/get-session")).status).toBe(200);
  });

  it("the general rule counts a route, not each value of its parameters", async () => {
    const client = new Client(defaultAuth());
    const codes = await statuses(101, (i) => client.get(`/callback/provider-${i}?code=x&state=y`));
    expect(codes.slice(0, 100)).not.toContain(429);
    expect(codes[100]).toBe(429);
  });

  it("429: { code: TOO_MANY_REQUESTS, message } with Retry-After and X-Retry-After in seconds", async () => {
    const client = new Client(defaultAuth());
    for (let i = 0; i < 10; i++) await client.post("/sign-in/email", {});
    const limited = await client.post("/sign-in/email", { email: "a@example.test", password: "x" });
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({ code: "TOO_MANY_REQUESTS", message: "Too many requests" });
    expect(limited.headers.get("content-type")).toContain("application/json");
    const retryAfter = limited.headers.get("retry-after");
    expect(retryAfter).toBe("35"); // the 60 s window began 25 s ago
    expect(limited.headers.get("x-retry-after")).toBe(retryAfter);
  });

  it("a window's end lets requests through again", async () => {
    const client = new Client(defaultAuth());
    for (let i = 0; i < 10; i++) await client.post("/sign-up/email", {});
    expect((await client.post("/sign-up/email", {})).status).toBe(429);
    vi.setSystemTime(Date.now() + 35_000);
    expect((await client.post("/sign-up/email", {})).status).not.toBe(429);
  });
});

describe("stricter default rules on every credential and mail path", () => {
  const json: [path: string, max: number][] = [
    ["/sign-in/email", 10],
    ["/sign-in/social", 10],
    ["/sign-up/email", 10],
    ["/change-password", 10],
    ["/reset-password", 10],
    ["/delete-user", 10],
    ["/request-password-reset", 5],
    ["/send-verification-email", 5],
    ["/change-email", 5],
  ];

  it.each(json)("JSON API POST %s: %i per minute, then 429", async (path, max) => {
    const client = new Client(defaultAuth());
    const codes = await statuses(max + 1, () => client.post(path, {}));
    expect(allowed(codes.slice(0, max))).toBe(true);
    expect(codes[max]).toBe(429);
    // The general rule still governs other paths for the same address.
    expect((await client.get("/ok")).status).toBe(200);
  });

  it("plugins' rules: /sign-in/username 3 per 10 s, /sign-in/magic-link 5 per minute", async () => {
    const client = new Client(
      defaultAuth({ plugins: [username(), magicLink({ sendMagicLink: async () => {} })] }),
    );
    const user = await statuses(4, () => client.post("/sign-in/username", {}));
    expect(user).toEqual([expect.any(Number), expect.any(Number), expect.any(Number), 429]);
    expect(allowed(user.slice(0, 3))).toBe(true);
    const link = await statuses(6, () => client.post("/sign-in/magic-link", {}));
    expect(allowed(link.slice(0, 5))).toBe(true);
    expect(link[5]).toBe(429);
  });

  it("browser routes: /signup, the password form and a Credentials callback 10 per minute, an Email provider's /signin 5", async () => {
    const auth = defaultAuth({
      providers: [
        Credentials({ id: "pin", credentials: { email: {}, pin: {} }, authorize: async () => null }),
        Nodemailer({
          server: "smtp://127.0.0.1:1",
          from: "x@example.test",
          sendVerificationRequest: async () => {},
        }),
      ],
    });
    expect(auth.$context.rateLimitRules.get("/callback/pin")).toEqual({ window: 60, max: 10 });
    expect(auth.$context.rateLimitRules.get("/signin/nodemailer")).toEqual({ window: 60, max: 5 });
    const srv = await serveExpress(auth);
    for (const [path, max] of [
      ["/auth/signup", 10],
      ["/auth/callback/password", 10],
      ["/auth/callback/pin", 10],
      ["/auth/signin/nodemailer", 5],
    ] as const) {
      const codes = await statuses(max + 1, () => postForm(srv, path, { csrfToken: "x" }));
      expect(allowed(codes.slice(0, max)), path).toBe(true);
      expect(codes[max], path).toBe(429);
    }
    // The browser routes' general rule: GET /auth/csrf is not limited by the above.
    expect((await fetch(`${srv.url}/auth/csrf`)).status).toBe(200);
  });

  it("the two dialects keep separate counters for the same relative path", async () => {
    const srv = await serveExpress(defaultAuth());
    for (let i = 0; i < 10; i++) await postForm(srv, "/auth/callback/password", {});
    expect((await postForm(srv, "/auth/callback/password", {})).status).toBe(429);
    // /api/auth/callback/password is the JSON API's OAuth callback route: its own counter.
    expect((await postForm(srv, "/api/auth/callback/password", {})).status).not.toBe(429);
  });

  it("a trailing slash or an encoded parameter does not dodge the rule", async () => {
    const srv = await serveExpress(defaultAuth());
    const paths = ["/auth/callback/password", "/auth/callback/password/", "/auth/callback/pass%77ord"];
    const codes = await statuses(11, (i) => postForm(srv, paths[i % 3]!, {}));
    expect(allowed(codes.slice(0, 10))).toBe(true);
    expect(codes[10]).toBe(429);
  });
});

describe("configuration", () => {
  function configured(rateLimit: AuthOptions["rateLimit"], extra: Omit<AuthOptions, "rateLimit"> = {}) {
    return new Client(createAuth({ secret: SECRET, logger: capturingLogger(), rateLimit, ...extra }));
  }

  it("customRules replaces a default rule for its path", async () => {
    const client = configured({ customRules: { "/sign-in/email": { window: 60, max: 2 } } });
    expect(await statuses(3, () => client.post("/sign-in/email", {}))).toEqual([
      expect.any(Number),
      expect.any(Number),
      429,
    ]);
    // The wildcard default still covers its other paths.
    const social = await statuses(11, () => client.post("/sign-in/social", {}));
    expect(social[10]).toBe(429);
    expect(allowed(social.slice(0, 10))).toBe(true);
  });

  it("a customRules wildcard covers every path under it; an exact path wins over it", async () => {
    const client = configured({
      customRules: { "/sign-in/*": { window: 60, max: 1 }, "/sign-in/social": { window: 60, max: 3 } },
    });
    expect((await statuses(2, () => client.post("/sign-in/email", {})))[1]).toBe(429);
    const social = await statuses(4, () => client.post("/sign-in/social", {}));
    expect(allowed(social.slice(0, 3))).toBe(true);
    expect(social[3]).toBe(429);
  });

  it("customRules false takes a path out of every limit, the general rule included", async () => {
    const client = configured({ customRules: { "/sign-in/email": false, "/ok": false } });
    expect(allowed(await statuses(15, () => client.post("/sign-in/email", {})))).toBe(true);
    expect(allowed(await statuses(110, () => client.get("/ok")))).toBe(true);
    // Other paths keep their rules.
    expect((await statuses(11, () => client.post("/sign-up/email", {})))[10]).toBe(429);
  });

  it("window and max set the general rule", async () => {
    const client = configured({ window: 60, max: 3 });
    expect(await statuses(4, () => client.get("/ok"))).toEqual([200, 200, 200, 429]);
    const limited = await client.get("/ok");
    expect(limited.headers.get("retry-after")).toBe("35");
  });

  it("enabled: false turns every limit off (per address and per account)", async () => {
    const auth = createAuth({ secret: SECRET, logger: capturingLogger(), rateLimit: { enabled: false } });
    expect(auth.$context.rateLimiter).toBeUndefined();
    expect(auth.$context.passwordFailures).toBeUndefined();
    const client = new Client(auth);
    expect(allowed(await statuses(15, () => client.post("/sign-in/email", {})))).toBe(true);
    expect(allowed(await statuses(110, () => client.get("/ok")))).toBe(true);
  });

  it("a plugin's rule can be replaced or switched off", async () => {
    const client = configured(
      { customRules: { "/sign-in/username": false } },
      { plugins: [username()], emailAndPassword: { enabled: true } },
    );
    expect(allowed(await statuses(8, () => client.post("/sign-in/username", {})))).toBe(true);
  });

  it("wrong options throw when createAuth runs, naming the option", () => {
    const make = (rateLimit: unknown) => () =>
      createAuth({
        secret: SECRET,
        logger: capturingLogger(),
        rateLimit: rateLimit as AuthOptions["rateLimit"],
      });
    expect(make({ customRules: { "/sign-in/email": { window: 0, max: 3 } } })).toThrow(
      /rateLimit\.customRules\["\/sign-in\/email"\]/,
    );
    expect(make({ customRules: { "sign-in": { window: 10, max: 3 } } })).toThrow(/starts with "\/"/);
    expect(make({ customRules: { "/a/*/b": { window: 10, max: 3 } } })).toThrow(/may end in "\/\*"/);
    expect(make({ max: -1 })).toThrow(/rateLimit: a rule needs/);
    expect(make({ storage: "database" })).toThrow(/needs the `database` option/);
    expect(make({ storage: "redis" })).toThrow(/needs an ioredis client/);
    expect(make({ storage: "disk" })).toThrow(/rateLimit\.storage: must be/);
    expect(make({ enabled: "no" })).toThrow(/rateLimit\.enabled/);
    expect(make({ passwordFailures: { slowDownAfter: 0 } })).toThrow(/slowDownAfter/);
    expect(make({ passwordFailures: { slowDownAfter: 10, resetRequiredAfter: 5 } })).toThrow(/greater than/);
    expect(() => createAuth({ secret: SECRET, advanced: { ipAddress: { ipAddressHeaders: [""] } } })).toThrow(
      /advanced\.ipAddress\.ipAddressHeaders/,
    );
  });
});

describe("the client address", () => {
  it("ignores X-Forwarded-For without Express's trust proxy (a spoofed header buys nothing)", async () => {
    const srv = await serveExpress(defaultAuth());
    const codes = await statuses(11, (i) =>
      postJSON(srv, "/api/auth/sign-in/email", {}, { "x-forwarded-for": `203.0.113.${i + 1}` }),
    );
    expect(allowed(codes.slice(0, 10))).toBe(true);
    expect(codes[10]).toBe(429);
    // The browser routes too.
    const form = await statuses(11, (i) =>
      postForm(srv, "/auth/callback/password", {}, { "x-forwarded-for": `203.0.113.${i + 1}` }),
    );
    expect(form[10]).toBe(429);
  });

  it("honours Express's trust proxy: req.ip (from X-Forwarded-For) is the client", async () => {
    const srv = await serveExpress(defaultAuth(), { trustProxy: true });
    // Eleven clients behind the proxy: none is limited.
    const spread = await statuses(11, (i) =>
      postJSON(srv, "/api/auth/sign-in/email", {}, { "x-forwarded-for": `198.51.100.${i + 1}` }),
    );
    expect(allowed(spread)).toBe(true);
    // One client sending eleven: limited, and only that client.
    const one = await statuses(11, () =>
      postJSON(srv, "/api/auth/sign-in/email", {}, { "x-forwarded-for": "192.0.2.7" }),
    );
    expect(one[10]).toBe(429);
    const other = await postJSON(srv, "/api/auth/sign-in/email", {}, { "x-forwarded-for": "192.0.2.8" });
    expect(other.status).not.toBe(429);
    // ExpressAuth goes through req.ip as well.
    const browser = await statuses(11, (i) =>
      postForm(srv, "/auth/callback/password", {}, { "x-forwarded-for": `198.51.100.${i + 1}` }),
    );
    expect(allowed(browser)).toBe(true);
  });

  it("counts an IPv6 client by its /64", async () => {
    const srv = await serveExpress(defaultAuth(), { trustProxy: true });
    const same64 = await statuses(11, (i) =>
      postJSON(
        srv,
        "/api/auth/sign-in/email",
        {},
        { "x-forwarded-for": `2001:db8:1:2::${(i + 1).toString(16)}` },
      ),
    );
    expect(same64[10]).toBe(429);
    const next64 = await postJSON(
      srv,
      "/api/auth/sign-in/email",
      {},
      { "x-forwarded-for": "2001:db8:1:3::1" },
    );
    expect(next64.status).not.toBe(429);
  });

  it("clientBucket: IPv4 as is, IPv4-mapped as IPv4, IPv6 by /64", () => {
    expect(clientBucket("192.0.2.1")).toBe("192.0.2.1");
    expect(clientBucket("::ffff:192.0.2.1")).toBe("192.0.2.1");
    expect(clientBucket("::ffff:c000:201")).toBe("192.0.2.1");
    expect(clientBucket("2001:db8:1:2:aaaa:bbbb:cccc:dddd")).toBe("2001:db8:1:2::/64");
    expect(clientBucket("2001:db8:1:2::1")).toBe("2001:db8:1:2::/64");
    expect(clientBucket("2001:DB8:0001:0002::1")).toBe("2001:db8:1:2::/64");
    expect(clientBucket("[2001:db8::1]")).toBe("2001:db8:0:0::/64");
    expect(clientBucket("fe80::1%eth0")).toBe("fe80:0:0:0::/64");
    expect(clientBucket("::1")).toBe("0:0:0:0::/64");
    expect(clientBucket("64:ff9b::192.0.2.1")).toBe("64:ff9b:0:0::/64");
  });

  it("advanced.ipAddress.ipAddressHeaders: the named header (its last entry) is the client; unset, it is ignored", async () => {
    const trusting = new Client(
      createAuth({
        secret: SECRET,
        logger: capturingLogger(),
        advanced: { ipAddress: { ipAddressHeaders: ["x-real-ip", "x-forwarded-for"] } },
      }),
    );
    const spread = await statuses(11, (i) =>
      trusting.post("/sign-in/email", {}, { headers: { "x-real-ip": `198.51.100.${i + 1}` } }),
    );
    expect(allowed(spread)).toBe(true);
    // Of a list, the entry the nearest proxy appended counts, not what the client put first.
    const listed = await statuses(11, (i) =>
      trusting.post("/sign-in/email", {}, { headers: { "x-forwarded-for": `10.0.0.${i + 1}, 192.0.2.50` } }),
    );
    expect(listed[10]).toBe(429);
    // Not an address: the socket's address counts.
    const junk = await statuses(11, () =>
      trusting.post("/sign-up/email", {}, { headers: { "x-real-ip": "not-an-ip" } }),
    );
    expect(junk[10]).toBe(429);

    const plain = new Client(createAuth({ secret: SECRET, logger: capturingLogger() }));
    const spoofed = await statuses(11, (i) =>
      plain.post("/sign-in/email", {}, { headers: { "x-real-ip": `198.51.100.${i + 1}` } }),
    );
    expect(spoofed[10]).toBe(429);
  });

  it("trustHost alone does not make X-Forwarded-For the client", async () => {
    const client = new Client(createAuth({ secret: SECRET, logger: capturingLogger(), trustHost: true }));
    const codes = await statuses(11, (i) =>
      client.post("/sign-in/email", {}, { headers: { "x-forwarded-for": `198.51.100.${i + 1}` } }),
    );
    expect(codes[10]).toBe(429);
  });

  it("a request with no known address (the Web handler called directly) is not limited, and that is logged once", async () => {
    const logger = capturingLogger();
    const auth = createAuth({ secret: SECRET, logger });
    for (let i = 0; i < 12; i++) {
      const res = await auth.handler(
        new Request("http://localhost:3000/api/auth/sign-in/email", {
          method: "POST",
          headers: { "content-type": "application/json", origin: "http://localhost:3000" },
          body: "{}",
        }),
      );
      expect(res.status).not.toBe(429);
    }
    const warnings = logger.lines.filter((l) => l.level === "warn" && l.message.includes("client address"));
    expect(warnings).toHaveLength(1);
  });
});
