import type { Request, Response } from "express";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuthOptions } from "../../src/core/options.js";
import { getSession } from "../../src/express/index.js";
import { toNodeHandler } from "../../src/node/index.js";
import {
  CookieJar,
  EXPRESS_VARIANTS,
  SECURE_SESSION_COOKIE,
  SESSION_COOKIE,
  parseSetCookies,
  signUpBody,
  startServer,
  testAuth,
  uniqueEmail,
  type ExpressVariant,
  type TestServer,
} from "../helpers/http.js";

const TIMEOUT = { response: 5_000, deadline: 10_000 };

async function serve(
  variant: ExpressVariant,
  options: { trustProxy: boolean; auth?: AuthOptions },
): Promise<TestServer> {
  const auth = testAuth(options.auth);
  const app = variant.express();
  if (options.trustProxy) app.set("trust proxy", true);
  app.use("/api/auth", toNodeHandler(auth));
  app.get("/me", async (req: Request, res: Response, next) => {
    try {
      res.json(await getSession(req, auth));
    } catch (error) {
      next(error);
    }
  });
  return startServer(app);
}

/** Signs up with the given forwarded headers; returns the session cookie and a jar holding it. */
async function signUp(url: string, headers: Record<string, string>) {
  const email = uniqueEmail("proxy");
  let req = request(url).post("/api/auth/sign-up/email");
  for (const [k, v] of Object.entries(headers)) req = req.set(k, v);
  const res = await req.send(signUpBody(email)).timeout(TIMEOUT);
  expect(res.status).toBe(200);
  const cookies = parseSetCookies(res.headers["set-cookie"]);
  const jar = new CookieJar();
  jar.store(res.headers["set-cookie"]);
  return { cookies, jar, email };
}

describe.each(EXPRESS_VARIANTS)("behind a proxy on $name", (variant) => {
  describe('app.set("trust proxy", true)', () => {
    let srv: TestServer;
    beforeAll(async () => {
      srv = await serve(variant, { trustProxy: true });
    });
    afterAll(() => srv.close());

    it("X-Forwarded-Proto: https gives __Secure- cookies with Secure", async () => {
      const { cookies } = await signUp(srv.url, { "X-Forwarded-Proto": "https" });
      const token = cookies.find((c) => c.name === SECURE_SESSION_COOKIE);
      expect(token?.value).toBeTruthy();
      expect(token?.attributes).toHaveProperty("secure");
      expect(cookies.some((c) => c.name === SESSION_COOKIE)).toBe(false);
      for (const c of cookies) expect(c.name.startsWith("__Secure-")).toBe(true);
    });

    it("getSession(req, auth) reads the __Secure- cookie on the same https request", async () => {
      const { jar, email } = await signUp(srv.url, { "X-Forwarded-Proto": "https" });
      const me = await request(srv.url)
        .get("/me")
        .set("X-Forwarded-Proto", "https")
        .set("Cookie", jar.header())
        .timeout(TIMEOUT);
      expect(me.body?.user?.email).toBe(email);
    });

    it("checks Origin against the https origin", async () => {
      const { jar } = await signUp(srv.url, { "X-Forwarded-Proto": "https" });
      const host = new URL(srv.url).host;
      const ok = await request(srv.url)
        .post("/api/auth/update-user")
        .set("X-Forwarded-Proto", "https")
        .set("Origin", `https://${host}`)
        .set("Cookie", jar.header())
        .send({ name: "Secure" })
        .timeout(TIMEOUT);
      expect(ok.status).toBe(200);
      const plain = await request(srv.url)
        .post("/api/auth/update-user")
        .set("X-Forwarded-Proto", "https")
        .set("Origin", srv.url)
        .set("Cookie", jar.header())
        .send({ name: "Plain" })
        .timeout(TIMEOUT);
      expect(plain.status).toBe(403);
      expect(plain.body.code).toBe("INVALID_ORIGIN");
    });

    it("without the header, cookies are plain", async () => {
      const { cookies } = await signUp(srv.url, {});
      const token = cookies.find((c) => c.name === SESSION_COOKIE);
      expect(token?.attributes).not.toHaveProperty("secure");
    });
  });

  describe("without trust proxy", () => {
    let srv: TestServer;
    beforeAll(async () => {
      srv = await serve(variant, { trustProxy: false });
    });
    afterAll(() => srv.close());

    it("ignores X-Forwarded-Proto (no Secure, no __Secure- prefix)", async () => {
      const { cookies, jar, email } = await signUp(srv.url, { "X-Forwarded-Proto": "https" });
      const token = cookies.find((c) => c.name === SESSION_COOKIE);
      expect(token?.value).toBeTruthy();
      expect(token?.attributes).not.toHaveProperty("secure");
      expect(cookies.some((c) => c.name.startsWith("__Secure-"))).toBe(false);
      const me = await request(srv.url)
        .get("/me")
        .set("X-Forwarded-Proto", "https")
        .set("Cookie", jar.header())
        .timeout(TIMEOUT);
      expect(me.body?.user?.email).toBe(email);
    });

    it("ignores X-Forwarded-Host in the origin check", async () => {
      const { jar } = await signUp(srv.url, {});
      const res = await request(srv.url)
        .post("/api/auth/update-user")
        .set("X-Forwarded-Host", "app.example")
        .set("X-Forwarded-Proto", "https")
        .set("Origin", "https://app.example")
        .set("Cookie", jar.header())
        .send({ name: "Nope" })
        .timeout(TIMEOUT);
      expect(res.status).toBe(403);
      expect(res.body.code).toBe("INVALID_ORIGIN");
    });
  });

  describe("createAuth({ trustHost: true }) without Express trust proxy", () => {
    let srv: TestServer;
    beforeAll(async () => {
      srv = await serve(variant, { trustProxy: false, auth: { trustHost: true } });
    });
    afterAll(() => srv.close());

    it("honours X-Forwarded-Proto in the core: __Secure- cookies with Secure", async () => {
      const { cookies } = await signUp(srv.url, {
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": "app.example",
      });
      const token = cookies.find((c) => c.name === SECURE_SESSION_COOKIE);
      expect(token?.value).toBeTruthy();
      expect(token?.attributes).toHaveProperty("secure");
    });

    it("honours X-Forwarded-Host/Proto in the origin check", async () => {
      const forwarded = { "X-Forwarded-Proto": "https", "X-Forwarded-Host": "app.example" };
      const { jar } = await signUp(srv.url, forwarded);
      const ok = await request(srv.url)
        .post("/api/auth/update-user")
        .set(forwarded)
        .set("Origin", "https://app.example")
        .set("Cookie", jar.header())
        .send({ name: "Forwarded" })
        .timeout(TIMEOUT);
      expect(ok.status).toBe(200);
      const direct = await request(srv.url)
        .post("/api/auth/update-user")
        .set(forwarded)
        .set("Origin", srv.url)
        .set("Cookie", jar.header())
        .send({ name: "Direct" })
        .timeout(TIMEOUT);
      expect(direct.status).toBe(403);
    });

    it("getSession(req, auth) reads the same cookie the core set", async () => {
      const forwarded = { "X-Forwarded-Proto": "https", "X-Forwarded-Host": "app.example" };
      const { jar, email } = await signUp(srv.url, forwarded);
      expect(jar.get(SECURE_SESSION_COOKIE)).toBeTruthy();
      const me = await request(srv.url)
        .get("/me")
        .set(forwarded)
        .set("Cookie", jar.header())
        .timeout(TIMEOUT);
      expect(me.body?.user?.email).toBe(email);
      // And through the core, for comparison.
      const core = await request(srv.url)
        .get("/api/auth/get-session")
        .set(forwarded)
        .set("Cookie", jar.header())
        .timeout(TIMEOUT);
      expect(core.body?.user?.email).toBe(email);
    });
  });

  describe("createAuth({ trustHost: false })", () => {
    let srv: TestServer;
    beforeAll(async () => {
      srv = await serve(variant, { trustProxy: false, auth: { trustHost: false } });
    });
    afterAll(() => srv.close());

    it("ignores X-Forwarded-Host/Proto in the core", async () => {
      const forwarded = { "X-Forwarded-Proto": "https", "X-Forwarded-Host": "app.example" };
      const { cookies, jar } = await signUp(srv.url, forwarded);
      expect(cookies.find((c) => c.name === SESSION_COOKIE)?.attributes).not.toHaveProperty("secure");
      const res = await request(srv.url)
        .post("/api/auth/update-user")
        .set(forwarded)
        .set("Origin", "https://app.example")
        .set("Cookie", jar.header())
        .send({ name: "Nope" })
        .timeout(TIMEOUT);
      expect(res.status).toBe(403);
    });
  });
});
