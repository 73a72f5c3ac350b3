import { afterEach, describe, expect, it } from "vitest";
import Google from "../../src/providers/google.js";
import { signInThrough } from "../helpers/oauth-flow.js";
import { type StandIn, startStandIn } from "../helpers/provider-stand-in.js";

// ID token claims in the shape of Google's OpenID Connect reference.
const claims = {
  sub: "110169484474386276334",
  azp: "google-id.apps.googleusercontent.com",
  email: "jane.doe@gmail.com",
  email_verified: true,
  at_hash: "HK6E_P6Dh8Y93mRNtsDB1Q",
  name: "Jane Doe",
  picture: "https://lh3.googleusercontent.com/a/photo.jpg",
  given_name: "Jane",
  family_name: "Doe",
  locale: "en",
};

let standIn: StandIn | undefined;
afterEach(() => standIn?.close());

describe("Google preset", () => {
  it("signs in with the ID token's claims", async () => {
    standIn = await startStandIn({
      clientId: "google-id",
      clientSecret: "google-secret",
      oidc: true,
      issInResponse: true,
      idTokenClaims: claims,
    });
    const { flow, user, accounts } = await signInThrough(
      Google({ clientId: "google-id", clientSecret: "google-secret", issuer: standIn.url }),
    );
    expect(flow.authorizationURL.searchParams.get("scope")).toBe("openid email profile");
    expect(flow.authorizationURL.searchParams.get("nonce")).toBeTruthy();
    expect(flow.final.headers.get("location")).toBe("/dashboard");
    expect(user).toMatchObject({
      name: "Jane Doe",
      email: "jane.doe@gmail.com",
      emailVerified: true,
      image: claims.picture,
    });
    expect(accounts).toEqual([
      expect.objectContaining({
        providerId: "google",
        accountId: claims.sub,
        scopes: ["openid", "email", "profile"],
      }),
    ]);
    // The profile came from the ID token alone: no userinfo call.
    expect(standIn.requests.some((r) => r.path === "/userinfo")).toBe(false);
  });

  it("keeps an unverified email unverified and builds the name from its parts", async () => {
    const { name: _n, ...rest } = claims;
    standIn = await startStandIn({
      clientId: "google-id",
      clientSecret: "google-secret",
      oidc: true,
      idTokenClaims: { ...rest, email_verified: false },
    });
    const { user } = await signInThrough(
      Google({ clientId: "google-id", clientSecret: "google-secret", issuer: standIn.url }),
    );
    expect(user).toMatchObject({ name: "Jane Doe", email: "jane.doe@gmail.com", emailVerified: false });
  });
});
