/**
 * Regression tests for what the fuzzer (dialects.test.ts) found, each named after the shrunk
 * input that showed it, sent over real HTTP to the fuzzer's servers (Express 5,
 * `toNodeHandler(auth)` at /api/auth/*splat, `ExpressAuth` at /auth).
 */
import { afterAll, describe, expect, it } from "vitest";
import { type RawResponse, sendRaw, startFuzzServers } from "./harness.js";

const servers = await startFuzzServers({ rateLimit: "off" });
afterAll(() => servers.close());

function json(res: RawResponse): unknown {
  return JSON.parse(res.body.toString("utf8"));
}

describe("fuzz regressions: methods a Web Request cannot carry", () => {
  it('TRACE /api/auth/is-username-available {"username":"ada"} answers 405 { code, message }, not 500', async () => {
    const res = await sendRaw(servers.json.port, {
      method: "TRACE",
      path: "/api/auth/is-username-available",
      headers: { "content-type": "application/json", origin: servers.json.origin },
      body: Buffer.from('{"username":"ada"}'),
    });
    expect(res.status).toBe(405);
    expect(json(res)).toEqual({ code: "METHOD_NOT_ALLOWED", message: "Method not allowed" });
  });

  it("TRACE /auth/signin/?% (ExpressAuth) answers 405 { code, message }, not 500", async () => {
    for (const target of [servers.browser, servers.authjs]) {
      const res = await sendRaw(target.port, {
        method: "TRACE",
        path: "/auth/signin/?%",
        headers: { "content-type": "application/x-www-form-urlencoded", origin: target.origin },
        body: Buffer.from("null"),
      });
      expect(res.status, target.name).toBe(405);
      expect(json(res), target.name).toMatchObject({ code: "METHOD_NOT_ALLOWED" });
    }
  });
});
