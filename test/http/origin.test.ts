import { describe, expect, it } from "vitest";
import { checkOrigin, normalizeOrigin } from "../../src/http/origin.js";
import { Client, ORIGIN, PASSWORD, type TestAuth, makeAuth, uniqueEmail, withEnv } from "../core/harness.js";

describe("normalizeOrigin", () => {
  it.each([
    ["https://Example.COM:443/path?q#h", "https://example.com"],
    ["http://localhost:3000/", "http://localhost:3000"],
    ["http://example.com:80", "http://example.com"],
    ["https://example.com:8443", "https://example.com:8443"],
  ])("%s -> %s", (input, expected) => {
    expect(normalizeOrigin(input)).toBe(expected);
  });

  it.each([
    "javascript:alert(1)",
    "data:text/html,x",
    "ftp://example.com",
    "not a url",
    "",
    "null",
    "//example.com",
  ])("%s -> null", (input) => {
    expect(normalizeOrigin(input)).toBeNull();
  });
});

describe("checkOrigin (unit)", () => {
  const trusted = new Set(["http://localhost:3000", "https://app.example"]);
  const refused = (method: string, headers: Record<string, string>): string | null => {
    return checkOrigin(method, new Headers(headers), trusted)?.code ?? null;
  };

  it("safe methods are never checked", () => {
    for (const m of ["GET", "HEAD", "OPTIONS"])
      expect(refused(m, { origin: "https://evil.example", cookie: "a=b" })).toBeNull();
  });

  it("a trusted Origin passes, with or without cookies", () => {
    expect(refused("POST", { origin: "http://localhost:3000", cookie: "a=b" })).toBeNull();
    expect(refused("POST", { origin: "https://app.example" })).toBeNull();
    expect(refused("DELETE", { origin: "HTTPS://APP.EXAMPLE:443" })).toBeNull();
  });

  it("a foreign, null or malformed Origin is refused", () => {
    expect(refused("POST", { origin: "https://evil.example" })).toBe("INVALID_ORIGIN");
    expect(refused("POST", { origin: "https://app.example.evil.example", cookie: "a=b" })).toBe(
      "INVALID_ORIGIN",
    );
    expect(refused("POST", { origin: "null", cookie: "a=b" })).toBe("INVALID_ORIGIN");
    expect(refused("POST", { origin: "null" })).toBe("INVALID_ORIGIN");
    expect(refused("POST", { origin: "garbage" })).toBe("INVALID_ORIGIN");
    expect(refused("PUT", { origin: "http://localhost:3001" })).toBe("INVALID_ORIGIN");
  });

  it("Referer is the fallback when Origin is absent", () => {
    expect(refused("POST", { referer: "http://localhost:3000/settings?x=1", cookie: "a=b" })).toBeNull();
    expect(refused("POST", { referer: "https://evil.example/page", cookie: "a=b" })).toBe("INVALID_ORIGIN");
    // Origin wins over Referer.
    expect(refused("POST", { origin: "https://evil.example", referer: "http://localhost:3000/" })).toBe(
      "INVALID_ORIGIN",
    );
  });

  it("cookies without Origin/Referer are refused; a bare server-to-server call passes", () => {
    expect(refused("POST", { cookie: "a=b" })).toBe("INVALID_ORIGIN");
    expect(refused("POST", {})).toBeNull();
    expect(refused("POST", { "content-type": "application/json", authorization: "Bearer x" })).toBeNull();
  });

  it("browser fetch metadata without Origin is refused, same-origin passes", () => {
    expect(refused("POST", { "sec-fetch-site": "cross-site" })).toBe("INVALID_ORIGIN");
    expect(refused("POST", { "sec-fetch-site": "same-origin" })).toBeNull();
  });

  it("a cross-site navigation is refused even with a trusted Origin", () => {
    expect(
      refused("POST", {
        "sec-fetch-site": "cross-site",
        "sec-fetch-mode": "navigate",
        origin: "https://evil.example",
      }),
    ).toBe("CROSS_SITE_NAVIGATION");
    expect(refused("POST", { "sec-fetch-site": "cross-site", "sec-fetch-mode": "navigate" })).toBe(
      "CROSS_SITE_NAVIGATION",
    );
    expect(
      refused("POST", {
        "sec-fetch-site": "cross-site",
        "sec-fetch-mode": "cors",
        origin: "https://app.example",
      }),
    ).toBeNull();
  });
});

describe("origin protection through auth.handler", () => {
  async function signedInClient(auth: TestAuth): Promise<Client> {
    const client = new Client(auth);
    expect((await client.signUp(uniqueEmail("origin"))).status).toBe(200);
    return client;
  }
  const update = { name: "Changed" };

  it("a state-changing POST with cookies and a foreign Origin -> 403 INVALID_ORIGIN; own origin ok", async () => {
    const { auth } = makeAuth();
    const client = await signedInClient(auth);
    const evil = await client.post("/update-user", update, { headers: { origin: "https://evil.example" } });
    expect(evil.status).toBe(403);
    expect(evil.body.code).toBe("INVALID_ORIGIN");
    expect((await client.getSession()).body.user.name).toBe("Test User");
    expect((await client.post("/update-user", update)).status).toBe(200);
    expect((await client.getSession()).body.user.name).toBe("Changed");
  });

  it("sign-out cannot be forced cross-site", async () => {
    const { auth } = makeAuth();
    const client = await signedInClient(auth);
    expect(
      (await client.post("/sign-out", undefined, { headers: { origin: "https://evil.example" } })).status,
    ).toBe(403);
    expect((await client.getSession()).body).not.toBeNull();
  });

  it("sign-in from a foreign Origin (login CSRF) is refused even without cookies", async () => {
    const { auth } = makeAuth();
    const email = uniqueEmail();
    await auth.api.signUpEmail({ body: { name: "L", email, password: PASSWORD } });
    const res = await new Client(auth, { origin: "https://evil.example" }).signIn(email);
    expect(res.status).toBe(403);
    expect(res.body.code).toBe("INVALID_ORIGIN");
  });

  it("trustedOrigins and AUTH_TRUSTED_ORIGINS entries are accepted", async () => {
    const { auth } = makeAuth({ trustedOrigins: ["https://app.example"] });
    const client = await signedInClient(auth);
    expect(
      (await client.post("/update-user", update, { headers: { origin: "https://app.example" } })).status,
    ).toBe(200);

    const { auth: fromEnv } = await withEnv(
      { AUTH_TRUSTED_ORIGINS: "https://one.example, https://two.example:8443" },
      () => makeAuth(),
    );
    const envClient = await signedInClient(fromEnv);
    expect(
      (await envClient.post("/update-user", update, { headers: { origin: "https://two.example:8443" } }))
        .status,
    ).toBe(200);
    expect(
      (await envClient.post("/update-user", update, { headers: { origin: "https://two.example" } })).status,
    ).toBe(403);
  });

  it("cookies without Origin and Referer -> 403; the Referer fallback works", async () => {
    const { auth } = makeAuth();
    const client = await signedInClient(auth);
    const bare = await client.post("/update-user", update, { headers: { origin: null } });
    expect(bare.status).toBe(403);
    expect(bare.body.code).toBe("INVALID_ORIGIN");
    const referer = await client.post("/update-user", update, {
      headers: { origin: null, referer: `${ORIGIN}/settings` },
    });
    expect(referer.status).toBe(200);
    const evilReferer = await client.post("/update-user", update, {
      headers: { origin: null, referer: "https://evil.example/x" },
    });
    expect(evilReferer.status).toBe(403);
  });

  it("Origin: null -> 403", async () => {
    const { auth } = makeAuth();
    const client = await signedInClient(auth);
    const res = await client.post("/update-user", update, { headers: { origin: "null" } });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe("INVALID_ORIGIN");
  });

  it("no cookie and no browser headers (a server client) passes", async () => {
    const { auth } = makeAuth();
    const res = await auth.handler(
      new Request(`${ORIGIN}/api/auth/sign-up/email`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name: "S", email: uniqueEmail(), password: PASSWORD }),
      }),
    );
    expect(res.status).toBe(200);
  });

  it("Sec-Fetch-Site: cross-site + Sec-Fetch-Mode: navigate -> 403", async () => {
    const { auth } = makeAuth();
    const client = await signedInClient(auth);
    const res = await client.post("/update-user", update, {
      headers: { origin: ORIGIN, "sec-fetch-site": "cross-site", "sec-fetch-mode": "navigate" },
    });
    expect(res.status).toBe(403);
  });

  it("GET requests are not origin-checked", async () => {
    const { auth } = makeAuth();
    const client = await signedInClient(auth);
    const res = await client.get("/get-session", { headers: { origin: "https://evil.example" } });
    expect(res.status).toBe(200);
    expect(res.body).not.toBeNull();
  });

  it("auth.api calls (the server calling itself) skip the check", async () => {
    const { auth } = makeAuth();
    const client = await signedInClient(auth);
    const headers = client.jar.headers();
    headers.set("origin", "https://evil.example");
    await expect(auth.api.updateUser({ headers, body: update })).resolves.toEqual({ status: true });
  });

  it("advanced.disableOriginCheck turns the check off", async () => {
    const { auth } = makeAuth({ advanced: { disableOriginCheck: true } });
    const client = await signedInClient(auth);
    expect(
      (await client.post("/update-user", update, { headers: { origin: "https://evil.example" } })).status,
    ).toBe(200);
  });

  it("with baseURL, the request's own host is not what is trusted", async () => {
    const { auth } = makeAuth({ baseURL: "https://app.example" });
    const client = new Client(auth, { origin: "https://app.example" });
    expect((await client.signUp(uniqueEmail())).status).toBe(200);
    const res = await client.post("/update-user", update, { headers: { origin: ORIGIN } });
    expect(res.status).toBe(403);
  });
});
