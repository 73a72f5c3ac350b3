import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_BODY_BYTES } from "../../src/core/body.js";
import { toNodeHandler } from "../../src/node/index.js";
import {
  EXPRESS_VARIANTS,
  SESSION_COOKIE,
  loggedErrors,
  parseSetCookies,
  signUpBody,
  startServer,
  testAuth,
  uniqueEmail,
  type TestServer,
} from "../helpers/http.js";

/** Every request here must answer quickly: a hang is a failure, not a slow test. */
const TIMEOUT = { response: 5_000, deadline: 10_000 };

type Parsers = "none" | "json+urlencoded";
const cases = EXPRESS_VARIANTS.flatMap((variant) =>
  (["none", "json+urlencoded"] as Parsers[]).map((parsers) => ({
    variant,
    parsers,
    label: `${variant.name}, parsers: ${parsers}`,
  })),
);

describe.each(cases)("request bodies ($label)", ({ variant, parsers }) => {
  const auth = testAuth();
  let srv: TestServer;

  beforeAll(async () => {
    const app = variant.express();
    if (parsers === "json+urlencoded") {
      app.use(variant.express.json());
      app.use(variant.express.urlencoded({ extended: false }));
    }
    app.all(variant.wildcardRoutes[0]!, toNodeHandler(auth));
    srv = await startServer(app);
  });
  afterAll(() => srv.close());

  it("signs up with a JSON body", async () => {
    const email = uniqueEmail("json");
    const res = await request(srv.url)
      .post("/api/auth/sign-up/email")
      .send(signUpBody(email))
      .timeout(TIMEOUT);
    expect(res.status).toBe(200);
    expect(res.body.user.email).toBe(email);
    expect(parseSetCookies(res.headers["set-cookie"]).map((c) => c.name)).toContain(SESSION_COOKIE);
  });

  it("signs up with a form-urlencoded body", async () => {
    const email = uniqueEmail("form");
    const res = await request(srv.url)
      .post("/api/auth/sign-up/email")
      .type("form")
      .send(signUpBody(email))
      .timeout(TIMEOUT);
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ email, name: "Test User" });
  });

  it("signs out with an empty body", async () => {
    const res = await request(srv.url).post("/api/auth/sign-out").timeout(TIMEOUT);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true });
    const json = await request(srv.url)
      .post("/api/auth/sign-out")
      .set("content-type", "application/json")
      .timeout(TIMEOUT);
    expect(json.status).toBe(200);
  });

  it("names the invalid field in a validation error", async () => {
    const res = await request(srv.url)
      .post("/api/auth/sign-up/email")
      .send({ name: "X", email: "not-an-email", password: "correct horse battery" })
      .timeout(TIMEOUT);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("VALIDATION_ERROR");
    expect(res.body.message).toContain("[body.email]");
    expect(res.body.field).toBe("body.email");
  });

  it("answers an unsupported content type with 415", async () => {
    const res = await request(srv.url)
      .post("/api/auth/sign-in/email")
      .set("content-type", "text/xml")
      .send("<signin><email>a@example.com</email></signin>")
      .timeout(TIMEOUT);
    expect(res.status).toBe(415);
    expect(res.body.code).toBe("UNSUPPORTED_MEDIA_TYPE");
  });

  it("answers invalid JSON with 400", async () => {
    const res = await request(srv.url)
      .post("/api/auth/sign-in/email")
      .set("content-type", "application/json")
      .send('{"email": "a@example.com", ')
      .timeout(TIMEOUT);
    expect(res.status).toBe(400);
    if (parsers === "none") expect(res.body.code).toBe("INVALID_JSON");
    // With express.json() first, body-parser rejects it itself (400, Express's error page).
  });

  it("answers a body over 1 MiB with 413, never a 500 or a hang", async () => {
    const big = { ...signUpBody(uniqueEmail("big")), padding: "x".repeat(MAX_BODY_BYTES + 10) };
    const res = await request(srv.url).post("/api/auth/sign-up/email").send(big).timeout(TIMEOUT);
    expect(res.status).toBe(413);
    if (parsers === "none") expect(res.body.code).toBe("PAYLOAD_TOO_LARGE");
    // With express.json() first, its own 100kb limit answers 413 before Gatehouse runs.
  });

  it("answers 413 to a much larger upload and keeps serving", async () => {
    const res = await request(srv.url)
      .post("/api/auth/sign-in/email")
      .set("content-type", "application/json")
      .send("x".repeat(8 * MAX_BODY_BYTES))
      .timeout(TIMEOUT);
    expect(res.status).toBe(413);
    const after = await request(srv.url).get("/api/auth/ok").timeout(TIMEOUT);
    expect(after.status).toBe(200);
  });

  it("answers 413 for a large body of a type no parser took (streamed to Gatehouse)", async () => {
    const res = await request(srv.url)
      .post("/api/auth/sign-in/email")
      .set("content-type", "text/plain")
      .send("x".repeat(MAX_BODY_BYTES + 10))
      .timeout(TIMEOUT);
    expect(res.status).toBe(413);
    expect(res.body.code).toBe("PAYLOAD_TOO_LARGE");
  });

  it("answers 413 for a chunked body over 1 MiB (no Content-Length)", async () => {
    const { Readable } = await import("node:stream");
    const chunk = Buffer.alloc(64 * 1024, "x");
    let sent = 0;
    const body = new Readable({
      read() {
        if (sent > MAX_BODY_BYTES + chunk.length) return this.push(null);
        sent += chunk.length;
        this.push(chunk);
      },
    });
    const res = await fetch(`${srv.url}/api/auth/sign-in/email`, {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: Readable.toWeb(body) as unknown as ReadableStream,
      duplex: "half",
      signal: AbortSignal.timeout(5_000),
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ code: "PAYLOAD_TOO_LARGE" });
  });

  it("logged no unexpected errors", () => {
    expect(loggedErrors).toEqual([]);
  });
});
