import { afterEach, describe, expect, it } from "vitest";
import PayPal from "../../src/providers/paypal.js";
import { Client, makeAuth } from "../core/harness.js";
import { signInWithProvider } from "../helpers/oauth-flow.js";
import { type StandIn, startStandIn } from "../helpers/provider-stand-in.js";

/** The documented shape of GET /v1/identity/openidconnect/userinfo?schema=openid. */
const userinfo = {
  user_id:
    "https://www.paypal.example.test/webapps/auth/identity/user/mWq6_1sU85v5EG9yHdPxJRrhGHrnMJ-1PQKtX6pcsmA",
  sub: "https://www.paypal.example.test/webapps/auth/identity/user/mWq6_1sU85v5EG9yHdPxJRrhGHrnMJ-1PQKtX6pcsmA",
  name: "Jane Doe",
  given_name: "Jane",
  family_name: "Doe",
  email: "jane@example.test",
  email_verified: true,
  verified_account: true,
  address: {
    street_address: "1 Main St",
    locality: "San Jose",
    region: "CA",
    postal_code: "95131",
    country: "US",
  },
};

let standIn: StandIn | undefined;
afterEach(() => standIn?.close());

describe("PayPal preset", () => {
  it("uses flowEntry=static and HTTP Basic, tolerates the token response's id_token, maps userinfo", async () => {
    standIn = await startStandIn({
      clientId: "pp-id",
      clientSecret: "pp-secret",
      tokenResponse: {
        scope: "openid email profile",
        expires_in: 28800,
        nonce: "2026-01-01T00:00:00Zabc",
        // PayPal may add an ID token; it is not what the profile comes from.
        id_token: "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJqYW5lIn0.c2lnbmF0dXJl",
      },
      routes: { "GET /v1/identity/openidconnect/userinfo": userinfo },
    });
    const provider = PayPal({
      clientId: "pp-id",
      clientSecret: "pp-secret",
      authorization: standIn.authorizeURL,
      token: standIn.tokenURL,
      userinfo: `${standIn.url}/v1/identity/openidconnect/userinfo?schema=openid`,
    });
    const client = new Client(makeAuth({ providers: [provider] }).auth);
    const flow = await signInWithProvider(client, { provider: "paypal", callbackURL: "/dashboard" });
    expect(flow.authorizationURL.searchParams.get("flowEntry")).toBe("static");
    expect(flow.authorizationURL.searchParams.get("scope")).toBe("openid email profile");
    expect(flow.final.headers.get("location")).toBe("/dashboard");
    expect(standIn.requests.find((r) => r.path === "/token")!.headers.get("authorization")).toMatch(
      /^Basic /,
    );
    const info = standIn.requests.find((r) => r.path === "/v1/identity/openidconnect/userinfo")!;
    expect(info.query.get("schema")).toBe("openid");
    const session = await client.getSession();
    expect(session.body.user).toMatchObject({
      name: "Jane Doe",
      email: "jane@example.test",
      emailVerified: true,
    });
    const accounts = await client.get("/list-accounts");
    expect(accounts.body).toEqual([
      expect.objectContaining({ providerId: "paypal", accountId: userinfo.user_id }),
    ]);
  });
});
