import { afterEach, describe, expect, it } from "vitest";
import GitHub from "../../src/providers/github.js";
import { signInThrough } from "../helpers/oauth-flow.js";
import { type StandIn, startStandIn } from "../helpers/provider-stand-in.js";

const user = {
  login: "octocat",
  id: 583231,
  node_id: "MDQ6VXNlcjU4MzIzMQ==",
  avatar_url: "https://avatars.githubusercontent.com/u/583231?v=4",
  html_url: "https://github.com/octocat",
  type: "User",
  name: "The Octocat" as string | null,
  email: null as string | null,
};

let standIn: StandIn | undefined;
afterEach(() => standIn?.close());

/** Signs in through a stand-in GitHub whose `/user/emails` answers `emails`. */
async function signIn(profile: typeof user, emails: unknown) {
  standIn = await startStandIn({
    clientId: "gh-id",
    clientSecret: "gh-secret",
    // GitHub answers the token request in the documented JSON shape (Accept: application/json).
    tokenResponse: { token_type: "bearer", scope: "read:user,user:email", expires_in: undefined },
    routes: { "GET /user": profile, "GET /user/emails": emails },
  });
  const provider = GitHub({
    clientId: "gh-id",
    clientSecret: "gh-secret",
    authorization: standIn.authorizeURL,
    token: standIn.tokenURL,
    userinfo: `${standIn.url}/user`,
  });
  return signInThrough(provider);
}

describe("GitHub preset", () => {
  it("signs in with the primary verified address from /user/emails when the profile email is private", async () => {
    const {
      flow,
      user: signedIn,
      accounts,
    } = await signIn(user, [
      { email: "octocat@users.noreply.github.com", primary: false, verified: true, visibility: null },
      { email: "octocat@example.com", primary: true, verified: true, visibility: "private" },
    ]);
    expect(flow.authorizationURL.searchParams.get("scope")).toBe("read:user user:email");
    expect(flow.final.status).toBe(302);
    expect(flow.final.headers.get("location")).toBe("/dashboard");
    expect(signedIn).toMatchObject({
      name: "The Octocat",
      email: "octocat@example.com",
      emailVerified: true,
      image: user.avatar_url,
    });
    expect(accounts).toEqual([
      expect.objectContaining({
        providerId: "github",
        accountId: "583231",
        scopes: ["read:user", "user:email"],
      }),
    ]);
    // The API calls carried the issued token.
    expect(standIn!.requests.filter((r) => r.path.startsWith("/user")).map((r) => r.path)).toEqual([
      "/user",
      "/user/emails",
    ]);
  });

  it("keeps a public but unverified email unverified, and falls back to the login for the name", async () => {
    const { flow, user: signedIn } = await signIn({ ...user, name: null, email: "octo@example.net" }, [
      { email: "octo@example.net", primary: true, verified: false, visibility: "public" },
    ]);
    expect(flow.final.headers.get("location")).toBe("/dashboard");
    expect(signedIn).toMatchObject({ name: "octocat", email: "octo@example.net", emailVerified: false });
  });
});
