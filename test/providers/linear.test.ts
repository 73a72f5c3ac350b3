import { afterEach, describe, expect, it } from "vitest";
import Linear from "../../src/providers/linear.js";
import { Client, makeAuth } from "../core/harness.js";
import { signInWithProvider } from "../helpers/oauth-flow.js";
import { type StandIn, type StandInRequest, startStandIn } from "../helpers/provider-stand-in.js";

const viewer = {
  id: "2f3c5a1e-7b44-4a1b-9d0e-5c6b7a8d9e0f",
  name: "Lin Ear",
  displayName: "lin",
  email: "lin@example.test",
  avatarUrl: "https://public.linear.example.test/avatars/lin.png",
};

let standIn: StandIn | undefined;
afterEach(() => standIn?.close());

async function signIn(graphql: (req: StandInRequest) => unknown) {
  standIn = await startStandIn({
    clientId: "lin-id",
    clientSecret: "lin-secret",
    tokenResponse: { token_type: "Bearer", expires_in: 86399, scope: "read" },
    routes: { "POST /graphql": graphql },
  });
  const provider = Linear({
    clientId: "lin-id",
    clientSecret: "lin-secret",
    authorization: standIn.authorizeURL,
    token: standIn.tokenURL,
    userinfo: `${standIn.url}/graphql`,
  });
  const client = new Client(makeAuth({ providers: [provider] }).auth);
  const flow = await signInWithProvider(client, { provider: "linear", callbackURL: "/dashboard" });
  return { client, flow };
}

describe("Linear preset", () => {
  it("posts the secret and reads the viewer through GraphQL", async () => {
    const { client, flow } = await signIn((req) => {
      const { query } = JSON.parse(req.body) as { query: string };
      return /viewer\s*{[^}]*\bemail\b/.test(query)
        ? { data: { viewer } }
        : { errors: [{ message: "bad query" }] };
    });
    expect(flow.authorizationURL.searchParams.get("scope")).toBe("read");
    expect(flow.final.headers.get("location")).toBe("/dashboard");
    expect(standIn!.requests.find((r) => r.path === "/token")!.form.get("client_secret")).toBe("lin-secret");
    const session = await client.getSession();
    expect(session.body.user).toMatchObject({
      name: "Lin Ear",
      email: "lin@example.test",
      emailVerified: false,
      image: viewer.avatarUrl,
    });
    const accounts = await client.get("/list-accounts");
    expect(accounts.body).toEqual([expect.objectContaining({ providerId: "linear", accountId: viewer.id })]);
  });

  it("fails the sign-in when GraphQL answers with errors", async () => {
    const { flow } = await signIn(() => ({ errors: [{ message: "Authentication required" }] }));
    expect(flow.final.status).toBe(302);
    expect(flow.final.headers.get("location")).toContain("error=unable_to_get_user_info");
  });
});
