import type { Request, Response } from "express";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Auth } from "../../src/create-auth.js";
import { authSession, getSession, requireAuth } from "../../src/express/index.js";
import { toNodeHandler } from "../../src/node/index.js";
import {
  CookieJar,
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

/** Signs a new user up through the mounted handler; returns a jar holding the session cookie. */
async function signedIn(url: string, name = "user"): Promise<{ jar: CookieJar; email: string }> {
  const email = uniqueEmail(name);
  const res = await request(url).post("/api/auth/sign-up/email").send(signUpBody(email)).timeout(TIMEOUT);
  expect(res.status).toBe(200);
  const jar = new CookieJar();
  jar.store(res.headers["set-cookie"]);
  expect(jar.get(SESSION_COOKIE)).toBeTruthy();
  return { jar, email };
}

function buildApp(variant: ExpressVariant, auth: Auth) {
  const app = variant.express();
  app.use("/api/auth", toNodeHandler(auth));

  // getSession(req, auth) in a route.
  app.get("/me", async (req: Request, res: Response, next) => {
    try {
      res.json(await getSession(req, auth));
    } catch (error) {
      next(error);
    }
  });
  // getSession(req, auth, res): a sliding renewal's cookies go on res.
  app.get("/me-renewing", async (req: Request, res: Response, next) => {
    try {
      res.json(await getSession(req, auth, res));
    } catch (error) {
      next(error);
    }
  });

  // authSession for templates, on a sub-app path.
  const pages = variant.express.Router();
  pages.use(authSession(auth));
  pages.get("/home", (req: Request, res: Response) => {
    const session = res.locals.session;
    const greeting = session ? `Hello, ${session.user.email}` : "Hello, stranger";
    res
      .type("html")
      .send(`<p>${greeting}</p><p>req.auth: ${req.auth === null ? "null" : req.auth ? "set" : "unset"}</p>`);
  });
  pages.get(
    "/whoami",
    requireAuth(auth),
    (req: Request, res: Response) =>
      void res.json({ userId: req.auth?.user.id, fromLocals: res.locals.session?.user.id }),
  );
  app.use("/pages", pages);

  // requireAuth on one route.
  app.get(
    "/dashboard",
    requireAuth(auth),
    (req: Request, res: Response) =>
      void res.json({ email: req.auth?.user.email, locals: res.locals.session?.user.email }),
  );
  app.post(
    "/dashboard",
    requireAuth(auth),
    (_req: Request, res: Response) => void res.json({ posted: true }),
  );
  app.get(
    "/custom",
    requireAuth(auth, { signInURL: "https://login.example/start?app=1" }),
    (_req: Request, res: Response) => void res.send("ok"),
  );

  // requireAuth on a whole router.
  const admin = variant.express.Router();
  admin.use(requireAuth(auth));
  admin.get(
    "/stats",
    (req: Request, res: Response) => void res.json({ stats: true, email: req.auth?.user.email }),
  );
  admin.post("/items", (_req: Request, res: Response) => void res.status(201).json({ created: true }));
  app.use("/admin", admin);
  return app;
}

describe.each(EXPRESS_VARIANTS)("Express glue on $name", (variant) => {
  const auth = testAuth();
  let srv: TestServer;

  beforeAll(async () => {
    srv = await startServer(buildApp(variant, auth));
  });
  afterAll(() => srv.close());

  describe("getSession(req, auth)", () => {
    it("returns null when signed out and the session when signed in", async () => {
      const anonymous = await request(srv.url).get("/me").timeout(TIMEOUT);
      expect(anonymous.status).toBe(200);
      expect(anonymous.body).toBeNull();

      const { jar, email } = await signedIn(srv.url, "gs");
      const me = await request(srv.url).get("/me").set("Cookie", jar.header()).timeout(TIMEOUT);
      expect(me.status).toBe(200);
      expect(me.body.user).toMatchObject({ email, name: "Test User" });
      expect(me.body.session.userId).toBe(me.body.user.id);
      expect(me.body.session).not.toHaveProperty("token", jar.get(SESSION_COOKIE));
    });

    it("returns null for a forged or unknown cookie", async () => {
      const forged = await request(srv.url)
        .get("/me")
        .set("Cookie", `${SESSION_COOKIE}=abc.def`)
        .timeout(TIMEOUT);
      expect(forged.body).toBeNull();
    });

    it("sets no cookie when the session is not due for renewal", async () => {
      const { jar } = await signedIn(srv.url, "norenew");
      const me = await request(srv.url).get("/me-renewing").set("Cookie", jar.header()).timeout(TIMEOUT);
      expect(me.body.user).toBeTruthy();
      expect(me.headers["set-cookie"]).toBeUndefined();
    });
  });

  describe("authSession(auth)", () => {
    it("puts null on res.locals.session and req.auth when signed out", async () => {
      const res = await request(srv.url).get("/pages/home").timeout(TIMEOUT);
      expect(res.status).toBe(200);
      expect(res.text).toBe("<p>Hello, stranger</p><p>req.auth: null</p>");
    });

    it("puts the session on res.locals.session and req.auth when signed in", async () => {
      const { jar, email } = await signedIn(srv.url, "locals");
      const res = await request(srv.url).get("/pages/home").set("Cookie", jar.header()).timeout(TIMEOUT);
      expect(res.status).toBe(200);
      expect(res.text).toBe(`<p>Hello, ${email}</p><p>req.auth: set</p>`);
    });

    it("lets a later requireAuth reuse req.auth", async () => {
      const { jar } = await signedIn(srv.url, "reuse");
      const res = await request(srv.url).get("/pages/whoami").set("Cookie", jar.header()).timeout(TIMEOUT);
      expect(res.status).toBe(200);
      expect(res.body.userId).toBeTruthy();
      expect(res.body.fromLocals).toBe(res.body.userId);
      const anonymous = await request(srv.url).get("/pages/whoami").timeout(TIMEOUT);
      expect(anonymous.status).toBe(401);
    });
  });

  describe("requireAuth(auth) on one route", () => {
    it("answers API requests with 401 { code: UNAUTHORIZED }", async () => {
      const res = await request(srv.url).get("/dashboard").set("Accept", "application/json").timeout(TIMEOUT);
      expect(res.status).toBe(401);
      expect(res.headers["content-type"]).toMatch(/^application\/json/);
      expect(res.headers["cache-control"]).toBe("no-store");
      expect(res.body).toEqual({ code: "UNAUTHORIZED", message: "Unauthorized" });
      const post = await request(srv.url)
        .post("/dashboard")
        .set("Accept", "text/html")
        .send({})
        .timeout(TIMEOUT);
      expect(post.status).toBe(401);
      const xhr = await request(srv.url)
        .get("/dashboard")
        .set("Accept", "text/html")
        .set("X-Requested-With", "XMLHttpRequest")
        .timeout(TIMEOUT);
      expect(xhr.status).toBe(401);
    });

    it("redirects a browser page load to /sign-in with callbackUrl", async () => {
      const res = await request(srv.url)
        .get("/dashboard?tab=2&x=a%20b")
        .set("Accept", "text/html,application/xhtml+xml,*/*;q=0.8")
        .redirects(0)
        .timeout(TIMEOUT);
      expect(res.status).toBe(302);
      const location = new URL(res.headers.location!, srv.url);
      expect(location.pathname).toBe("/sign-in");
      expect(location.origin).toBe(srv.url);
      expect(location.searchParams.get("callbackUrl")).toBe("/dashboard?tab=2&x=a%20b");
    });

    it("redirects to a custom absolute sign-in URL, keeping its query", async () => {
      const res = await request(srv.url)
        .get("/custom")
        .set("Accept", "text/html")
        .redirects(0)
        .timeout(TIMEOUT);
      expect(res.status).toBe(302);
      const location = new URL(res.headers.location!);
      expect(location.origin).toBe("https://login.example");
      expect(location.searchParams.get("app")).toBe("1");
      expect(location.searchParams.get("callbackUrl")).toBe("/custom");
    });

    it("passes when signed in", async () => {
      const { jar, email } = await signedIn(srv.url, "dash");
      const res = await request(srv.url)
        .get("/dashboard")
        .set("Cookie", jar.header())
        .set("Accept", "text/html")
        .timeout(TIMEOUT);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ email, locals: email });
    });
  });

  describe("requireAuth(auth) on a whole Router", () => {
    it("protects every route of the router", async () => {
      const get = await request(srv.url).get("/admin/stats").timeout(TIMEOUT);
      expect(get.status).toBe(401);
      expect(get.body.code).toBe("UNAUTHORIZED");
      const post = await request(srv.url).post("/admin/items").send({}).timeout(TIMEOUT);
      expect(post.status).toBe(401);
      const page = await request(srv.url)
        .get("/admin/stats?q=1")
        .set("Accept", "text/html")
        .redirects(0)
        .timeout(TIMEOUT);
      expect(page.status).toBe(302);
      expect(new URL(page.headers.location!, srv.url).searchParams.get("callbackUrl")).toBe(
        "/admin/stats?q=1",
      );
    });

    it("passes when signed in", async () => {
      const { jar, email } = await signedIn(srv.url, "admin");
      const get = await request(srv.url).get("/admin/stats").set("Cookie", jar.header()).timeout(TIMEOUT);
      expect(get.status).toBe(200);
      expect(get.body).toEqual({ stats: true, email });
      const post = await request(srv.url)
        .post("/admin/items")
        .set("Cookie", jar.header())
        .send({})
        .timeout(TIMEOUT);
      expect(post.status).toBe(201);
    });

    it("leaves routes outside the router open", async () => {
      const res = await request(srv.url).get("/pages/home").timeout(TIMEOUT);
      expect(res.status).toBe(200);
    });
  });
});

describe.each(EXPRESS_VARIANTS)("sliding renewal through the Express glue on $name", (variant) => {
  // updateAge 0: every read is due for renewal, so each one extends the expiry and re-sends the cookie.
  const auth = testAuth({ session: { expiresIn: 3600, updateAge: 0 } });
  let srv: TestServer;

  beforeAll(async () => {
    srv = await startServer(buildApp(variant, auth));
  });
  afterAll(() => srv.close());

  function renewedCookie(setCookie: string | string[] | undefined) {
    return parseSetCookies(setCookie).find((c) => c.name === SESSION_COOKIE);
  }

  it("getSession(req, auth, res) sets the renewed cookie", async () => {
    const { jar } = await signedIn(srv.url, "slide");
    const before = await request(srv.url).get("/me").set("Cookie", jar.header()).timeout(TIMEOUT);
    const firstExpiry = new Date(before.body.session.expiresAt).getTime();
    // Without `res`, there is nowhere to put the cookie.
    expect(before.headers["set-cookie"]).toBeUndefined();

    await new Promise((r) => setTimeout(r, 20));
    const res = await request(srv.url).get("/me-renewing").set("Cookie", jar.header()).timeout(TIMEOUT);
    expect(res.status).toBe(200);
    const cookie = renewedCookie(res.headers["set-cookie"]);
    expect(cookie?.value).toBe(jar.get(SESSION_COOKIE));
    expect(Number(cookie?.attributes["max-age"])).toBeGreaterThan(3500);
    expect(cookie?.attributes).toHaveProperty("httponly");
    expect(new Date(res.body.session.expiresAt).getTime()).toBeGreaterThan(firstExpiry);
  });

  it("authSession(auth) sets the renewed cookie", async () => {
    const { jar } = await signedIn(srv.url, "slide-mw");
    const res = await request(srv.url).get("/pages/home").set("Cookie", jar.header()).timeout(TIMEOUT);
    expect(res.status).toBe(200);
    expect(renewedCookie(res.headers["set-cookie"])?.value).toBe(jar.get(SESSION_COOKIE));
  });

  it("requireAuth(auth) sets the renewed cookie", async () => {
    const { jar } = await signedIn(srv.url, "slide-req");
    const res = await request(srv.url).get("/dashboard").set("Cookie", jar.header()).timeout(TIMEOUT);
    expect(res.status).toBe(200);
    expect(renewedCookie(res.headers["set-cookie"])?.value).toBe(jar.get(SESSION_COOKIE));
  });

  it("keeps a rememberMe: false session a browser-session cookie when renewing", async () => {
    const email = uniqueEmail("noremember");
    await request(srv.url).post("/api/auth/sign-up/email").send(signUpBody(email)).timeout(TIMEOUT);
    const signIn = await request(srv.url)
      .post("/api/auth/sign-in/email")
      .send({ email, password: signUpBody(email).password, rememberMe: false })
      .timeout(TIMEOUT);
    const jar = new CookieJar();
    jar.store(signIn.headers["set-cookie"]);
    expect(renewedCookie(signIn.headers["set-cookie"])?.attributes).not.toHaveProperty("max-age");
    const res = await request(srv.url).get("/me-renewing").set("Cookie", jar.header()).timeout(TIMEOUT);
    const cookie = renewedCookie(res.headers["set-cookie"]);
    expect(cookie?.value).toBe(jar.get(SESSION_COOKIE));
    expect(cookie?.attributes).not.toHaveProperty("max-age");
  });
});
