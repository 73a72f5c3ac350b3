import { createHmac } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import Line from "../../src/providers/line.js";
import { Client, makeAuth } from "../core/harness.js";
import { signInWithProvider } from "../helpers/oauth-flow.js";
import { type StandIn, type StandInRequest, startStandIn } from "../helpers/provider-stand-in.js";

const CHANNEL_ID = "1234567890";
const CHANNEL_SECRET = "line-channel-secret-0123456789ab";

/** A web login ID token: HS256 with the channel secret, as LINE signs them. */
function hs256(claims: Record<string, unknown>, secret: string): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const input = `${part({ typ: "JWT", alg: "HS256" })}.${part(claims)}`;
  return `${input}.${createHmac("sha256", secret).update(input).digest("base64url")}`;
}

let standIn: StandIn | undefined;
afterEach(() => standIn?.close());

async function signIn(signingSecret: string) {
  const now = Math.floor(Date.now() / 1000);
  standIn = await startStandIn({
    clientId: CHANNEL_ID,
    clientSecret: CHANNEL_SECRET,
    oidc: true,
    tokenResponse: (req: StandInRequest) => ({
      access_token: `line-at-${req.form.get("code")?.slice(0, 6)}`,
      token_type: "Bearer",
      expires_in: 2592000,
      refresh_token: "line-rt",
      scope: "openid profile email",
      id_token: hs256(
        {
          iss: standIn!.url,
          sub: "U1234567890abcdef1234567890abcdef",
          aud: CHANNEL_ID,
          exp: now + 3600,
          iat: now,
          nonce: standIn!.requests.find((r) => r.path === "/authorize")?.query.get("nonce"),
          amr: ["pwd"],
          name: "Taro Line",
          picture: "https://profile.line-scdn.example.test/taro",
          email: "taro.line@example.test",
        },
        signingSecret,
      ),
    }),
  });
  const provider = Line({ clientId: CHANNEL_ID, clientSecret: CHANNEL_SECRET, issuer: standIn.url });
  const client = new Client(makeAuth({ providers: [provider] }).auth);
  const flow = await signInWithProvider(client, { provider: "line", callbackURL: "/dashboard" });
  return { client, flow };
}

describe("LINE preset", () => {
  it("posts the channel secret and signs in from an HS256 web login ID token", async () => {
    const { client, flow } = await signIn(CHANNEL_SECRET);
    expect(flow.authorizationURL.searchParams.get("scope")).toBe("openid profile email");
    expect(standIn!.requests.find((r) => r.path === "/token")!.form.get("client_secret")).toBe(
      CHANNEL_SECRET,
    );
    expect(flow.final.headers.get("location")).toBe("/dashboard");
    const session = await client.getSession();
    expect(session.body.user).toMatchObject({
      name: "Taro Line",
      email: "taro.line@example.test",
      emailVerified: false,
      image: "https://profile.line-scdn.example.test/taro",
    });
    const accounts = await client.get("/list-accounts");
    expect(accounts.body).toEqual([
      expect.objectContaining({ providerId: "line", accountId: "U1234567890abcdef1234567890abcdef" }),
    ]);
  });

  it("refuses an ID token signed with another secret", async () => {
    const { client, flow } = await signIn("not-the-channel-secret-0123456789");
    expect(flow.final.headers.get("location")).toContain("error=invalid_id_token");
    expect((await client.getSession()).body).toBeNull();
  });
});
