import { afterEach, describe, expect, it } from "vitest";
import TikTok, { type TikTokProfile } from "../../src/providers/tiktok.js";
import type { OAuthConfig } from "../../src/providers/types.js";
import { Client, makeAuth } from "../core/harness.js";
import { signInWithProvider } from "../helpers/oauth-flow.js";
import { type StandIn, type StandInRequest, startStandIn } from "../helpers/provider-stand-in.js";

const user = {
  open_id: "723f24d7-e717-40f8-a2b6-cb8464cd23b4",
  union_id: "c9c60f44-a68e-4f5d-84dd-ce22faeb0ba1",
  avatar_url: "https://p19-sign.tiktokcdn.example.test/avatar~c5_168x168.jpeg",
  avatar_large_url: "https://p19-sign.tiktokcdn.example.test/avatar~c5_1080x1080.jpeg",
  display_name: "Tik Toker",
};

/** The documented v2 token response. */
const tokens = (req: StandInRequest) => ({
  access_token: `act.${req.form.get("code")?.slice(0, 8)}`,
  expires_in: 86400,
  open_id: user.open_id,
  refresh_expires_in: 31536000,
  refresh_token: "rft.example",
  scope: "user.info.basic",
  token_type: "Bearer",
});

let standIn: StandIn | undefined;
afterEach(() => standIn?.close());

interface Options {
  publicRoutes?: string[];
  /** Sign up first and link TikTok to that user instead of signing in. */
  link?: boolean;
  /** Map an email, as an app must for a provider that shares none. */
  mapEmail?: boolean;
}

async function signIn(
  tokenResponse: (req: StandInRequest) => Record<string, unknown>,
  options: Options = {},
) {
  standIn = await startStandIn({
    clientId: "tt-client-key",
    clientSecret: "tt-secret",
    clientIdParam: "client_key",
    tokenResponse,
    publicRoutes: options.publicRoutes,
    routes: {
      "GET /v2/user/info/": { data: { user }, error: { code: "ok", message: "", log_id: "20260101" } },
    },
  });
  const preset = TikTok({
    clientId: "tt-client-key",
    clientSecret: "tt-secret",
    authorization: standIn.authorizeURL,
    token: standIn.tokenURL,
    userinfo: `${standIn.url}/v2/user/info/`,
  });
  const provider: OAuthConfig<TikTokProfile> = options.mapEmail
    ? {
        ...preset,
        profile: async (profile, tokens) => ({
          ...(await preset.profile!(profile, tokens)),
          email: `${profile.open_id}@tiktok.invalid`,
        }),
      }
    : preset;
  const account = { accountLinking: { allowDifferentEmails: true } };
  const client = new Client(makeAuth({ providers: [provider], account }).auth);
  if (options.link) await client.signUp("linker@example.test");
  const flow = await signInWithProvider(
    client,
    { provider: "tiktok", callbackURL: "/dashboard" },
    options.link ? { path: "/link-social" } : {},
  );
  return { client, flow };
}

describe("TikTok preset", () => {
  it("sends client_key to /authorize and /token, and unwraps the user info envelope", async () => {
    const { client, flow } = await signIn(tokens, { mapEmail: true });
    expect(flow.authorizationURL.searchParams.get("client_key")).toBe("tt-client-key");
    expect(flow.authorizationURL.searchParams.get("scope")).toBe("user.info.basic");
    const token = standIn!.requests.find((r) => r.path === "/token")!;
    expect([token.form.get("client_key"), token.form.get("client_secret")]).toEqual([
      "tt-client-key",
      "tt-secret",
    ]);
    const info = standIn!.requests.find((r) => r.path === "/v2/user/info/")!;
    expect(info.query.get("fields")?.split(",")).toEqual(expect.arrayContaining(["open_id", "display_name"]));
    expect(flow.final.headers.get("location")).toBe("/dashboard");
    const session = await client.getSession();
    expect(session.body.user).toMatchObject({
      name: "Tik Toker",
      email: `${user.open_id}@tiktok.invalid`,
      emailVerified: false,
      image: user.avatar_large_url,
    });
    const accounts = await client.get("/list-accounts");
    expect(accounts.body).toEqual([
      expect.objectContaining({ providerId: "tiktok", accountId: user.open_id }),
    ]);
  });

  it("maps no email, so a new user is refused with email_not_found unless the app maps one", async () => {
    const { flow } = await signIn(tokens);
    expect(new URL(flow.final.headers.get("location")!).searchParams.get("error")).toBe("email_not_found");
  });

  it("links the TikTok account (keyed by open_id) to a signed-in user without mapping an email", async () => {
    const { client, flow } = await signIn(tokens, { link: true });
    expect(flow.final.headers.get("location")).toBe("/dashboard");
    const accounts = await client.get("/list-accounts");
    expect(accounts.body).toEqual(
      expect.arrayContaining([expect.objectContaining({ providerId: "tiktok", accountId: user.open_id })]),
    );
  });

  it("accepts tokens wrapped in data, as the v1 API sent them", async () => {
    let issued = "";
    // The stand-in only knows top-level access tokens, so the user info route checks the token itself.
    await signIn(
      (req) => {
        const wrapped = tokens(req);
        issued = wrapped.access_token;
        return { data: { ...wrapped, error_code: 0 }, message: "success" };
      },
      { publicRoutes: ["GET /v2/user/info/"] },
    );
    const info = standIn!.requests.find((r) => r.path === "/v2/user/info/");
    expect(info?.headers.get("authorization")).toBe(`Bearer ${issued}`);
  });

  it("fails the sign-in when the token endpoint reports an error with a 200", async () => {
    const { client, flow } = await signIn(() => ({
      error: "invalid_grant",
      error_description: "Authorization code is expired.",
      log_id: "20260101",
    }));
    expect(flow.final.headers.get("location")).toMatch(/[?&]error=/);
    expect((await client.getSession()).body).toBeNull();
  });
});
