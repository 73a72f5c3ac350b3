import { afterEach, describe, expect, it } from "vitest";
import Cognito from "../../src/providers/cognito.js";
import { signInThrough } from "../helpers/oauth-flow.js";
import { type StandIn, startStandIn } from "../helpers/provider-stand-in.js";

let standIn: StandIn | undefined;
afterEach(() => standIn?.close());

describe("Cognito preset", () => {
  it("signs in against a user pool's issuer, naming the user by cognito:username", async () => {
    standIn = await startStandIn({
      clientId: "cognito-app",
      clientSecret: "cognito-secret",
      oidc: true,
      // A user pool ID token, as in the Cognito developer guide.
      idTokenClaims: {
        sub: "aaaaaaaa-bbbb-cccc-dddd-example",
        "cognito:groups": ["admin"],
        email_verified: true,
        "cognito:username": "janedoe",
        origin_jti: "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
        event_id: "cccccccc-dddd-eeee-ffff-aaaaaaaaaaaa",
        token_use: "id",
        auth_time: Math.floor(Date.now() / 1000),
        email: "janedoe@cognito.example",
      },
    });
    const { user, accounts } = await signInThrough(
      Cognito({ clientId: "cognito-app", clientSecret: "cognito-secret", issuer: standIn.url }),
    );
    expect(user).toMatchObject({ name: "janedoe", email: "janedoe@cognito.example", emailVerified: true });
    expect(accounts).toEqual([
      expect.objectContaining({ providerId: "cognito", accountId: "aaaaaaaa-bbbb-cccc-dddd-example" }),
    ]);
  });
});
