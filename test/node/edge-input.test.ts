/**
 * Input the Node edge itself must turn away cleanly (found by the attack corpus): a Host header
 * with userinfo, which a Web Request refuses to carry, and JSON that express.json() parsed but
 * that is too deep to encode again. Both were 500s; both are now answered like any bad input.
 */
import { request as httpRequest } from "node:http";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toNodeHandler } from "../../src/node/index.js";
import { startServer, type TestServer, testAuth } from "../helpers/http.js";

/** One raw request (supertest would fix up the Host header). */
function raw(
  srv: TestServer,
  options: { method: string; path: string; headers: Record<string, string>; body?: string },
): Promise<{ status: number; body: string }> {
  const url = new URL(srv.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method: options.method,
        path: options.path,
        headers: options.headers,
      },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk) => (body += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}

describe.each([
  { label: "with express.json()", parse: true },
  { label: "without a body parser", parse: false },
])("the Node edge, $label", ({ parse }) => {
  let srv: TestServer;
  beforeAll(async () => {
    const app = express();
    if (parse) app.use(express.json({ limit: "10mb" }));
    app.all("/api/auth/*splat", toNodeHandler(testAuth()));
    srv = await startServer(app);
  });
  afterAll(() => srv.close());

  it("a Host with userinfo is served as localhost, not a 500", async () => {
    for (const host of ["app.example:80@evil.example", "user:pass@evil.example", "@evil.example"]) {
      const answer = await raw(srv, { method: "GET", path: "/api/auth/ok", headers: { host } });
      expect(answer.status, host).toBe(200);
      expect(JSON.parse(answer.body)).toEqual({ ok: true });
    }
  });

  it("JSON nested 20,000 deep is a 4xx with { code, message }, and the server goes on", async () => {
    const body = `{"email":${"[".repeat(20_000)}${"]".repeat(20_000)}}`;
    const answer = await raw(srv, {
      method: "POST",
      path: "/api/auth/sign-in/email",
      headers: { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)) },
      body,
    });
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
    const json = JSON.parse(answer.body);
    expect(typeof json.code).toBe("string");
    expect(typeof json.message).toBe("string");
    const after = await raw(srv, { method: "GET", path: "/api/auth/ok", headers: { host: "localhost" } });
    expect(after.status).toBe(200);
  });
});
