import { afterEach, describe, expect, it } from "vitest";
import Bitbucket from "../../src/providers/bitbucket.js";
import { Client, makeAuth } from "../core/harness.js";
import { signInWithProvider } from "../helpers/oauth-flow.js";
import { type StandIn, startStandIn } from "../helpers/provider-stand-in.js";

/** The documented shape of GET /2.0/user. */
const user = {
  type: "user",
  uuid: "{d301aafa-d676-4ee0-88be-962be7417567}",
  account_id: "557058:c0b72ad0-1cb5-4018-9cdc-0cde8492c443",
  username: "evzijst",
  nickname: "evzijst",
  display_name: "Erik van Zijst",
  account_status: "active",
  created_on: "2010-07-07T04:39:24.312389+00:00",
  has_2fa_enabled: null,
  links: { avatar: { href: "https://bitbucket.example.test/account/evzijst/avatar/" } },
};

const email = (address: string, primary: boolean, confirmed: boolean) => ({
  type: "email",
  email: address,
  is_primary: primary,
  is_confirmed: confirmed,
  links: { self: { href: `https://api.bitbucket.example.test/2.0/user/emails/${address}` } },
});

let standIn: StandIn | undefined;
afterEach(() => standIn?.close());

async function signIn(emails: unknown[]) {
  standIn = await startStandIn({
    clientId: "bb-key",
    clientSecret: "bb-secret",
    tokenResponse: { token_type: "bearer", scopes: "account email", scope: undefined, expires_in: 7200 },
    routes: {
      "GET /2.0/user": user,
      "GET /2.0/user/emails": { pagelen: 10, page: 1, size: emails.length, values: emails },
    },
  });
  const provider = Bitbucket({
    clientId: "bb-key",
    clientSecret: "bb-secret",
    authorization: standIn.authorizeURL,
    token: standIn.tokenURL,
    userinfo: `${standIn.url}/2.0/user`,
  });
  const client = new Client(makeAuth({ providers: [provider] }).auth);
  const flow = await signInWithProvider(client, { provider: "bitbucket", callbackURL: "/dashboard" });
  return { client, flow };
}

describe("Bitbucket preset", () => {
  it("reads /2.0/user and the primary confirmed address from /2.0/user/emails", async () => {
    const { client, flow } = await signIn([
      email("old@example.test", false, true),
      email("erik@example.test", true, true),
    ]);
    expect(flow.authorizationURL.searchParams.has("scope")).toBe(false);
    expect(flow.final.headers.get("location")).toBe("/dashboard");
    const session = await client.getSession();
    expect(session.body.user).toMatchObject({
      name: "Erik van Zijst",
      email: "erik@example.test",
      emailVerified: true,
      image: user.links.avatar.href,
    });
    const accounts = await client.get("/list-accounts");
    expect(accounts.body).toEqual([
      expect.objectContaining({ providerId: "bitbucket", accountId: user.uuid }),
    ]);
  });

  it("keeps an unconfirmed primary address unverified", async () => {
    const { client, flow } = await signIn([email("erik@example.test", true, false)]);
    expect(flow.final.headers.get("location")).toBe("/dashboard");
    const session = await client.getSession();
    expect(session.body.user).toMatchObject({ email: "erik@example.test", emailVerified: false });
  });
});
