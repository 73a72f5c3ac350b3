import { afterEach, describe, expect, it } from "vitest";
import Twitter from "../../src/providers/twitter.js";
import { signInThrough } from "../helpers/oauth-flow.js";
import { type StandIn, type StandInRequest, startStandIn } from "../helpers/provider-stand-in.js";

let standIn: StandIn | undefined;
afterEach(() => standIn?.close());

/** A stand-in X whose /2/users/me returns the requested `user.fields` only. */
async function signIn(confirmedEmail: string | undefined) {
  standIn = await startStandIn({
    clientId: "x-client",
    clientSecret: "x-secret",
    tokenResponse: { scope: "users.read tweet.read users.email offline.access" },
    routes: {
      "GET /2/users/me": (req: StandInRequest) => {
        const fields = req.query.get("user.fields")?.split(",") ?? [];
        const data: Record<string, unknown> = { id: "2244994945", name: "X Dev", username: "TwitterDev" };
        if (fields.includes("profile_image_url"))
          data.profile_image_url = "https://pbs.twimg.example/profile_images/1/x_normal.jpg";
        if (fields.includes("confirmed_email") && confirmedEmail) data.confirmed_email = confirmedEmail;
        return { data };
      },
    },
  });
  return signInThrough(
    Twitter({
      clientId: "x-client",
      clientSecret: "x-secret",
      authorization: standIn.authorizeURL,
      token: standIn.tokenURL,
      userinfo: `${standIn.url}/2/users/me`,
    }),
  );
}

describe("X (Twitter) preset", () => {
  it("signs in with PKCE and Basic client auth, reading the avatar and the confirmed email", async () => {
    const { flow, user, accounts } = await signIn("dev@x.example");
    expect(flow.authorizationURL.searchParams.get("code_challenge_method")).toBe("S256");
    expect(standIn!.requests.find((r) => r.path === "/token")?.headers.get("authorization")).toMatch(
      /^Basic /,
    );
    expect(user).toMatchObject({
      name: "X Dev",
      email: "dev@x.example",
      emailVerified: false,
      image: "https://pbs.twimg.example/profile_images/1/x_normal.jpg",
    });
    expect(accounts).toEqual([
      expect.objectContaining({
        providerId: "twitter",
        accountId: "2244994945",
        scopes: ["users.read", "tweet.read", "users.email", "offline.access"],
      }),
    ]);
  });

  it("maps no email when the account has none, which the engine refuses for a new user (email_not_found)", async () => {
    const { flow, user } = await signIn(undefined);
    // Better Auth's rule: a new user needs an email; map one in profile() to allow it.
    expect(new URL(flow.final.headers.get("location")!).searchParams.get("error")).toBe("email_not_found");
    expect(user).toBeNull();
  });
});
