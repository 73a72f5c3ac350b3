import { afterEach, describe, expect, it } from "vitest";
import Naver from "../../src/providers/naver.js";
import { Client, makeAuth } from "../core/harness.js";
import { signInWithProvider } from "../helpers/oauth-flow.js";
import { type StandIn, type StandInRequest, startStandIn } from "../helpers/provider-stand-in.js";

const profile = {
  id: "32742776",
  nickname: "OpenAPI",
  name: "오픈 API",
  email: "openapi@example.test",
  gender: "F",
  age: "40-49",
  birthday: "10-01",
  profile_image: "https://ssl.pstatic.example.test/static/pwe/address/nodata_33x33.gif",
};

/** The documented token response: expires_in as a string. */
const tokens = (req: StandInRequest) => ({
  access_token: `AAAA${req.form.get("code")?.slice(0, 8)}`,
  refresh_token: "c8ceMEJisO4Se7uGCEYKK1p52L93bHXLn",
  token_type: "bearer",
  expires_in: "3600",
});

let standIn: StandIn | undefined;
afterEach(() => standIn?.close());

async function signIn(tokenResponse: (req: StandInRequest) => Record<string, unknown>, me: unknown) {
  standIn = await startStandIn({
    clientId: "naver-id",
    clientSecret: "naver-secret",
    tokenResponse,
    routes: { "GET /v1/nid/me": me },
  });
  const provider = Naver({
    clientId: "naver-id",
    clientSecret: "naver-secret",
    authorization: standIn.authorizeURL,
    token: standIn.tokenURL,
    userinfo: `${standIn.url}/v1/nid/me`,
  });
  const client = new Client(makeAuth({ providers: [provider] }).auth);
  const flow = await signInWithProvider(client, { provider: "naver", callbackURL: "/dashboard" });
  return { client, flow };
}

describe("Naver preset", () => {
  it("posts the secret and maps the profile inside the response wrapper", async () => {
    const { client, flow } = await signIn(tokens, {
      resultcode: "00",
      message: "success",
      response: profile,
    });
    expect(flow.final.headers.get("location")).toBe("/dashboard");
    expect(standIn!.requests.find((r) => r.path === "/token")!.form.get("client_secret")).toBe(
      "naver-secret",
    );
    const session = await client.getSession();
    expect(session.body.user).toMatchObject({
      name: "오픈 API",
      email: "openapi@example.test",
      emailVerified: false,
      image: profile.profile_image,
    });
    const accounts = await client.get("/list-accounts");
    expect(accounts.body).toEqual([expect.objectContaining({ providerId: "naver", accountId: "32742776" })]);
  });

  it("fails when the profile API reports an error in resultcode", async () => {
    const { flow } = await signIn(tokens, { resultcode: "024", message: "Authentication failed" });
    expect(flow.final.headers.get("location")).toContain("error=unable_to_get_user_info");
  });

  it("fails when the token endpoint reports an error with a 200", async () => {
    const { client, flow } = await signIn(
      () => ({ error: "invalid_request", error_description: "no valid data" }),
      {
        resultcode: "00",
        message: "success",
        response: profile,
      },
    );
    expect(flow.final.headers.get("location")).toMatch(/[?&]error=/);
    expect(standIn!.requests.some((r) => r.path === "/v1/nid/me")).toBe(false);
    expect((await client.getSession()).body).toBeNull();
  });
});
