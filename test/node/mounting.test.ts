import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toNodeHandler } from "../../src/node/index.js";
import {
  EXPRESS_VARIANTS,
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

interface Mount {
  label: string;
  mount(app: ReturnType<ExpressVariant["express"]>, handler: ReturnType<typeof toNodeHandler>): void;
}

function mountsFor(variant: ExpressVariant): Mount[] {
  return [
    ...variant.wildcardRoutes.map((path) => ({
      label: `app.all("${path}")`,
      mount: (app: ReturnType<ExpressVariant["express"]>, h: ReturnType<typeof toNodeHandler>) =>
        void app.all(path, h),
    })),
    { label: `app.use("/api/auth")`, mount: (app, h) => void app.use("/api/auth", h) },
  ];
}

const cases = EXPRESS_VARIANTS.flatMap((variant) =>
  mountsFor(variant).map((mount) => ({ variant, mount, label: `${variant.name} ${mount.label}` })),
);

describe.each(cases)("toNodeHandler mounted with $label", ({ variant, mount }) => {
  const auth = testAuth();
  let srv: TestServer;

  beforeAll(async () => {
    const app = variant.express();
    mount.mount(app, toNodeHandler(auth));
    app.get("/", (_req, res) => void res.send("home"));
    srv = await startServer(app);
  });
  afterAll(() => srv.close());

  it("GET /api/auth/ok answers 200 { ok: true }", async () => {
    const res = await request(srv.url).get("/api/auth/ok").timeout(TIMEOUT);
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^application\/json/);
    expect(res.body).toEqual({ ok: true });
  });

  it("leaves the app's other routes alone", async () => {
    const res = await request(srv.url).get("/").timeout(TIMEOUT);
    expect(res.status).toBe(200);
    expect(res.text).toBe("home");
  });

  it("signs up then signs in, setting the session cookie each time", async () => {
    const email = uniqueEmail(variant.name);
    const up = await request(srv.url)
      .post("/api/auth/sign-up/email")
      .send(signUpBody(email))
      .timeout(TIMEOUT);
    expect(up.status).toBe(200);
    expect(up.body.user.email).toBe(email);
    expect(typeof up.body.token).toBe("string");
    const upCookie = parseSetCookies(up.headers["set-cookie"]).find((c) => c.name === SESSION_COOKIE);
    expect(upCookie?.value).toBeTruthy();
    expect(upCookie?.attributes).toHaveProperty("httponly");
    expect(upCookie?.attributes.samesite?.toLowerCase()).toBe("lax");
    expect(upCookie?.attributes).not.toHaveProperty("secure");

    const inRes = await request(srv.url)
      .post("/api/auth/sign-in/email")
      .send({ email, password: signUpBody(email).password })
      .timeout(TIMEOUT);
    expect(inRes.status).toBe(200);
    expect(inRes.body).toMatchObject({ redirect: false, user: { email } });
    const inCookie = parseSetCookies(inRes.headers["set-cookie"]).find((c) => c.name === SESSION_COOKIE);
    expect(inCookie?.value).toBeTruthy();
    // A new session on every sign-in.
    expect(inCookie?.value).not.toBe(upCookie?.value);

    const session = await request(srv.url)
      .get("/api/auth/get-session")
      .set("Cookie", `${SESSION_COOKIE}=${inCookie?.value}`)
      .timeout(TIMEOUT);
    expect(session.status).toBe(200);
    expect(session.body.user.email).toBe(email);
  });

  it("answers an unknown route with 404 { code: NOT_FOUND }", async () => {
    const res = await request(srv.url).get("/api/auth/does-not-exist").timeout(TIMEOUT);
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ code: "NOT_FOUND" });
    const deep = await request(srv.url).post("/api/auth/a/b/c").send({}).timeout(TIMEOUT);
    expect(deep.status).toBe(404);
    expect(deep.body).toMatchObject({ code: "NOT_FOUND" });
  });

  it("answers a wrong method with 405 and Allow", async () => {
    const get = await request(srv.url).get("/api/auth/sign-up/email").timeout(TIMEOUT);
    expect(get.status).toBe(405);
    expect(get.body).toMatchObject({ code: "METHOD_NOT_ALLOWED" });
    expect(get.headers.allow).toBe("POST");
    const post = await request(srv.url).post("/api/auth/ok").send({}).timeout(TIMEOUT);
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe("GET");
  });

  it("answers HEAD like GET, without a body", async () => {
    const res = await request(srv.url).head("/api/auth/ok").timeout(TIMEOUT);
    expect(res.status).toBe(200);
    expect(res.text ?? "").toBe("");
  });

  it("answers the mount point itself with 404 when the route reaches it", async () => {
    const res = await request(srv.url).get("/api/auth").timeout(TIMEOUT);
    // "*" and "*splat" need a segment after /api/auth, so Express's own 404 answers; "{*splat}" and use() reach Gatehouse.
    expect(res.status).toBe(404);
  });

  it("keeps the query string", async () => {
    const res = await request(srv.url).get("/api/auth/error?error=access_denied").timeout(TIMEOUT);
    expect(res.status).toBe(200);
    expect(res.text).toContain("access_denied");
  });
});
