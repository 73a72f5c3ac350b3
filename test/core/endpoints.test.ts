import { describe, expect, it } from "vitest";
import { AuthError, isAuthError } from "../../src/index.js";
import { API, Client, PASSWORD, SESSION_COOKIE, makeAuth, setCookie, uniqueEmail } from "./harness.js";

describe("auth.api: one endpoint, three ways", () => {
  const { auth } = makeAuth();

  it("signUpEmail returns { token, user }", async () => {
    const email = uniqueEmail("api");
    const result = await auth.api.signUpEmail({ body: { name: "Api", email, password: PASSWORD } });
    expect(typeof result.token).toBe("string");
    expect(result.token!.length).toBeGreaterThanOrEqual(43);
    expect(result.user).toMatchObject({ name: "Api", email, emailVerified: false });
    expect(result.user).not.toHaveProperty("password");
  });

  it("asResponse: true returns a Response with the JSON and Set-Cookie", async () => {
    const email = uniqueEmail("api");
    const res = await auth.api.signUpEmail({
      body: { name: "Api", email, password: PASSWORD },
      asResponse: true,
    });
    expect(res).toBeInstanceOf(Response);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/json");
    const json = await res.json();
    expect(json.user.email).toBe(email);
    expect(setCookie(res, SESSION_COOKIE)).toBeDefined();
  });

  it("returnHeaders: true returns { headers, response } with set-cookie", async () => {
    const email = uniqueEmail("api");
    const out = await auth.api.signUpEmail({
      body: { name: "Api", email, password: PASSWORD },
      returnHeaders: true,
    });
    expect(out.headers).toBeInstanceOf(Headers);
    expect(out.response.user.email).toBe(email);
    const cookie = setCookie(out.headers, SESSION_COOKIE);
    expect(cookie).toBeDefined();
    expect(cookie!.value.startsWith(`${out.response.token}.`)).toBe(true);
    // The forwarded cookie works for getSession.
    const session = await auth.api.getSession({ headers: { cookie: `${SESSION_COOKIE}=${cookie!.value}` } });
    expect(session?.user.email).toBe(email);
  });

  it("errors are thrown as AuthError with code and status", async () => {
    const err = await auth.api
      .signInEmail({ body: { email: uniqueEmail("nobody"), password: PASSWORD } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect(isAuthError(err)).toBe(true);
    expect((err as AuthError).code).toBe("INVALID_EMAIL_OR_PASSWORD");
    expect((err as AuthError).status).toBe(401);
  });

  it("asResponse turns an error into its JSON response", async () => {
    const res = await auth.api.signInEmail({
      body: { email: uniqueEmail("nobody"), password: PASSWORD },
      asResponse: true,
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ code: "INVALID_EMAIL_OR_PASSWORD" });
  });

  it("VALIDATION_ERROR names the field (api and HTTP)", async () => {
    const err = (await auth.api
      .signUpEmail({ body: { name: "X", email: "not-an-email", password: PASSWORD } })
      .catch((e: unknown) => e)) as AuthError;
    expect(err.code).toBe("VALIDATION_ERROR");
    expect(err.status).toBe(400);
    expect(err.message).toContain("body.email");
    expect(err.details?.field).toBe("body.email");

    const res = await new Client(auth).post("/sign-up/email", { email: uniqueEmail(), password: PASSWORD });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("VALIDATION_ERROR");
    expect(res.body.field).toBe("body.name");
    expect(res.body.message).toContain("body.name");
  });

  it("getSession without cookies is null, not an error", async () => {
    expect(await auth.api.getSession({ headers: new Headers() })).toBeNull();
  });
});

describe("HTTP surface: auth.handler", () => {
  const { auth } = makeAuth();
  const client = new Client(auth);

  it("GET /ok", async () => {
    const res = await client.get("/ok");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true });
    expect(res.headers.get("cache-control")).toBe("no-store");
  });

  it("HEAD /ok answers without a body", async () => {
    const res = await client.request("HEAD", "/ok");
    expect(res.status).toBe(200);
    expect(await res.response.text()).toBe("");
  });

  it("404 for unknown paths and paths outside basePath", async () => {
    for (const url of [`${API}/nope`, "http://localhost:3000/elsewhere/ok", `${API}/ok/extra`]) {
      const res = await client.get(url);
      expect(res.status, url).toBe(404);
      expect(res.body.code).toBe("NOT_FOUND");
    }
  });

  it("405 with Allow for a wrong method", async () => {
    const res = await client.get("/sign-up/email");
    expect(res.status).toBe(405);
    expect(res.body.code).toBe("METHOD_NOT_ALLOWED");
    expect(res.headers.get("allow")).toBe("POST");
    const put = await client.request("PUT", "/get-session");
    expect(put.status).toBe(405);
    expect(put.headers.get("allow")).toContain("GET");
  });

  it("413 for a body over 1 MiB (streamed and declared)", async () => {
    const big = JSON.stringify({ name: "x".repeat(1024 * 1024), email: uniqueEmail(), password: PASSWORD });
    const streamed = await auth.handler(
      new Request(`${API}/sign-up/email`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: big,
      }),
    );
    expect(streamed.status).toBe(413);
    expect((await streamed.json()).code).toBe("PAYLOAD_TOO_LARGE");

    const declared = await auth.handler(
      new Request(`${API}/sign-up/email`, {
        method: "POST",
        headers: { "content-type": "application/json", "content-length": String(2 * 1024 * 1024) },
        body: "{}",
      }),
    );
    expect(declared.status).toBe(413);
  });

  it("a body of exactly 1 MiB is read (then fails validation, not size)", async () => {
    const prefix = '{"name":"';
    const suffix = '"}';
    const body = prefix + "x".repeat(1024 * 1024 - prefix.length - suffix.length) + suffix;
    expect(Buffer.byteLength(body)).toBe(1024 * 1024);
    const exact = await auth.handler(
      new Request(`${API}/sign-up/email`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
      }),
    );
    expect(exact.status).toBe(400);
    expect((await exact.json()).code).toBe("VALIDATION_ERROR");
  });

  it("415 for an unsupported content type", async () => {
    const res = await auth.handler(
      new Request(`${API}/sign-in/email`, {
        method: "POST",
        headers: { "content-type": "application/xml" },
        body: "<x/>",
      }),
    );
    expect(res.status).toBe(415);
    expect((await res.json()).code).toBe("UNSUPPORTED_MEDIA_TYPE");
  });

  it("400 INVALID_JSON for broken JSON", async () => {
    const res = await auth.handler(
      new Request(`${API}/sign-in/email`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: '{"email":',
      }),
    );
    expect(res.status).toBe(400);
    expect((await res.json()).code).toBe("INVALID_JSON");
  });

  it("form-urlencoded bodies are accepted", async () => {
    const email = uniqueEmail("form");
    const res = await auth.handler(
      new Request(`${API}/sign-up/email`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ name: "Form", email, password: PASSWORD }).toString(),
      }),
    );
    expect(res.status).toBe(200);
    expect((await res.json()).user.email).toBe(email);
  });

  it("GET /error?error=X returns an HTML page that escapes the input", async () => {
    const ok = await client.get("/error?error=ACCESS_DENIED");
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-type")).toContain("text/html");
    expect(ok.body).toContain("ACCESS_DENIED");

    const evil = '<script>alert("x")</script>&"\'';
    const res = await client.get(`/error?error=${encodeURIComponent(evil)}`);
    expect(res.status).toBe(200);
    expect(res.body).not.toContain("<script>");
    expect(res.body).not.toContain('alert("x")');
    expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");

    const none = await client.get("/error");
    expect(none.body).toContain("UNKNOWN");
  });

  it("internal errors are answered with a generic code and logged", async () => {
    const { auth: failing, logger } = makeAuth({
      hooks: {
        before: () => {
          throw new Error("database password is hunter2");
        },
      },
    });
    const res = await new Client(failing).get("/ok");
    expect(res.status).toBe(500);
    expect(res.body.code).toBe("INTERNAL_SERVER_ERROR");
    expect(JSON.stringify(res.body)).not.toContain("hunter2");
    expect(logger.lines.some((l) => l.level === "error")).toBe(true);
  });

  it("a custom basePath moves the routes", async () => {
    const { auth: custom } = makeAuth({ basePath: "/auth/" });
    expect(custom.$context.basePath).toBe("/auth");
    expect((await new Client(custom, { base: "http://localhost:3000/auth" }).get("/ok")).status).toBe(200);
    expect((await new Client(custom).get("/ok")).status).toBe(404);
  });
});
