import { describe, expect, it } from "vitest";
import { absoluteURL, isSafeRedirect } from "../../src/http/redirect.js";
import { Client, PASSWORD, type TestAuth, makeAuth, uniqueEmail } from "../core/harness.js";

const TRUSTED = new Set(["http://localhost:3000", "https://trusted.example"]);

const EVIL = [
  "//evil.example",
  "//evil.example/path",
  "/\\evil.example",
  "\\\\evil.example",
  "/\\/evil.example",
  "https://evil.example",
  "https://evil.example/?next=https://trusted.example",
  "javascript:alert(1)",
  "JavaScript:alert(1)",
  "data:text/html,<script>alert(1)</script>",
  "https://trusted@evil.example",
  "https://trusted.example@evil.example",
  "https://user:pass@trusted.example/",
  "https://trusted.example.evil.example",
  "http://trusted.example",
  "https://trusted.example:8443",
  "/\tevil",
  "/\n/evil.example",
  "\u0000/x",
  "https:\\\\evil.example",
  "https://trusted.example\\@evil.example",
  "ftp://trusted.example",
  "evil.example",
  "",
  `/${"a".repeat(2048)}`,
];

const SAFE = [
  "/",
  "/dashboard",
  "/dashboard?tab=1#top",
  "/a/b/../c",
  "/%2F%2Fencoded-stays-a-path",
  "https://trusted.example",
  "https://trusted.example/path?x=1",
  "HTTPS://TRUSTED.EXAMPLE:443/x",
  "http://localhost:3000/welcome",
];

describe("isSafeRedirect (unit)", () => {
  it.each(EVIL)("refuses %j", (target) => {
    expect(isSafeRedirect(target, TRUSTED)).toBe(false);
  });

  it.each(SAFE)("accepts %j", (target) => {
    expect(isSafeRedirect(target, TRUSTED)).toBe(true);
  });

  it("every accepted relative target resolves to the app's own origin", () => {
    for (const target of SAFE.filter((t) => t.startsWith("/"))) {
      expect(new URL(target, "http://localhost:3000").origin).toBe("http://localhost:3000");
    }
  });

  it("absoluteURL resolves against the origin", () => {
    expect(absoluteURL("/x?y=1", "https://app.example")).toBe("https://app.example/x?y=1");
    expect(absoluteURL("https://trusted.example/a", "https://app.example")).toBe("https://trusted.example/a");
  });
});

describe("callbackURL / redirectTo through the endpoints", () => {
  const { auth } = makeAuth({ trustedOrigins: ["https://trusted.example"] });
  const attacks = [
    "//evil.example",
    "/\\evil.example",
    "https://evil.example",
    "javascript:alert(1)",
    "https://trusted@evil.example",
  ];

  async function user(a: TestAuth): Promise<{ email: string; client: Client }> {
    const email = uniqueEmail("cb");
    const client = new Client(a);
    await client.signUp(email);
    return { email, client };
  }

  it.each(attacks)("sign-in callbackURL %j -> 403 INVALID_CALLBACK_URL, and no session", async (target) => {
    const { email } = await user(auth);
    const client = new Client(auth);
    const res = await client.signIn(email, PASSWORD, { callbackURL: target });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe("INVALID_CALLBACK_URL");
    expect(client.jar.cookies.size).toBe(0);
  });

  it.each(attacks)("sign-up callbackURL %j -> 403 INVALID_CALLBACK_URL", async (target) => {
    const res = await new Client(auth).signUp(uniqueEmail(), PASSWORD, { callbackURL: target });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe("INVALID_CALLBACK_URL");
  });

  it("with requireEmailVerification, a refused sign-up callbackURL creates no user and sends no mail", async () => {
    const { auth: verifying, mail } = makeAuth({
      emailAndPassword: { enabled: true, requireEmailVerification: true },
    });
    const email = uniqueEmail("half");
    const res = await new Client(verifying).signUp(email, PASSWORD, {
      callbackURL: "https://evil.example/landing",
    });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe("INVALID_CALLBACK_URL");
    expect(await verifying.$context.adapter.count({ model: "user" })).toBe(0);
    expect(mail.messages).toHaveLength(0);
    // The address is still free for a proper sign-up.
    expect((await new Client(verifying).signUp(email, PASSWORD, { callbackURL: "/welcome" })).status).toBe(
      200,
    );
  });

  it.each(attacks)("request-password-reset redirectTo %j -> 403 INVALID_REDIRECT_URL", async (target) => {
    const { email } = await user(auth);
    const res = await new Client(auth).post("/request-password-reset", { email, redirectTo: target });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe("INVALID_REDIRECT_URL");
  });

  it.each(attacks)(
    "verify-email, change-email, delete-user and send-verification-email refuse %j",
    async (target) => {
      const { email, client } = await user(auth);
      const enc = encodeURIComponent(target);
      const verify = await client.get(`/verify-email?token=${"a".repeat(43)}&callbackURL=${enc}`);
      expect(verify.status).toBe(403);
      expect(verify.body.code).toBe("INVALID_CALLBACK_URL");
      expect(
        (await client.post("/change-email", { newEmail: uniqueEmail(), callbackURL: target })).body.code,
      ).toBe("INVALID_CALLBACK_URL");
      expect((await client.post("/send-verification-email", { email, callbackURL: target })).body.code).toBe(
        "INVALID_CALLBACK_URL",
      );
      expect((await client.post("/delete-user", { password: PASSWORD, callbackURL: target })).body.code).toBe(
        "INVALID_CALLBACK_URL",
      );
      expect((await client.getSession()).body).not.toBeNull();
    },
  );

  it("relative and trusted absolute callbackURLs are accepted", async () => {
    const { email } = await user(auth);
    for (const target of [
      "/dashboard",
      "https://trusted.example/after-login",
      "http://localhost:3000/home",
    ]) {
      const res = await new Client(auth).signIn(email, PASSWORD, { callbackURL: target });
      expect(res.status, target).toBe(200);
      expect(res.body).toMatchObject({ redirect: true, url: target });
    }
    const reset = await new Client(auth).post("/request-password-reset", {
      email,
      redirectTo: "https://trusted.example/reset",
    });
    expect(reset.status).toBe(200);
  });
});
