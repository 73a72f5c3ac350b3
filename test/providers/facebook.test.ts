import { afterEach, describe, expect, it } from "vitest";
import Facebook from "../../src/providers/facebook.js";
import { signInThrough } from "../helpers/oauth-flow.js";
import { type StandIn, type StandInRequest, startStandIn } from "../helpers/provider-stand-in.js";

let standIn: StandIn | undefined;
afterEach(() => standIn?.close());

describe("Facebook preset", () => {
  it("reads /me with the fields it needs, sending the client secret in the body", async () => {
    standIn = await startStandIn({
      clientId: "fb-app",
      clientSecret: "fb-secret",
      // The access token endpoint answers access_token, token_type and expires_in.
      tokenResponse: {
        token_type: "bearer",
        expires_in: 5183944,
        refresh_token: undefined,
        scope: undefined,
      },
      routes: {
        "GET /me": (req: StandInRequest) =>
          req.query.get("fields")?.includes("email")
            ? {
                id: "10223344556677889",
                name: "Sam Rivera",
                email: "sam@fb.example",
                picture: {
                  data: {
                    height: 320,
                    width: 320,
                    is_silhouette: false,
                    url: "https://scontent.example/p320.jpg",
                  },
                },
              }
            : { id: "10223344556677889", name: "Sam Rivera" },
      },
    });
    const { flow, user, accounts } = await signInThrough(
      Facebook({
        clientId: "fb-app",
        clientSecret: "fb-secret",
        authorization: standIn.authorizeURL,
        token: standIn.tokenURL,
        userinfo: `${standIn.url}/me`,
      }),
    );
    expect(flow.authorizationURL.searchParams.get("scope")).toBe("email public_profile");
    expect(standIn.requests.find((r) => r.path === "/token")?.form.get("client_secret")).toBe("fb-secret");
    expect(user).toMatchObject({
      name: "Sam Rivera",
      email: "sam@fb.example",
      // Facebook does not document the email as verified.
      emailVerified: false,
      image: "https://scontent.example/p320.jpg",
    });
    expect(accounts).toEqual([
      expect.objectContaining({ providerId: "facebook", accountId: "10223344556677889" }),
    ]);
  });

  it("uses Graph API URLs of one version", () => {
    const config = Facebook();
    const version = String(config.authorization).match(/\/(v\d+\.\d+)\//)?.[1];
    expect(version).toBeDefined();
    expect(config.token).toBe(`https://graph.facebook.com/${version}/oauth/access_token`);
    expect(config.userinfo).toMatchObject({ url: `https://graph.facebook.com/${version}/me` });
  });
});
