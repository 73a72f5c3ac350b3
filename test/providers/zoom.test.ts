import { afterEach, describe, expect, it } from "vitest";
import Zoom from "../../src/providers/zoom.js";
import { signInThrough } from "../helpers/oauth-flow.js";
import { type StandIn, startStandIn } from "../helpers/provider-stand-in.js";

let standIn: StandIn | undefined;
afterEach(() => standIn?.close());

describe("Zoom preset", () => {
  it("sends no scope (scopes live on the app), authenticates with Basic and reads /v2/users/me", async () => {
    standIn = await startStandIn({
      clientId: "zoom-id",
      clientSecret: "zoom-secret",
      tokenResponse: { scope: "user:read:user" },
      routes: {
        "GET /v2/users/me": {
          id: "KDcuGIm1QgePTO8WbOqwIQ",
          first_name: "Jill",
          last_name: "Chill",
          display_name: "Jill Chill",
          email: "jchill@zoom.example",
          type: 1,
          pmi: 3542471135,
          timezone: "Asia/Shanghai",
          verified: 1,
          dept: "",
          pic_url: "https://example.zoom.us/p/v2/pic.jpg",
          account_id: "q6gBJVO5TzexKYTb_I2rpg",
          status: "active",
        },
      },
    });
    const { flow, user, accounts } = await signInThrough(
      Zoom({
        clientId: "zoom-id",
        clientSecret: "zoom-secret",
        authorization: standIn.authorizeURL,
        token: standIn.tokenURL,
        userinfo: `${standIn.url}/v2/users/me`,
      }),
    );
    expect(flow.authorizationURL.searchParams.has("scope")).toBe(false);
    expect(standIn.requests.find((r) => r.path === "/token")?.headers.get("authorization")).toMatch(
      /^Basic /,
    );
    expect(user).toMatchObject({
      name: "Jill Chill",
      email: "jchill@zoom.example",
      emailVerified: false,
      image: "https://example.zoom.us/p/v2/pic.jpg",
    });
    expect(accounts).toEqual([
      expect.objectContaining({ providerId: "zoom", accountId: "KDcuGIm1QgePTO8WbOqwIQ" }),
    ]);
  });
});
