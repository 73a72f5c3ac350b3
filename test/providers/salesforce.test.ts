import { afterEach, describe, expect, it } from "vitest";
import Salesforce from "../../src/providers/salesforce.js";
import { Client, makeAuth } from "../core/harness.js";
import { signInWithProvider } from "../helpers/oauth-flow.js";
import { type StandIn, startStandIn } from "../helpers/provider-stand-in.js";

const identity = "https://login.salesforce.example.test/id/00Dx0000000BV7z/005x00000012Q9P";

/** The documented shape of the UserInfo response. */
const userinfo = {
  sub: identity,
  user_id: "005x00000012Q9P",
  organization_id: "00Dx0000000BV7z",
  preferred_username: "roberta@example.test.dev",
  nickname: "roberta",
  name: "Roberta Smith",
  email: "roberta@example.test",
  email_verified: true,
  given_name: "Roberta",
  family_name: "Smith",
  zoneinfo: "Europe/Paris",
  photos: {
    picture: "https://files.example.test/profilephoto/005/F",
    thumbnail: "https://files.example.test/T",
  },
  profile: "https://example.my.salesforce.test/005x00000012Q9P",
  picture: "https://files.example.test/profilephoto/005/F",
  address: { country: "FR" },
  active: true,
  user_type: "STANDARD",
  language: "en_US",
  locale: "en_US",
  utcOffset: 3600000,
  updated_at: "2026-01-15T10:30:00Z",
};

let standIn: StandIn | undefined;
afterEach(() => standIn?.close());

describe("Salesforce preset", () => {
  it("validates the ID token, then takes the user id and verified email from UserInfo", async () => {
    standIn = await startStandIn({
      clientId: "sf-key",
      clientSecret: "sf-secret",
      oidc: true,
      idTokenClaims: { sub: identity, at_hash: "ignored" },
      tokenResponse: {
        instance_url: "https://example.my.salesforce.test",
        id: identity,
        issued_at: "1700000000000",
        signature: "c2lnbmF0dXJl",
        expires_in: undefined,
      },
      routes: { "GET /userinfo": userinfo },
    });
    const provider = Salesforce({ clientId: "sf-key", clientSecret: "sf-secret", issuer: standIn.url });
    const client = new Client(makeAuth({ providers: [provider] }).auth);
    const flow = await signInWithProvider(client, { provider: "salesforce", callbackURL: "/dashboard" });
    expect(flow.authorizationURL.searchParams.get("scope")).toBe("openid profile email");
    expect(flow.final.headers.get("location")).toBe("/dashboard");
    expect(standIn.requests.find((r) => r.path === "/token")!.form.get("client_secret")).toBe("sf-secret");
    expect(standIn.requests.some((r) => r.path === "/userinfo")).toBe(true);
    const session = await client.getSession();
    expect(session.body.user).toMatchObject({
      name: "Roberta Smith",
      email: "roberta@example.test",
      emailVerified: true,
      image: userinfo.picture,
    });
    const accounts = await client.get("/list-accounts");
    expect(accounts.body).toEqual([
      expect.objectContaining({ providerId: "salesforce", accountId: "005x00000012Q9P" }),
    ]);
  });
});
