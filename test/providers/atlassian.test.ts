import { afterEach, describe, expect, it } from "vitest";
import Atlassian from "../../src/providers/atlassian.js";
import { Client, makeAuth } from "../core/harness.js";
import { signInWithProvider } from "../helpers/oauth-flow.js";
import { type StandIn, startStandIn } from "../helpers/provider-stand-in.js";

/** The documented shape of GET https://api.atlassian.com/me. */
const me = {
  account_type: "atlassian",
  account_id: "112233:aa11bb22-cc33-dd44-ee55-ff6677889900",
  email: "mia@example.test",
  name: "Mia Krystof",
  picture: "https://avatar-management.example.test/mia.png",
  account_status: "active",
  nickname: "mia",
  zoneinfo: "Australia/Sydney",
  locale: "en-US",
  extended_profile: { job_title: "Designer", organization: "Example", department: "Design" },
};

let standIn: StandIn | undefined;
afterEach(() => standIn?.close());

describe("Atlassian preset", () => {
  it("asks for the api.atlassian.com audience with consent, posts the secret, and maps GET /me", async () => {
    standIn = await startStandIn({
      clientId: "atl-id",
      clientSecret: "atl-secret",
      tokenResponse: { scope: "read:me" },
      routes: { "GET /me": me },
    });
    const provider = Atlassian({
      clientId: "atl-id",
      clientSecret: "atl-secret",
      authorization: standIn.authorizeURL,
      token: standIn.tokenURL,
      userinfo: `${standIn.url}/me`,
    });
    const client = new Client(makeAuth({ providers: [provider] }).auth);
    const flow = await signInWithProvider(client, { provider: "atlassian", callbackURL: "/dashboard" });
    const query = flow.authorizationURL.searchParams;
    expect([query.get("audience"), query.get("prompt"), query.get("scope")]).toEqual([
      "api.atlassian.com",
      "consent",
      "read:me",
    ]);
    expect(flow.final.headers.get("location")).toBe("/dashboard");
    const token = standIn.requests.find((r) => r.path === "/token")!;
    expect(token.form.get("client_secret")).toBe("atl-secret");
    const session = await client.getSession();
    expect(session.body.user).toMatchObject({
      name: "Mia Krystof",
      email: "mia@example.test",
      emailVerified: false,
      image: me.picture,
    });
    const accounts = await client.get("/list-accounts");
    expect(accounts.body).toEqual([
      expect.objectContaining({ providerId: "atlassian", accountId: me.account_id }),
    ]);
  });
});
