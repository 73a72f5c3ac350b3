import { afterEach, describe, expect, it } from "vitest";
import Zitadel from "../../src/providers/zitadel.js";
import { Client, makeAuth } from "../core/harness.js";
import { signInWithProvider } from "../helpers/oauth-flow.js";
import { type StandIn, startStandIn } from "../helpers/provider-stand-in.js";

const sub = "170848145649959169";

let standIn: StandIn | undefined;
afterEach(() => standIn?.close());

describe("ZITADEL preset", () => {
  it("reads the profile from userinfo, since code-flow ID tokens carry no profile claims", async () => {
    standIn = await startStandIn({
      clientId: "170086824411201793@portal",
      clientSecret: "zitadel-secret",
      oidc: true,
      idTokenClaims: {
        sub,
        amr: ["password", "pwd"],
        azp: "170086824411201793@portal",
        auth_time: 1687418556,
      },
      routes: {
        "GET /userinfo": {
          sub,
          name: "Road Runner",
          given_name: "Road",
          family_name: "Runner",
          locale: null,
          preferred_username: "road.runner@example.zitadel.test",
          email: "road.runner@example.test",
          email_verified: true,
          updated_at: 1658329554,
        },
      },
    });
    const provider = Zitadel({
      clientId: "170086824411201793@portal",
      clientSecret: "zitadel-secret",
      issuer: standIn.url,
    });
    const client = new Client(makeAuth({ providers: [provider] }).auth);
    const flow = await signInWithProvider(client, { provider: "zitadel", callbackURL: "/dashboard" });
    expect(flow.authorizationURL.searchParams.get("scope")).toBe("openid profile email");
    expect(flow.final.headers.get("location")).toBe("/dashboard");
    const session = await client.getSession();
    expect(session.body.user).toMatchObject({
      name: "Road Runner",
      email: "road.runner@example.test",
      emailVerified: true,
      image: null,
    });
    const accounts = await client.get("/list-accounts");
    expect(accounts.body).toEqual([expect.objectContaining({ providerId: "zitadel", accountId: sub })]);
  });
});
