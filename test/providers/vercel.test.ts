import { afterEach, describe, expect, it } from "vitest";
import Vercel from "../../src/providers/vercel.js";
import { Client, makeAuth } from "../core/harness.js";
import { signInWithProvider } from "../helpers/oauth-flow.js";
import { type StandIn, startStandIn } from "../helpers/provider-stand-in.js";

let standIn: StandIn | undefined;
afterEach(() => standIn?.close());

describe("Vercel preset", () => {
  it("signs in from the ID token claims, leaving the email unverified without email_verified", async () => {
    standIn = await startStandIn({
      clientId: "cl_be6c3c8b9f340d4a",
      clientSecret: "vercel-secret",
      oidc: true,
      // The documented ID token payload (made-up values); iss, aud, iat, exp, nonce are filled in.
      idTokenClaims: {
        sub: "345e869043f1e55f8bdc837c",
        nbf: Math.floor(Date.now() / 1000) - 5,
        jti: "50e67781-c8b6-4391-98d1-89d755bb095a",
        name: "John Doe",
        preferred_username: "john-doe",
        picture: "https://vercel.example.test/api/www/avatar/00159aa4",
        email: "john@example.test",
      },
    });
    const provider = Vercel({
      clientId: "cl_be6c3c8b9f340d4a",
      clientSecret: "vercel-secret",
      issuer: standIn.url,
    });
    const client = new Client(makeAuth({ providers: [provider] }).auth);
    const flow = await signInWithProvider(client, { provider: "vercel", callbackURL: "/dashboard" });
    expect(flow.authorizationURL.searchParams.get("scope")).toBe("openid email profile");
    expect(flow.authorizationURL.searchParams.get("code_challenge_method")).toBe("S256");
    expect(flow.final.headers.get("location")).toBe("/dashboard");
    const session = await client.getSession();
    expect(session.body.user).toMatchObject({
      name: "John Doe",
      email: "john@example.test",
      emailVerified: false,
      image: "https://vercel.example.test/api/www/avatar/00159aa4",
    });
    const accounts = await client.get("/list-accounts");
    expect(accounts.body).toEqual([
      expect.objectContaining({ providerId: "vercel", accountId: "345e869043f1e55f8bdc837c" }),
    ]);
  });
});
