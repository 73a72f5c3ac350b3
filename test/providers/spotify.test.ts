import { afterEach, describe, expect, it } from "vitest";
import Spotify from "../../src/providers/spotify.js";
import { signInThrough } from "../helpers/oauth-flow.js";
import { type StandIn, startStandIn } from "../helpers/provider-stand-in.js";

let standIn: StandIn | undefined;
afterEach(() => standIn?.close());

describe("Spotify preset", () => {
  it("reads /v1/me, takes the largest image and never marks the email verified", async () => {
    standIn = await startStandIn({
      clientId: "spotify-id",
      clientSecret: "spotify-secret",
      tokenResponse: { scope: "user-read-email" },
      routes: {
        "GET /v1/me": {
          country: "SE",
          display_name: "Lena",
          email: "lena@spotify.example",
          explicit_content: { filter_enabled: false, filter_locked: false },
          external_urls: { spotify: "https://open.spotify.com/user/lena" },
          followers: { href: null, total: 12 },
          href: "https://api.spotify.com/v1/users/lena",
          id: "lena",
          images: [
            { url: "https://i.scdn.example/image/large", height: 300, width: 300 },
            { url: "https://i.scdn.example/image/small", height: 64, width: 64 },
          ],
          product: "premium",
          type: "user",
          uri: "spotify:user:lena",
        },
      },
    });
    const { flow, user, accounts } = await signInThrough(
      Spotify({
        clientId: "spotify-id",
        clientSecret: "spotify-secret",
        authorization: standIn.authorizeURL,
        token: standIn.tokenURL,
        userinfo: `${standIn.url}/v1/me`,
      }),
    );
    expect(flow.authorizationURL.searchParams.get("scope")).toBe("user-read-email");
    expect(user).toMatchObject({
      name: "Lena",
      email: "lena@spotify.example",
      emailVerified: false,
      image: "https://i.scdn.example/image/large",
    });
    expect(accounts).toEqual([expect.objectContaining({ providerId: "spotify", accountId: "lena" })]);
  });
});
