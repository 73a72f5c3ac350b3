import { request as httpRequest } from "node:http";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireAuth } from "../../src/express/index.js";
import { startServer, type TestServer, testAuth } from "../helpers/http.js";

/** Sends a raw request target (fetch would normalise "//evil.example"). */
function rawGet(port: number, target: string): Promise<{ status: number; location: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: "127.0.0.1", port, path: target, headers: { accept: "text/html" } },
      (res) => {
        res.resume();
        resolve({ status: res.statusCode ?? 0, location: res.headers.location });
      },
    );
    req.on("error", reject);
    req.end();
  });
}

describe("requireAuth's callbackUrl is always a same-site path", () => {
  let server: TestServer;
  beforeAll(async () => {
    const app = express();
    app.use(requireAuth(testAuth()));
    app.get(/.*/, (_req, res) => res.send("private"));
    server = await startServer(app);
  });
  afterAll(() => server.close());

  it.each(["//evil.example/path", "/\\evil.example/path", "///evil.example"])("%s", async (target) => {
    const res = await rawGet(server.port, target);
    expect(res.status).toBe(302);
    const callback = new URL(res.location!, server.url).searchParams.get("callbackUrl")!;
    expect(callback.startsWith("/")).toBe(true);
    expect(callback.startsWith("//")).toBe(false);
    expect(callback.startsWith("/\\")).toBe(false);
    // Resolved against the app, it stays on the app's origin.
    expect(new URL(callback, server.url).origin).toBe(server.url);
  });
});
