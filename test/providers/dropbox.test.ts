import { afterEach, describe, expect, it } from "vitest";
import Dropbox from "../../src/providers/dropbox.js";
import { Client, makeAuth } from "../core/harness.js";
import { signInWithProvider } from "../helpers/oauth-flow.js";
import { type StandIn, startStandIn } from "../helpers/provider-stand-in.js";

/** The documented shape of POST /2/users/get_current_account. */
const account = {
  account_id: "dbid:AAH4f99T0taONIb-OurWxbNQ6ywGRopQngc",
  name: {
    given_name: "Franz",
    surname: "Ferdinand",
    familiar_name: "Franz",
    display_name: "Franz Ferdinand (Personal)",
    abbreviated_name: "FF",
  },
  email: "franz@example.test",
  email_verified: true,
  disabled: false,
  locale: "en",
  is_paired: false,
  account_type: { ".tag": "basic" },
  profile_photo_url: "https://dl-web.example.test/account_photo/get/dbaphid%3AAAH?size=128x128",
};

let standIn: StandIn | undefined;
afterEach(() => standIn?.close());

describe("Dropbox preset", () => {
  it("asks for offline access and reads the account with a bodiless POST", async () => {
    standIn = await startStandIn({
      clientId: "dbx-key",
      clientSecret: "dbx-secret",
      tokenResponse: {
        token_type: "bearer",
        expires_in: 14400,
        scope: "account_info.read",
        account_id: account.account_id,
        uid: "12345",
      },
      routes: {
        "POST /2/users/get_current_account": (req: { body: string }) =>
          req.body === "" ? account : new Response("Error in call: unexpected body", { status: 400 }),
      },
    });
    const provider = Dropbox({
      clientId: "dbx-key",
      clientSecret: "dbx-secret",
      authorization: standIn.authorizeURL,
      token: standIn.tokenURL,
      userinfo: `${standIn.url}/2/users/get_current_account`,
    });
    const client = new Client(makeAuth({ providers: [provider] }).auth);
    const flow = await signInWithProvider(client, { provider: "dropbox", callbackURL: "/dashboard" });
    expect(flow.authorizationURL.searchParams.get("token_access_type")).toBe("offline");
    expect(flow.authorizationURL.searchParams.get("scope")).toBe("account_info.read");
    expect(flow.final.headers.get("location")).toBe("/dashboard");
    const session = await client.getSession();
    expect(session.body.user).toMatchObject({
      name: "Franz Ferdinand (Personal)",
      email: "franz@example.test",
      emailVerified: true,
      image: account.profile_photo_url,
    });
    const accounts = await client.get("/list-accounts");
    expect(accounts.body).toEqual([
      expect.objectContaining({
        providerId: "dropbox",
        accountId: account.account_id,
        scopes: ["account_info.read"],
      }),
    ]);
  });
});
