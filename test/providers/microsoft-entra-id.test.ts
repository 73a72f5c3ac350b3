import { afterEach, describe, expect, it } from "vitest";
import MicrosoftEntraID from "../../src/providers/microsoft-entra-id.js";
import { signInThrough } from "../helpers/oauth-flow.js";
import { type StandIn, startStandIn } from "../helpers/provider-stand-in.js";

const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const PHOTO = "/v1.0/me/photos/48x48/$value";
const photoBytes = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);

let standIn: StandIn | undefined;
afterEach(() => standIn?.close());

describe("Microsoft Entra ID preset", () => {
  it("builds the issuer from a tenant id, and uses the multi-tenant endpoints by default", () => {
    expect(MicrosoftEntraID({ tenantId: TENANT })).toMatchObject({
      type: "oidc",
      issuer: `https://login.microsoftonline.com/${TENANT}/v2.0`,
    });
    // A domain's metadata names the tenant's GUID, so it cannot be an issuer either.
    expect(MicrosoftEntraID({ tenantId: "contoso.onmicrosoft.com" })).toMatchObject({
      type: "oauth",
      authorization: "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/authorize",
    });
    const common = MicrosoftEntraID();
    expect(common).toMatchObject({
      type: "oauth",
      authorization: "https://login.microsoftonline.com/common/oauth2/v2.0/authorize",
      token: "https://login.microsoftonline.com/common/oauth2/v2.0/token",
    });
    expect(common.issuer).toBeUndefined();
  });

  it("signs in against a tenant's issuer with the ID token, and fetches the photo from Graph", async () => {
    standIn = await startStandIn({
      clientId: "entra-id",
      clientSecret: "entra-secret",
      oidc: true,
      // v2.0 ID token claims (ID token claims reference); no email_verified.
      idTokenClaims: {
        sub: "AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ",
        oid: "00000000-0000-0000-66f3-3332eca7ea81",
        tid: TENANT,
        ver: "2.0",
        name: "Megan Bowen",
        preferred_username: "meganb@contoso.example",
        email: "meganb@contoso.example",
      },
      routes: {
        [`GET ${PHOTO}`]: () => new Response(photoBytes, { headers: { "content-type": "image/jpeg" } }),
      },
    });
    const { flow, user, accounts } = await signInThrough(
      MicrosoftEntraID({
        clientId: "entra-id",
        clientSecret: "entra-secret",
        issuer: standIn.url,
        userinfo: `${standIn.url}/oidc/userinfo`,
      }),
    );
    expect(flow.authorizationURL.searchParams.get("scope")).toBe("openid profile email User.Read");
    expect(flow.final.headers.get("location")).toBe("/dashboard");
    expect(user).toMatchObject({
      name: "Megan Bowen",
      email: "meganb@contoso.example",
      emailVerified: false,
      image: `data:image/jpeg;base64,${photoBytes.toString("base64")}`,
    });
    expect(accounts).toEqual([
      expect.objectContaining({
        providerId: "microsoft-entra-id",
        accountId: "AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ",
      }),
    ]);
  });

  it("signs in through 'common' although the ID token names the user's own tenant", async () => {
    const sub = "OlZvKMYxLdV9bCKhJ6mCuJzFXnrMdKSBZu0rGVqvjDg";
    standIn = await startStandIn({
      clientId: "entra-id",
      clientSecret: "entra-secret",
      oidc: true,
      idTokenClaims: { sub, tid: TENANT, iss: `https://login.microsoftonline.com/${TENANT}/v2.0` },
      routes: {
        // Graph's OIDC userinfo, in its documented shape; no photo (404).
        "GET /oidc/userinfo": {
          sub,
          name: "Megan Bowen",
          family_name: "Bowen",
          given_name: "Megan",
          picture: "https://graph.microsoft.com/v1.0/me/photo/$value",
          email: "meganb@contoso.example",
        },
      },
    });
    const { flow, user, accounts } = await signInThrough(
      MicrosoftEntraID({
        clientId: "entra-id",
        clientSecret: "entra-secret",
        authorization: standIn.authorizeURL,
        token: standIn.tokenURL,
        userinfo: `${standIn.url}/oidc/userinfo`,
        disableProfilePhoto: true,
      }),
    );
    expect(flow.final.headers.get("location")).toBe("/dashboard");
    expect(standIn.requests.some((r) => r.path.startsWith("/v1.0/me/photos"))).toBe(false);
    // The Graph photo URL needs a token, so it is not used as the image.
    expect(user).toMatchObject({ name: "Megan Bowen", email: "meganb@contoso.example", image: null });
    expect(accounts).toEqual([expect.objectContaining({ providerId: "microsoft-entra-id", accountId: sub })]);
  });
});
