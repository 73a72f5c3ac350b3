import { afterEach, describe, expect, it } from "vitest";
import LinkedIn from "../../src/providers/linkedin.js";
import { signInThrough } from "../helpers/oauth-flow.js";
import { type StandIn, startStandIn } from "../helpers/provider-stand-in.js";

let standIn: StandIn | undefined;
afterEach(() => standIn?.close());

describe("LinkedIn preset", () => {
  it("reads the OIDC userinfo and ignores the nonce-less ID token", async () => {
    standIn = await startStandIn({
      clientId: "li-app",
      clientSecret: "li-secret",
      oidc: true,
      // LinkedIn's ID token has no nonce claim; an OpenID client would reject it.
      idTokenClaims: { sub: "782bbtaQ", nonce: undefined, email: "someone-else@linkedin.example" },
      routes: {
        "GET /v2/userinfo": {
          sub: "782bbtaQ",
          email_verified: true,
          name: "John Doe",
          locale: { country: "US", language: "en" },
          given_name: "John",
          family_name: "Doe",
          email: "doe@email.example",
          picture: "https://media.licdn.example/dms/image/photo.jpg",
        },
      },
    });
    const { flow, user, accounts } = await signInThrough(
      LinkedIn({
        clientId: "li-app",
        clientSecret: "li-secret",
        authorization: standIn.authorizeURL,
        token: standIn.tokenURL,
        userinfo: `${standIn.url}/v2/userinfo`,
      }),
    );
    expect(flow.authorizationURL.searchParams.get("scope")).toBe("openid profile email");
    expect(flow.authorizationURL.searchParams.has("nonce")).toBe(false);
    expect(standIn.requests.find((r) => r.path === "/token")?.form.get("client_secret")).toBe("li-secret");
    expect(user).toMatchObject({
      name: "John Doe",
      email: "doe@email.example",
      emailVerified: true,
      image: "https://media.licdn.example/dms/image/photo.jpg",
    });
    expect(accounts).toEqual([expect.objectContaining({ providerId: "linkedin", accountId: "782bbtaQ" })]);
  });
});
