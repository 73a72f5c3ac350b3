import { afterEach, describe, expect, it } from "vitest";
import Keycloak from "../../src/providers/keycloak.js";
import { signInThrough } from "../helpers/oauth-flow.js";
import { type StandIn, startStandIn } from "../helpers/provider-stand-in.js";

let standIn: StandIn | undefined;
afterEach(() => standIn?.close());

describe("Keycloak preset", () => {
  it("signs in against a realm's issuer; a name-less user is named by preferred_username", async () => {
    standIn = await startStandIn({
      clientId: "kc-client",
      clientSecret: "kc-secret",
      oidc: true,
      issInResponse: true,
      idTokenClaims: {
        sub: "f1b2c3d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
        typ: "ID",
        azp: "kc-client",
        sid: "a1b2c3",
        acr: "1",
        email_verified: false,
        preferred_username: "jdoe",
        email: "jdoe@keycloak.example",
      },
    });
    const { flow, user, accounts } = await signInThrough(
      Keycloak({ clientId: "kc-client", clientSecret: "kc-secret", issuer: standIn.url }),
    );
    expect(flow.final.headers.get("location")).toBe("/dashboard");
    expect(user).toMatchObject({ name: "jdoe", email: "jdoe@keycloak.example", emailVerified: false });
    expect(accounts).toEqual([
      expect.objectContaining({ providerId: "keycloak", accountId: "f1b2c3d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d" }),
    ]);
  });
});
