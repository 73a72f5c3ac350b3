import cors from "cors";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toNodeHandler } from "../../src/node/index.js";
import {
  CookieJar,
  EXPRESS_VARIANTS,
  signUpBody,
  startServer,
  type TestServer,
  testAuth,
  uniqueEmail,
} from "../helpers/http.js";

const FRONT_END = "https://app.example.com";

describe.each(EXPRESS_VARIANTS)("CORS with credentials, as the README shows it ($name)", (variant) => {
  let server: TestServer;

  beforeAll(async () => {
    const auth = testAuth({ trustedOrigins: [FRONT_END] });
    const app = variant.express();
    app.use("/api/auth", cors({ origin: FRONT_END, credentials: true }));
    app.all(variant.wildcardRoutes[0]!, toNodeHandler(auth));
    server = await startServer(app);
  });
  afterAll(() => server.close());

  it("answers the preflight for the trusted front end", async () => {
    const res = await fetch(`${server.url}/api/auth/sign-in/email`, {
      method: "OPTIONS",
      headers: {
        origin: FRONT_END,
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type",
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe(FRONT_END);
    expect(res.headers.get("access-control-allow-credentials")).toBe("true");
  });

  it("signs up and reads the session from the other origin, cookies included", async () => {
    const jar = new CookieJar();
    const email = uniqueEmail("cors");
    const signUp = await fetch(`${server.url}/api/auth/sign-up/email`, {
      method: "POST",
      headers: { origin: FRONT_END, "content-type": "application/json" },
      body: JSON.stringify(signUpBody(email)),
    });
    expect(signUp.status).toBe(200);
    expect(signUp.headers.get("access-control-allow-origin")).toBe(FRONT_END);
    jar.storeFrom(signUp);

    const session = await fetch(`${server.url}/api/auth/get-session`, {
      headers: { origin: FRONT_END, cookie: jar.header() },
    });
    expect(session.headers.get("access-control-allow-credentials")).toBe("true");
    expect(((await session.json()) as { user: { email: string } }).user.email).toBe(email);

    const signOut = await fetch(`${server.url}/api/auth/sign-out`, {
      method: "POST",
      headers: { origin: FRONT_END, cookie: jar.header() },
    });
    expect(signOut.status).toBe(200);
  });

  it("refuses a state-changing request with cookies from an origin that is not trusted", async () => {
    const jar = new CookieJar();
    const signUp = await fetch(`${server.url}/api/auth/sign-up/email`, {
      method: "POST",
      headers: { origin: FRONT_END, "content-type": "application/json" },
      body: JSON.stringify(signUpBody(uniqueEmail("cors-evil"))),
    });
    jar.storeFrom(signUp);
    const res = await fetch(`${server.url}/api/auth/sign-out`, {
      method: "POST",
      headers: { origin: "https://evil.example", cookie: jar.header() },
    });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ code: "INVALID_ORIGIN" });
    // cors names only the trusted front end, so the browser on evil.example cannot read the answer either.
    expect(res.headers.get("access-control-allow-origin")).not.toBe("https://evil.example");
  });
});
