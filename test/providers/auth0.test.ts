import { afterEach, describe, expect, it } from "vitest";
import Auth0 from "../../src/providers/auth0.js";
import { makeAuth } from "../core/harness.js";
import { signInThrough } from "../helpers/oauth-flow.js";
import { type StandIn, startStandIn } from "../helpers/provider-stand-in.js";

let standIn: StandIn | undefined;
afterEach(() => standIn?.close());

describe("Auth0 preset", () => {
  it("signs in against the tenant's issuer with the ID token's claims", async () => {
    standIn = await startStandIn({
      clientId: "auth0-id",
      clientSecret: "auth0-secret",
      oidc: true,
      idTokenClaims: {
        sub: "auth0|64f0c0ffee",
        given_name: "Ana",
        family_name: "Lopez",
        nickname: "ana.lopez",
        name: "Ana Lopez",
        picture: "https://s.gravatar.example/avatar/ana.png",
        updated_at: "2026-11-20T10:00:00.000Z",
        email: "ana@auth0.example",
        email_verified: true,
      },
    });
    const { user, accounts } = await signInThrough(
      Auth0({ clientId: "auth0-id", clientSecret: "auth0-secret", issuer: standIn.url }),
    );
    expect(user).toMatchObject({
      name: "Ana Lopez",
      email: "ana@auth0.example",
      emailVerified: true,
      image: "https://s.gravatar.example/avatar/ana.png",
    });
    expect(accounts).toEqual([
      expect.objectContaining({ providerId: "auth0", accountId: "auth0|64f0c0ffee" }),
    ]);
  });

  it("has no issuer of its own: createAuth asks for one", () => {
    expect(Auth0().issuer).toBeUndefined();
    expect(() => makeAuth({ providers: [Auth0({ clientId: "id", clientSecret: "secret" })] })).toThrow(
      /AUTH_AUTH0_ISSUER/,
    );
  });
});
