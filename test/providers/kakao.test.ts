import { afterEach, describe, expect, it } from "vitest";
import Kakao from "../../src/providers/kakao.js";
import { Client, makeAuth } from "../core/harness.js";
import { signInWithProvider } from "../helpers/oauth-flow.js";
import { type StandIn, startStandIn } from "../helpers/provider-stand-in.js";

/** The documented shape of GET /v2/user/me, personal data nested in kakao_account. */
const me = (account: Record<string, unknown>) => ({
  id: 123456789,
  connected_at: "2026-01-01T00:00:00Z",
  properties: { nickname: "old-nick", profile_image: "https://k.kakaocdn.example.test/old.jpg" },
  kakao_account: {
    profile_nickname_needs_agreement: false,
    profile_image_needs_agreement: false,
    profile: {
      nickname: "홍길동",
      thumbnail_image_url: "https://k.kakaocdn.example.test/thumb.jpg",
      profile_image_url: "https://k.kakaocdn.example.test/profile.jpg",
      is_default_image: false,
    },
    email_needs_agreement: false,
    email: "gildong@example.test",
    ...account,
  },
});

let standIn: StandIn | undefined;
afterEach(() => standIn?.close());

async function signIn(account: Record<string, unknown>) {
  standIn = await startStandIn({
    clientId: "kakao-rest-key",
    clientSecret: "kakao-secret",
    tokenResponse: {
      token_type: "bearer",
      expires_in: 43199,
      refresh_token_expires_in: 5183999,
      scope: undefined,
    },
    routes: { "GET /v2/user/me": me(account) },
  });
  const provider = Kakao({
    clientId: "kakao-rest-key",
    clientSecret: "kakao-secret",
    authorization: standIn.authorizeURL,
    token: standIn.tokenURL,
    userinfo: `${standIn.url}/v2/user/me`,
  });
  const client = new Client(makeAuth({ providers: [provider] }).auth);
  const flow = await signInWithProvider(client, { provider: "kakao", callbackURL: "/dashboard" });
  return { client, flow };
}

describe("Kakao preset", () => {
  it("maps the nested kakao_account, trusting an email that is both valid and verified", async () => {
    const { client, flow } = await signIn({ is_email_valid: true, is_email_verified: true });
    expect(flow.final.headers.get("location")).toBe("/dashboard");
    expect(standIn!.requests.find((r) => r.path === "/token")!.form.get("client_secret")).toBe(
      "kakao-secret",
    );
    const session = await client.getSession();
    expect(session.body.user).toMatchObject({
      name: "홍길동",
      email: "gildong@example.test",
      emailVerified: true,
      image: "https://k.kakaocdn.example.test/profile.jpg",
    });
    const accounts = await client.get("/list-accounts");
    expect(accounts.body).toEqual([expect.objectContaining({ providerId: "kakao", accountId: "123456789" })]);
  });

  it("does not trust an email Kakao marks as no longer valid", async () => {
    const { client, flow } = await signIn({ is_email_valid: false, is_email_verified: true });
    expect(flow.final.headers.get("location")).toBe("/dashboard");
    expect((await client.getSession()).body.user).toMatchObject({ emailVerified: false });
  });
});
