import { afterEach, describe, expect, it } from "vitest";
import GitLab from "../../src/providers/gitlab.js";
import { signInThrough } from "../helpers/oauth-flow.js";
import { type StandIn, startStandIn } from "../helpers/provider-stand-in.js";

let standIn: StandIn | undefined;
afterEach(() => standIn?.close());

describe("GitLab preset", () => {
  it("signs in against a self-managed issuer and reads the claims GitLab keeps out of the ID token", async () => {
    standIn = await startStandIn({
      clientId: "gitlab-app",
      clientSecret: "gitlab-secret",
      oidc: true,
      // GitLab's ID token carries few profile claims; userinfo has them all.
      idTokenClaims: { sub: "1234567", auth_time: Math.floor(Date.now() / 1000), sub_legacy: "2bd0f6a2" },
      routes: {
        "GET /userinfo": {
          sub: "1234567",
          sub_legacy: "2bd0f6a2",
          name: "Alex Kim",
          nickname: "alexk",
          preferred_username: "alexk",
          email: "alex@gitlab.example",
          email_verified: true,
          website: "",
          profile: "https://gitlab.example/alexk",
          picture: "https://gitlab.example/uploads/-/system/user/avatar/1234567/avatar.png",
          groups: ["team-a"],
        },
      },
    });
    const { flow, user, accounts } = await signInThrough(
      GitLab({ clientId: "gitlab-app", clientSecret: "gitlab-secret", issuer: standIn.url }),
    );
    expect(flow.authorizationURL.searchParams.get("scope")).toBe("openid profile email");
    expect(flow.final.headers.get("location")).toBe("/dashboard");
    expect(user).toMatchObject({
      name: "Alex Kim",
      email: "alex@gitlab.example",
      emailVerified: true,
      image: "https://gitlab.example/uploads/-/system/user/avatar/1234567/avatar.png",
    });
    expect(accounts).toEqual([expect.objectContaining({ providerId: "gitlab", accountId: "1234567" })]);
  });
});
