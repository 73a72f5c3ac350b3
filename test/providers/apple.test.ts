import { exportPKCS8, generateKeyPair, jwtVerify } from "jose";
import { afterEach, describe, expect, it } from "vitest";
import Apple, { appleClientSecret } from "../../src/providers/apple.js";
import { signInThrough } from "../helpers/oauth-flow.js";
import { type StandIn, startStandIn } from "../helpers/provider-stand-in.js";

let standIn: StandIn | undefined;
afterEach(() => standIn?.close());

async function clientSecret(expiresIn?: number) {
  const { privateKey, publicKey } = await generateKeyPair("ES256", { extractable: true });
  const pem = await exportPKCS8(privateKey);
  const secret = await appleClientSecret({
    clientId: "com.example.web",
    teamId: "TEAM123456",
    keyId: "KEY7654321",
    privateKey: pem,
    expiresIn,
  });
  return { secret, publicKey };
}

describe("Apple preset", () => {
  it("signs in through a form_post callback with a JWT client secret sent in the body", async () => {
    const { secret } = await clientSecret();
    standIn = await startStandIn({
      clientId: "com.example.web",
      clientSecret: secret,
      oidc: true,
      // Apple's identity token sends email_verified / is_private_email as strings.
      idTokenClaims: {
        sub: "001234.5e201aec537347aeb79d23cbc345170a.1321",
        email: "x7k2@privaterelay.appleid.com",
        email_verified: "true",
        is_private_email: "true",
        auth_time: Math.floor(Date.now() / 1000),
        nonce_supported: true,
      },
      // First authorization only: the name arrives as a form field, not in the ID token.
      callbackParams: { user: JSON.stringify({ name: { firstName: "Jane", lastName: "Doe" } }) },
    });
    const { flow, user, accounts } = await signInThrough(
      Apple({ clientId: "com.example.web", clientSecret: secret, issuer: standIn.url }),
    );
    expect(flow.authorizationURL.searchParams.get("response_mode")).toBe("form_post");
    expect(flow.authorizationURL.searchParams.get("scope")).toBe("name email");
    expect(flow.final.headers.get("location")).toBe("/dashboard");
    const token = standIn.requests.find((r) => r.path === "/token")!;
    expect(token.headers.get("authorization")).toBeNull();
    expect(token.form.get("client_secret")).toBe(secret);
    expect(user).toMatchObject({
      email: "x7k2@privaterelay.appleid.com",
      emailVerified: true,
      image: null,
      // From the first authorization's `user` form field (not in the ID token).
      name: "Jane Doe",
    });
    expect(accounts).toEqual([
      expect.objectContaining({
        providerId: "apple",
        accountId: "001234.5e201aec537347aeb79d23cbc345170a.1321",
      }),
    ]);
  });

  it("appleClientSecret signs the claims Apple documents, and refuses lifetimes over six months", async () => {
    const { secret, publicKey } = await clientSecret(3600);
    const { payload, protectedHeader } = await jwtVerify(secret, publicKey, {
      issuer: "TEAM123456",
      audience: "https://appleid.apple.com",
      subject: "com.example.web",
    });
    expect(protectedHeader).toEqual({ alg: "ES256", kid: "KEY7654321" });
    expect(payload.exp! - payload.iat!).toBe(3600);
    await expect(clientSecret(15_777_001)).rejects.toThrow(TypeError);
  });
});
