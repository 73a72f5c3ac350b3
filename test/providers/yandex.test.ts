import { afterEach, describe, expect, it } from "vitest";
import Yandex from "../../src/providers/yandex.js";
import { Client, makeAuth } from "../core/harness.js";
import { signInWithProvider } from "../helpers/oauth-flow.js";
import { type StandIn, type StandInRequest, startStandIn } from "../helpers/provider-stand-in.js";

/** The documented shape of GET https://login.yandex.ru/info?format=json. */
const info = {
  id: "1000034426",
  login: "ivan",
  client_id: "4760187d81bc4b7799476b42b5103713",
  display_name: "Ivan",
  real_name: "Ivan Ivanov",
  first_name: "Ivan",
  last_name: "Ivanov",
  sex: "male",
  default_email: "ivan@example.test",
  emails: ["ivan@example.test", "other@example.test"],
  default_avatar_id: "131652443",
  is_avatar_empty: false,
  psuid: "1.AAceCw.tbHgw5DtJ9_zeqPrk-Ba2w.qPWSRC5v2t2IaksPJgnge",
};

let standIn: StandIn | undefined;
afterEach(() => standIn?.close());

describe("Yandex preset", () => {
  it("calls /info with the OAuth authorization scheme and builds the avatar URL", async () => {
    standIn = await startStandIn({
      clientId: "ya-id",
      clientSecret: "ya-secret",
      tokenResponse: { access_token: "y0_ya-access", expires_in: 31536000, scope: undefined },
      // Yandex wants `Authorization: OAuth <token>`, which the stand-in's bearer check does not know.
      publicRoutes: ["GET /info"],
      routes: {
        "GET /info": (req: StandInRequest) =>
          req.headers.get("authorization") === "OAuth y0_ya-access" && req.query.get("format") === "json"
            ? info
            : new Response("unauthorized", { status: 401 }),
      },
    });
    const provider = Yandex({
      clientId: "ya-id",
      clientSecret: "ya-secret",
      authorization: standIn.authorizeURL,
      token: standIn.tokenURL,
      userinfo: `${standIn.url}/info`,
    });
    const client = new Client(makeAuth({ providers: [provider] }).auth);
    const flow = await signInWithProvider(client, { provider: "yandex", callbackURL: "/dashboard" });
    expect(flow.authorizationURL.searchParams.get("scope")).toBe("login:info login:email login:avatar");
    expect(flow.final.headers.get("location")).toBe("/dashboard");
    const session = await client.getSession();
    expect(session.body.user).toMatchObject({
      name: "Ivan",
      email: "ivan@example.test",
      emailVerified: false,
      image: "https://avatars.yandex.net/get-yapic/131652443/islands-200",
    });
    const accounts = await client.get("/list-accounts");
    expect(accounts.body).toEqual([
      expect.objectContaining({ providerId: "yandex", accountId: "1000034426" }),
    ]);
  });
});
