import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toNodeHandler } from "../../src/node/index.js";
import {
  CookieJar,
  EXPRESS_VARIANTS,
  signUpBody,
  startServer,
  testAuth,
  uniqueEmail,
  type TestServer,
} from "../helpers/http.js";

const TIMEOUT = { response: 5_000, deadline: 10_000 };
const TRUSTED = "https://app.example";

// `cors` is not installed in this repository, so the CORS-middleware example is not exercised here.
describe.each(EXPRESS_VARIANTS)("Origin protection through $name", (variant) => {
  const auth = testAuth({ trustedOrigins: [TRUSTED] });
  let srv: TestServer;
  let jar: CookieJar;

  beforeAll(async () => {
    const app = variant.express();
    app.use(variant.express.json());
    app.all(variant.wildcardRoutes[0]!, toNodeHandler(auth));
    srv = await startServer(app);
    const res = await request(srv.url)
      .post("/api/auth/sign-up/email")
      .send(signUpBody(uniqueEmail("origin")))
      .timeout(TIMEOUT);
    expect(res.status).toBe(200);
    jar = new CookieJar();
    jar.store(res.headers["set-cookie"]);
  });
  afterAll(() => srv.close());

  /** A state-changing request that carries the session cookie. */
  function update(headers: Record<string, string>) {
    return request(srv.url)
      .post("/api/auth/update-user")
      .set("Cookie", jar.header())
      .set(headers)
      .send({ name: "Changed" })
      .timeout(TIMEOUT);
  }

  it("refuses a cookie-bearing POST from another origin", async () => {
    const res = await update({ Origin: "https://evil.example" });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe("INVALID_ORIGIN");
  });

  it("accepts the app's own origin", async () => {
    const res = await update({ Origin: srv.url });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: true });
  });

  it("accepts a trustedOrigins entry", async () => {
    const res = await update({ Origin: TRUSTED });
    expect(res.status).toBe(200);
  });

  it("falls back to Referer when Origin is absent", async () => {
    expect((await update({ Referer: `${srv.url}/settings?tab=1` })).status).toBe(200);
    const evil = await update({ Referer: "https://evil.example/page" });
    expect(evil.status).toBe(403);
    expect(evil.body.code).toBe("INVALID_ORIGIN");
  });

  it("refuses a cookie-bearing POST with neither Origin nor Referer", async () => {
    const res = await update({});
    expect(res.status).toBe(403);
    expect(res.body.code).toBe("INVALID_ORIGIN");
  });

  it("refuses Origin: null (sandboxed frames, some redirects)", async () => {
    const withCookie = await update({ Origin: "null" });
    expect(withCookie.status).toBe(403);
    expect(withCookie.body.code).toBe("INVALID_ORIGIN");
    const withoutCookie = await request(srv.url)
      .post("/api/auth/sign-in/email")
      .set("Origin", "null")
      .send({ email: "x@example.com", password: "whatever123" })
      .timeout(TIMEOUT);
    expect(withoutCookie.status).toBe(403);
  });

  it("lets a server-to-server POST (no cookie, no Origin) through", async () => {
    const res = await request(srv.url)
      .post("/api/auth/sign-up/email")
      .send(signUpBody(uniqueEmail("s2s")))
      .timeout(TIMEOUT);
    expect(res.status).toBe(200);
  });

  it("refuses a cross-origin sign-in even without cookies (login CSRF)", async () => {
    const res = await request(srv.url)
      .post("/api/auth/sign-in/email")
      .set("Origin", "https://evil.example")
      .send({ email: "x@example.com", password: "whatever123" })
      .timeout(TIMEOUT);
    expect(res.status).toBe(403);
    expect(res.body.code).toBe("INVALID_ORIGIN");
  });

  it("refuses a cross-site top-level form navigation", async () => {
    const res = await request(srv.url)
      .post("/api/auth/sign-out")
      .type("form")
      .set("Sec-Fetch-Site", "cross-site")
      .set("Sec-Fetch-Mode", "navigate")
      .set("Origin", srv.url)
      .send({})
      .timeout(TIMEOUT);
    expect(res.status).toBe(403);
    expect(res.body.code).toBe("CROSS_SITE_NAVIGATION");
  });

  it("does not check safe methods", async () => {
    const res = await request(srv.url)
      .get("/api/auth/get-session")
      .set("Cookie", jar.header())
      .set("Origin", "https://evil.example")
      .timeout(TIMEOUT);
    expect(res.status).toBe(200);
    expect(res.body.user.name).toBe("Changed");
  });
});
