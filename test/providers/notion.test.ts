import { afterEach, describe, expect, it } from "vitest";
import Notion from "../../src/providers/notion.js";
import { Client, makeAuth } from "../core/harness.js";
import { signInWithProvider } from "../helpers/oauth-flow.js";
import { type StandIn, startStandIn } from "../helpers/provider-stand-in.js";

const person = {
  object: "user",
  id: "5389a034-eb5c-47b5-8a9e-f79c99ef166c",
  name: "Ada Notion",
  avatar_url: "https://s3.example.test/ada.png",
  type: "person",
  person: { email: "ada@example.test" },
};

let standIn: StandIn | undefined;
afterEach(() => standIn?.close());

async function signIn(owner: unknown, routes: Record<string, unknown> = {}) {
  standIn = await startStandIn({
    clientId: "notion-id",
    clientSecret: "notion-secret",
    // The documented token response: no expires_in, the integration's owner and workspace.
    tokenResponse: {
      token_type: "bearer",
      expires_in: undefined,
      scope: undefined,
      bot_id: "b3414d65-1224-5ty7-6ffr-cc9d8773drt6",
      workspace_id: "j565j4d7x3-2882-61bs-564a",
      workspace_name: "Ada's Workspace",
      workspace_icon: "https://example.test/icon.png",
      duplicated_template_id: null,
      owner,
    },
    routes,
  });
  const provider = Notion({
    clientId: "notion-id",
    clientSecret: "notion-secret",
    authorization: standIn.authorizeURL,
    token: standIn.tokenURL,
    userinfo: `${standIn.url}/v1/users/me`,
  });
  const client = new Client(makeAuth({ providers: [provider] }).auth);
  const flow = await signInWithProvider(client, { provider: "notion", callbackURL: "/dashboard" });
  return { client, flow };
}

describe("Notion preset", () => {
  it("takes the person from the token response's owner, authenticating with HTTP Basic", async () => {
    const { client, flow } = await signIn({ type: "user", user: person });
    expect(flow.authorizationURL.searchParams.get("owner")).toBe("user");
    expect(flow.final.headers.get("location")).toBe("/dashboard");
    const token = standIn!.requests.find((r) => r.path === "/token")!;
    expect(token.headers.get("authorization")).toMatch(/^Basic /);
    expect(token.form.get("client_secret")).toBeNull();
    expect(standIn!.requests.some((r) => r.path === "/v1/users/me")).toBe(false);
    const session = await client.getSession();
    expect(session.body.user).toMatchObject({
      name: "Ada Notion",
      email: "ada@example.test",
      emailVerified: false,
      image: person.avatar_url,
    });
    const accounts = await client.get("/list-accounts");
    expect(accounts.body).toEqual([expect.objectContaining({ providerId: "notion", accountId: person.id })]);
  });

  it("falls back to the bot user's owner from GET /v1/users/me, with a Notion-Version", async () => {
    const { client, flow } = await signIn(
      { workspace: true },
      {
        "GET /v1/users/me": (req: { headers: Headers }) =>
          req.headers.get("notion-version")
            ? { object: "user", id: "bot-1", type: "bot", bot: { owner: { type: "user", user: person } } }
            : new Response("missing Notion-Version", { status: 400 }),
      },
    );
    expect(flow.final.headers.get("location")).toBe("/dashboard");
    const accounts = await client.get("/list-accounts");
    expect(accounts.body).toEqual([expect.objectContaining({ providerId: "notion", accountId: person.id })]);
  });
});
