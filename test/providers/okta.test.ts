import { afterEach, describe, expect, it } from "vitest";
import Okta from "../../src/providers/okta.js";
import { signInThrough } from "../helpers/oauth-flow.js";
import { type StandIn, startStandIn } from "../helpers/provider-stand-in.js";

let standIn: StandIn | undefined;
afterEach(() => standIn?.close());

describe("Okta preset", () => {
  it("reads the profile from userinfo, since Okta's ID token leaves the profile claims out", async () => {
    const sub = "00uid4BxXw6I6TV4m0g3";
    standIn = await startStandIn({
      clientId: "okta-id",
      clientSecret: "okta-secret",
      oidc: true,
      // Base claims only, as Okta issues them next to an access token.
      idTokenClaims: { sub, ver: 1, auth_time: Math.floor(Date.now() / 1000), amr: ["pwd"], idp: "00o1" },
      routes: {
        "GET /userinfo": {
          sub,
          name: "John Doe",
          nickname: "Jimmy",
          given_name: "John",
          middle_name: "James",
          family_name: "Doe",
          preferred_username: "john.doe@okta.example",
          zoneinfo: "America/Los_Angeles",
          locale: "en-US",
          updated_at: 1311280970,
          email: "john.doe@okta.example",
          email_verified: true,
        },
      },
    });
    const { user, accounts } = await signInThrough(
      Okta({ clientId: "okta-id", clientSecret: "okta-secret", issuer: standIn.url }),
    );
    expect(user).toMatchObject({
      name: "John Doe",
      email: "john.doe@okta.example",
      emailVerified: true,
      image: null,
    });
    expect(accounts).toEqual([expect.objectContaining({ providerId: "okta", accountId: sub })]);
    expect(standIn.requests.some((r) => r.path === "/userinfo")).toBe(true);
  });
});
