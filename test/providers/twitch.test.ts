import { afterEach, describe, expect, it } from "vitest";
import Twitch from "../../src/providers/twitch.js";
import { signInThrough } from "../helpers/oauth-flow.js";
import { type StandIn, startStandIn } from "../helpers/provider-stand-in.js";

let standIn: StandIn | undefined;
afterEach(() => standIn?.close());

describe("Twitch preset", () => {
  it("requests its claims by name, posts the secret and accepts Twitch's scope array", async () => {
    standIn = await startStandIn({
      clientId: "twitch-id",
      clientSecret: "twitch-secret",
      oidc: true,
      idTokenClaims: {
        sub: "713936733",
        azp: "twitch-id",
        preferred_username: "streamer_one",
        email: "streamer@twitch.example",
        email_verified: true,
        picture: "https://static-cdn.jtvnw.example/user-default-pictures/profile_image-300x300.png",
      },
      // Twitch's token response, as documented: `scope` is an array, `token_type` lower-case.
      tokenResponse: { scope: ["openid", "user:read:email"], token_type: "bearer", expires_in: 14124 },
    });
    const { flow, user, accounts } = await signInThrough(
      Twitch({ clientId: "twitch-id", clientSecret: "twitch-secret", issuer: standIn.url }),
    );
    const claims = JSON.parse(flow.authorizationURL.searchParams.get("claims") ?? "{}");
    expect(Object.keys(claims.id_token)).toEqual([
      "email",
      "email_verified",
      "picture",
      "preferred_username",
    ]);
    expect(standIn.requests.find((r) => r.path === "/token")?.form.get("client_secret")).toBe(
      "twitch-secret",
    );
    expect(flow.final.headers.get("location")).toBe("/dashboard");
    expect(user).toMatchObject({
      name: "streamer_one",
      email: "streamer@twitch.example",
      emailVerified: true,
      image: "https://static-cdn.jtvnw.example/user-default-pictures/profile_image-300x300.png",
    });
    expect(accounts).toEqual([
      expect.objectContaining({
        providerId: "twitch",
        accountId: "713936733",
        scopes: ["openid", "user:read:email"],
      }),
    ]);
  });
});
