/**
 * Property-based fuzzing of every endpoint of both dialects over real HTTP (issue #6, item 4).
 *
 * The JSON API's endpoints come from the instance's own endpoint table (`auth.$context.endpoints`,
 * core + magicLink + username); the browser routes' from their route table (`browserEndpoints`,
 * the table `ExpressAuth` serves). Each endpoint gets FUZZ_RUNS requests (default 60) generated
 * from its zod schemas and beyond them; see cases.ts for what is generated and invariants.ts for
 * what every answer is held to. The browser routes are fuzzed on two servers: the instance that
 * also serves the JSON API (SQLite, database sessions) and `ExpressAuth(config)` on its own
 * (Auth.js defaults: JWT sessions, memory database).
 *
 * Rate limits are off here (429s would hide everything else); rate-limit.test.ts runs with them.
 * FUZZ_RUNS=600 for a long run; FUZZ_SEED=<n> to replay one; FUZZ_STATS=1 prints the answers each
 * endpoint gave (status and error code), to see how deep the requests got.
 */
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import type { AnyEndpoint } from "../../src/core/endpoint.js";
import { browserEndpoints } from "../../src/dialects/browser/endpoints.js";
import { BROWSER_ACTION } from "../../src/dialects/browser/handler.js";
import { jsonEndpoints } from "../../src/dialects/json/endpoints.js";
import { oauthEndpoints } from "../../src/dialects/json/oauth-endpoints.js";
import { caseArb, dictionary, strayCaseArb } from "./cases.js";
import { counts, sendRaw, startFuzzServers, type Target } from "./harness.js";
import { examples, runCase, statuses } from "./invariants.js";

const RUNS = Number(process.env.FUZZ_RUNS ?? 60);
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
/** Generous: shrinking a failure re-sends many requests. No assertion is about time. */
const TIMEOUT = 120_000 + RUNS * 2_000;

const servers = await startFuzzServers({ rateLimit: "off" });
const dict = dictionary();
const started = Date.now();

afterAll(async () => {
  const total = counts.json + counts.browser;
  console.log(
    `fuzz: ${counts.json} requests to the JSON API, ${counts.browser} to the browser routes, ${total} in all ` +
      `(+${counts.health} health checks; FUZZ_RUNS=${RUNS}, ${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );
  if (process.env.FUZZ_STATS) console.log(JSON.stringify({ statuses, examples }, null, 1));
  await servers.close();
});

async function fuzz(target: Target, name: string, endpoint: AnyEndpoint): Promise<void> {
  await fc.assert(
    fc.asyncProperty(caseArb(name, endpoint, target.dialect, dict), async (c) => {
      await runCase(target, c);
    }),
    { numRuns: RUNS, seed: SEED },
  );
  await servers.health();
}

const jsonTable = Object.entries(servers.json.auth.$context.endpoints).filter(([, e]) => !e.serverOnly);
const browserTable = Object.entries(browserEndpoints) as [string, AnyEndpoint][];

describe("the fuzzer's fixtures", () => {
  it("a valid session, CSRF pair and started OAuth sign-in on every target", async () => {
    for (const target of [servers.json, servers.authjs]) {
      const session = await target.sessionCookie();
      const path = target.dialect === "json" ? "/api/auth/get-session" : "/auth/session";
      const res = await sendRaw(target.port, {
        method: "GET",
        path,
        headers: { cookie: `${target.cookies.session}=${session}` },
      });
      expect(JSON.parse(res.body.toString()), target.name).toMatchObject({
        user: { email: expect.any(String) },
      });
      const tx = await target.oauthTransaction();
      expect(tx.state, target.name).toMatch(/^[\w-]{20,}$/);
      expect(tx.cookie, target.name).not.toBe("");
      expect(await target.csrfCookie()).toContain(await target.placeholder("csrf"));
    }
  });

  it("database watches see a write, and nothing when nothing was written", async () => {
    for (const target of [servers.json, servers.authjs]) {
      const quiet = await target.watch();
      await sendRaw(target.port, { method: "GET", path: `${target.base}/csrf`, headers: {} });
      expect(await quiet(), target.name).toEqual([]);
      const written = await target.watch();
      await target.oauthTransaction();
      expect((await written()).join("\n"), target.name).toMatch(/^verification: /);
    }
  });
});

describe("JSON API (toNodeHandler at /api/auth/*splat)", () => {
  it("covers every endpoint the instance serves, plugins' included", () => {
    const names = jsonTable.map(([n]) => n);
    for (const core of [...Object.keys(jsonEndpoints), ...Object.keys(oauthEndpoints)])
      expect(names).toContain(core);
    for (const plugin of [
      "signInMagicLink",
      "magicLinkVerifyPage",
      "magicLinkVerify",
      "signInUsername",
      "isUsernameAvailable",
    ])
      expect(names).toContain(plugin);
    console.log(`fuzz: ${jsonTable.length} JSON API endpoints`);
  });

  for (const [name, endpoint] of jsonTable) {
    const methods = [endpoint.method].flat().join("|");
    it(`${name}: ${methods} ${endpoint.path}`, () => fuzz(servers.json, name, endpoint), TIMEOUT);
  }

  it(
    "paths no endpoint has",
    async () => {
      await fc.assert(
        fc.asyncProperty(strayCaseArb(dict), (c) => runCase(servers.json, c).then(() => undefined)),
        { numRuns: RUNS, seed: SEED },
      );
      await servers.health();
    },
    TIMEOUT,
  );
});

for (const target of [servers.browser, servers.authjs]) {
  describe(`browser routes (ExpressAuth at /auth): ${target.name}`, () => {
    if (target === servers.browser) {
      it("covers every route of the browser table, each one ExpressAuth dispatches", () => {
        expect(browserTable.length).toBeGreaterThanOrEqual(11);
        // ExpressAuth answers 400 UNKNOWN_ACTION to paths its pattern does not know, before the
        // route table: a route missing from the pattern would be unreachable (and unfuzzed).
        for (const [name, endpoint] of browserTable) {
          const path = endpoint.path.replace(/:[a-z]+/gi, "x");
          expect(BROWSER_ACTION.test(`/auth${path}`), name).toBe(true);
        }
        console.log(`fuzz: ${browserTable.length} browser routes`);
      });
    }

    for (const [name, endpoint] of browserTable) {
      const methods = [endpoint.method].flat().join("|");
      it(`${name}: ${methods} ${endpoint.path}`, () => fuzz(target, name, endpoint), TIMEOUT);
    }

    it(
      "paths no route has",
      async () => {
        await fc.assert(
          fc.asyncProperty(strayCaseArb(dict), (c) => runCase(target, c).then(() => undefined)),
          { numRuns: RUNS, seed: SEED },
        );
        await servers.health();
      },
      TIMEOUT,
    );
  });
}
