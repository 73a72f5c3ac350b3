/**
 * The fuzzer once more with the instances' default rate limits (dialects.test.ts turns them
 * off, since 429s would hide everything else): first every endpoint of both dialects is asked
 * the same thing in a burst until its limit (if it has one) answers, then a shorter fuzz run.
 * Every 429 must keep the `{ code, message }` shape, and all the other invariants hold.
 */
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import type { AnyEndpoint } from "../../src/core/endpoint.js";
import { browserEndpoints } from "../../src/dialects/browser/endpoints.js";
import { caseArb, dictionary, type FuzzCase } from "./cases.js";
import { counts, startFuzzServers, type Target } from "./harness.js";
import { runCase } from "./invariants.js";

const RUNS = Math.max(5, Math.round(Number(process.env.FUZZ_RUNS ?? 60) / 6));
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
/** Requests per endpoint in a burst: past the plugins' limits (3 per 10 s for username sign-in). */
const BURST = 12;

const servers = await startFuzzServers({ rateLimit: "default" });
const dict = dictionary();
const limited: Record<string, number> = {};

afterAll(async () => {
  const total = counts.json + counts.browser;
  const answered = Object.entries(limited).map(([k, n]) => `${k} x${n}`);
  console.log(
    `fuzz (default rate limits): ${counts.json} requests to the JSON API, ${counts.browser} to the browser routes, ${total} in all; 429 from ${answered.join(", ") || "none"}`,
  );
  await servers.close();
});

function burstCase(name: string, endpoint: AnyEndpoint, dialect: "json" | "browser"): FuzzCase {
  const path = endpoint.path.replace(/:([a-z]+)/gi, (_m, param: string) =>
    param === "provider" ? "credentials" : "token",
  );
  return {
    endpoint: name,
    method: [endpoint.method].flat()[0]!,
    path,
    query: "",
    body: {
      kind: dialect === "json" ? "json" : "form",
      value: { email: "{{fixture-email}}", password: "wrong password", username: "ada", token: "x" },
      contentType: dialect === "json" ? "application/json" : "application/x-www-form-urlencoded",
    },
    session: null,
    csrf: "pair",
    oauthTransaction: false,
    cookies: [],
    headers: { origin: "{{origin}}" },
  };
}

async function burst(target: Target, name: string, endpoint: AnyEndpoint): Promise<void> {
  for (let i = 0; i < BURST; i++) {
    const res = await runCase(target, burstCase(name, endpoint, target.dialect));
    if (res.status !== 429) continue;
    const body = JSON.parse(res.body.toString("utf8")) as { code: unknown; message: unknown };
    expect(body).toMatchObject({ code: "TOO_MANY_REQUESTS", message: expect.any(String) });
    expect(res.headers["retry-after"]).toMatch(/^\d+$/);
    const key = `${target.base}${endpoint.path}`;
    limited[key] = (limited[key] ?? 0) + 1;
  }
}

const jsonTable = Object.entries(servers.json.auth.$context.endpoints).filter(([, e]) => !e.serverOnly);
const browserTable = Object.entries(browserEndpoints) as [string, AnyEndpoint][];

describe("with default rate limits", () => {
  it("bursts to every endpoint: limits answer 429 { code, message } with Retry-After", async () => {
    for (const [name, endpoint] of jsonTable) await burst(servers.json, name, endpoint);
    for (const [name, endpoint] of browserTable) await burst(servers.browser, name, endpoint);
    // The username plugin's rule (3 per 10 s) at least.
    expect(limited["/api/auth/sign-in/username"]).toBeGreaterThan(0);
  }, 120_000);

  it("fuzzes every endpoint with the same invariants", async () => {
    const tables: [Target, [string, AnyEndpoint][]][] = [
      [servers.json, jsonTable],
      [servers.browser, browserTable],
      [servers.authjs, browserTable],
    ];
    for (const [target, table] of tables) {
      for (const [name, endpoint] of table) {
        await fc.assert(
          fc.asyncProperty(caseArb(name, endpoint, target.dialect, dict), async (c) => {
            const res = await runCase(target, c);
            // Its shape was checked by runCase, like every error answer's.
            if (res.status === 429) {
              const key = `${target.base}${endpoint.path}`;
              limited[key] = (limited[key] ?? 0) + 1;
            }
          }),
          { numRuns: RUNS, seed: SEED },
        );
      }
    }
    await servers.health();
  }, 300_000);
});
