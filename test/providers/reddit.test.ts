import { afterEach, describe, expect, it } from "vitest";
import Reddit, { type RedditProfile } from "../../src/providers/reddit.js";
import type { OAuthConfig } from "../../src/providers/types.js";
import { signInThrough } from "../helpers/oauth-flow.js";
import { type StandIn, type StandInRequest, startStandIn } from "../helpers/provider-stand-in.js";

let standIn: StandIn | undefined;
afterEach(() => standIn?.close());

async function standInReddit(): Promise<OAuthConfig<RedditProfile>> {
  standIn = await startStandIn({
    clientId: "reddit-id",
    clientSecret: "reddit-secret",
    tokenResponse: { scope: "identity" },
    routes: {
      // Reddit refuses API calls without a descriptive User-Agent.
      "GET /api/v1/me": (req: StandInRequest) =>
        req.headers.get("user-agent")?.startsWith("web:")
          ? {
              id: "1w72",
              name: "spez",
              icon_img:
                "https://styles.redditmedia.example/t5_3k30p/styles/profileIcon.png?width=256&amp;s=abc",
              has_verified_email: true,
              created_utc: 1118030400,
            }
          : new Response("Too Many Requests", { status: 429 }),
    },
  });
  return Reddit({
    clientId: "reddit-id",
    clientSecret: "reddit-secret",
    authorization: standIn.authorizeURL,
    token: standIn.tokenURL,
    userinfo: `${standIn.url}/api/v1/me`,
  });
}

describe("Reddit preset", () => {
  it("asks for a permanent grant, sends a User-Agent and unescapes the avatar URL", async () => {
    const preset = await standInReddit();
    // Reddit shares no email; an app that allows it maps one (Better Auth's documented workaround).
    const provider: OAuthConfig<RedditProfile> = {
      ...preset,
      profile: async (profile, tokens) => ({
        ...(await preset.profile!(profile, tokens)),
        email: `${profile.name}@users.reddit.invalid`,
      }),
    };
    const { flow, user, accounts } = await signInThrough(provider);
    expect(flow.authorizationURL.searchParams.get("duration")).toBe("permanent");
    expect(flow.authorizationURL.searchParams.get("scope")).toBe("identity");
    expect(standIn!.requests.find((r) => r.path === "/token")?.headers.get("authorization")).toMatch(
      /^Basic /,
    );
    expect(user).toMatchObject({
      name: "spez",
      emailVerified: false,
      image: "https://styles.redditmedia.example/t5_3k30p/styles/profileIcon.png?width=256&s=abc",
    });
    expect(accounts).toEqual([expect.objectContaining({ providerId: "reddit", accountId: "1w72" })]);
  });

  it("maps no email, so a new user is refused with email_not_found unless the app maps one", async () => {
    const { flow } = await signInThrough(await standInReddit());
    expect(new URL(flow.final.headers.get("location")!).searchParams.get("error")).toBe("email_not_found");
  });
});
