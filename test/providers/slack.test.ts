import { afterEach, describe, expect, it } from "vitest";
import Slack from "../../src/providers/slack.js";
import { signInThrough } from "../helpers/oauth-flow.js";
import { type StandIn, startStandIn } from "../helpers/provider-stand-in.js";

let standIn: StandIn | undefined;
afterEach(() => standIn?.close());

describe("Slack preset", () => {
  it("signs in with the ID token and takes the Slack user id as the account id", async () => {
    standIn = await startStandIn({
      clientId: "slack-id",
      clientSecret: "slack-secret",
      oidc: true,
      // Claims as in "Sign in with Slack"; the token response also carries ok: true.
      idTokenClaims: {
        sub: "U0R7JM",
        "https://slack.com/user_id": "U0R7JM",
        "https://slack.com/team_id": "T0R7GR",
        email: "krane@slack-corp.example",
        email_verified: true,
        date_email_verified: 1622128723,
        locale: "en-US",
        name: "krane",
        picture: "https://secure.gravatar.example/avatar/bc.jpg",
        given_name: "",
        family_name: "",
        "https://slack.com/team_name": "kraneflannel",
        "https://slack.com/team_domain": "kraneflannel",
      },
      tokenResponse: { ok: true },
    });
    const { flow, user, accounts } = await signInThrough(
      Slack({ clientId: "slack-id", clientSecret: "slack-secret", issuer: standIn.url }),
    );
    expect(flow.authorizationURL.searchParams.get("scope")).toBe("openid profile email");
    expect(user).toMatchObject({
      name: "krane",
      email: "krane@slack-corp.example",
      emailVerified: true,
      image: "https://secure.gravatar.example/avatar/bc.jpg",
    });
    expect(accounts).toEqual([expect.objectContaining({ providerId: "slack", accountId: "U0R7JM" })]);
  });
});
