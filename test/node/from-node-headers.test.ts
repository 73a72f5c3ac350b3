import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fromNodeHeaders, toNodeHandler } from "../../src/node/index.js";
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

describe("fromNodeHeaders", () => {
  it("copies single values and repeats array values", () => {
    const headers = fromNodeHeaders({
      host: "example.com",
      cookie: "a=1; b=2",
      "set-cookie": ["x=1", "y=2"],
      "x-missing": undefined,
    });
    expect(headers.get("host")).toBe("example.com");
    expect(headers.get("cookie")).toBe("a=1; b=2");
    expect(headers.getSetCookie()).toEqual(["x=1", "y=2"]);
    expect(headers.has("x-missing")).toBe(false);
  });

  it("drops a client-sent x-gatehouse-client-ip (the edge's own header)", () => {
    const headers = fromNodeHeaders({ "x-gatehouse-client-ip": "6.6.6.6", "x-forwarded-for": "1.2.3.4" });
    expect(headers.has("x-gatehouse-client-ip")).toBe(false);
    expect(headers.get("x-forwarded-for")).toBe("1.2.3.4");
  });
});

describe.each(EXPRESS_VARIANTS)(
  "auth.api.getSession({ headers: fromNodeHeaders(req.headers) }) on $name",
  (variant) => {
    const auth = testAuth();
    let srv: TestServer;

    beforeAll(async () => {
      const app = variant.express();
      app.use("/api/auth", toNodeHandler(auth));
      app.get("/api/me", async (req, res, next) => {
        try {
          const session = await auth.api.getSession({ headers: fromNodeHeaders(req.headers) });
          res.json(session);
        } catch (error) {
          next(error);
        }
      });
      srv = await startServer(app);
    });
    afterAll(() => srv.close());

    it("returns the session after sign-in and null once signed out", async () => {
      const jar = new CookieJar();
      const email = uniqueEmail("me");
      const up = await request(srv.url)
        .post("/api/auth/sign-up/email")
        .send(signUpBody(email))
        .timeout(TIMEOUT);
      expect(up.status).toBe(200);

      const anonymous = await request(srv.url).get("/api/me").timeout(TIMEOUT);
      expect(anonymous.status).toBe(200);
      expect(anonymous.body).toBeNull();

      const signIn = await request(srv.url)
        .post("/api/auth/sign-in/email")
        .send({ email, password: signUpBody(email).password })
        .timeout(TIMEOUT);
      expect(signIn.status).toBe(200);
      jar.store(signIn.headers["set-cookie"]);

      const me = await request(srv.url).get("/api/me").set("Cookie", jar.header()).timeout(TIMEOUT);
      expect(me.status).toBe(200);
      expect(me.body.user).toMatchObject({ email, name: "Test User", emailVerified: false });
      expect(me.body.session).toMatchObject({ userId: me.body.user.id });
      expect(me.body.user).not.toHaveProperty("password");

      const out = await request(srv.url)
        .post("/api/auth/sign-out")
        .set("Cookie", jar.header())
        .set("Origin", srv.url)
        .timeout(TIMEOUT);
      expect(out.status).toBe(200);
      const stale = jar.header();
      jar.store(out.headers["set-cookie"]);
      expect(jar.header()).toBe("");

      const after = await request(srv.url).get("/api/me").set("Cookie", jar.header()).timeout(TIMEOUT);
      expect(after.body).toBeNull();
      // The old cookie no longer works either: the session row is gone.
      const replay = await request(srv.url).get("/api/me").set("Cookie", stale).timeout(TIMEOUT);
      expect(replay.body).toBeNull();
    });

    it("returns null for a tampered cookie", async () => {
      const me = await request(srv.url)
        .get("/api/me")
        .set("Cookie", "gatehouse.session_token=forged.value")
        .timeout(TIMEOUT);
      expect(me.status).toBe(200);
      expect(me.body).toBeNull();
    });
  },
);

describe.each(EXPRESS_VARIANTS)("client address on $name", (variant) => {
  const auth = testAuth();
  let srv: TestServer;

  beforeAll(async () => {
    const app = variant.express();
    app.use(variant.express.json());
    app.all(variant.wildcardRoutes[0]!, toNodeHandler(auth));
    // Server-side sign-in, the documented way: headers from fromNodeHeaders, cookies forwarded.
    app.post("/login", async (req, res, next) => {
      try {
        const { headers, response } = await auth.api.signInEmail({
          body: req.body,
          headers: fromNodeHeaders(req.headers),
          returnHeaders: true,
        });
        res.append("Set-Cookie", headers.getSetCookie());
        res.json(response);
      } catch (error) {
        next(error);
      }
    });
    srv = await startServer(app);
  });
  afterAll(() => srv.close());

  async function sessionIp(jar: CookieJar): Promise<unknown> {
    const res = await request(srv.url)
      .get("/api/auth/list-sessions")
      .set("Cookie", jar.header())
      .timeout(TIMEOUT);
    expect(res.status).toBe(200);
    return res.body[0]?.ipAddress;
  }

  it("records the socket address and ignores a client-sent x-gatehouse-client-ip (toNodeHandler)", async () => {
    const jar = new CookieJar();
    const res = await request(srv.url)
      .post("/api/auth/sign-up/email")
      .set("x-gatehouse-client-ip", "6.6.6.6")
      .send(signUpBody(uniqueEmail("ip")))
      .timeout(TIMEOUT);
    jar.store(res.headers["set-cookie"]);
    expect(await sessionIp(jar)).toMatch(/127\.0\.0\.1$/);
  });

  it("does not let a client-sent x-gatehouse-client-ip through fromNodeHeaders into auth.api", async () => {
    const email = uniqueEmail("ip-api");
    await request(srv.url).post("/api/auth/sign-up/email").send(signUpBody(email)).timeout(TIMEOUT);
    const jar = new CookieJar();
    const res = await request(srv.url)
      .post("/login")
      .set("x-gatehouse-client-ip", "6.6.6.6")
      .send({ email, password: signUpBody(email).password })
      .timeout(TIMEOUT);
    expect(res.status).toBe(200);
    jar.store(res.headers["set-cookie"]);
    expect(await sessionIp(jar)).not.toBe("6.6.6.6");
  });
});

describe("the address recorded on a session follows the rate-limit rule", () => {
  async function signedUpIp(auth: ReturnType<typeof testAuth>, headers: Record<string, string>) {
    const srv = await startServer(toNodeHandler(auth));
    try {
      const jar = new CookieJar();
      const res = await request(srv.url)
        .post("/api/auth/sign-up/email")
        .set(headers)
        .send(signUpBody(uniqueEmail("ip-rule")))
        .timeout(TIMEOUT);
      expect(res.status).toBe(200);
      jar.store(res.headers["set-cookie"]);
      const list = await request(srv.url)
        .get("/api/auth/list-sessions")
        .set("Cookie", jar.header())
        .timeout(TIMEOUT);
      return list.body[0]?.ipAddress;
    } finally {
      await srv.close();
    }
  }

  it("with trustHost, a client-sent X-Forwarded-For is still not the session's address", async () => {
    const ip = await signedUpIp(testAuth({ trustHost: true }), { "x-forwarded-for": "6.6.6.6" });
    expect(ip).toMatch(/127\.0\.0\.1$/);
  });

  it("auth.api with trustHost does not take the address from a forwarded header either", async () => {
    const auth = testAuth({ trustHost: true });
    const { headers } = await auth.api.signUpEmail({
      body: signUpBody(uniqueEmail("ip-api-rule")),
      headers: new Headers({ "x-forwarded-for": "6.6.6.6" }),
      returnHeaders: true,
    });
    const cookie = headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; ");
    const sessions = await auth.api.listSessions({ headers: new Headers({ cookie }) });
    expect(sessions[0]?.ipAddress ?? null).toBeNull();
  });

  it("a header named in advanced.ipAddress.ipAddressHeaders is (its last entry)", async () => {
    const auth = testAuth({ advanced: { ipAddress: { ipAddressHeaders: ["x-real-ip"] } } });
    expect(await signedUpIp(auth, { "x-real-ip": "6.6.6.6, 203.0.113.9" })).toBe("203.0.113.9");
  });
});
