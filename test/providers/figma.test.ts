import { afterEach, describe, expect, it } from "vitest";
import Figma from "../../src/providers/figma.js";
import { Client, makeAuth } from "../core/harness.js";
import { signInWithProvider } from "../helpers/oauth-flow.js";
import { type StandIn, startStandIn } from "../helpers/provider-stand-in.js";

/** The documented shape of GET /v1/me. */
const me = {
  id: "1234567890123456789",
  email: "dana@example.test",
  handle: "Dana Designer",
  img_url: "https://s3-alpha.figma.example.test/profile/dana.png",
};

let standIn: StandIn | undefined;
afterEach(() => standIn?.close());

describe("Figma preset", () => {
  it("exchanges the code with HTTP Basic and maps GET /v1/me", async () => {
    standIn = await startStandIn({
      clientId: "figma-id",
      clientSecret: "figma-secret",
      tokenResponse: { user_id_string: me.id, token_type: "bearer", expires_in: 7776000, scope: undefined },
      routes: { "GET /v1/me": me },
    });
    const provider = Figma({
      clientId: "figma-id",
      clientSecret: "figma-secret",
      authorization: standIn.authorizeURL,
      token: standIn.tokenURL,
      userinfo: `${standIn.url}/v1/me`,
    });
    const client = new Client(makeAuth({ providers: [provider] }).auth);
    const flow = await signInWithProvider(client, { provider: "figma", callbackURL: "/dashboard" });
    expect(flow.authorizationURL.searchParams.get("scope")).toBe("current_user:read");
    expect(flow.final.headers.get("location")).toBe("/dashboard");
    expect(standIn.requests.find((r) => r.path === "/token")!.headers.get("authorization")).toMatch(
      /^Basic /,
    );
    const session = await client.getSession();
    expect(session.body.user).toMatchObject({
      name: "Dana Designer",
      email: "dana@example.test",
      emailVerified: false,
      image: me.img_url,
    });
    const accounts = await client.get("/list-accounts");
    expect(accounts.body).toEqual([expect.objectContaining({ providerId: "figma", accountId: me.id })]);
  });
});
