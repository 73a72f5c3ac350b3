import { afterEach, describe, expect, it } from "vitest";
import VK from "../../src/providers/vk.js";
import { Client, makeAuth } from "../core/harness.js";
import { signInWithProvider } from "../helpers/oauth-flow.js";
import { type StandIn, type StandInRequest, startStandIn } from "../helpers/provider-stand-in.js";

let standIn: StandIn | undefined;
afterEach(() => standIn?.close());

async function signIn(usersGet: unknown) {
  standIn = await startStandIn({
    clientId: "51234567",
    clientSecret: "vk-protected-key",
    // The documented token response: no token_type, the user id and the email beside the token.
    tokenResponse: (req: StandInRequest) => ({
      access_token: `vk1.a.${req.form.get("code")?.slice(0, 8)}`,
      expires_in: 86400,
      user_id: 743784474,
      email: "persik@example.test",
    }),
    routes: { "GET /method/users.get": usersGet },
  });
  const provider = VK({
    clientId: "51234567",
    clientSecret: "vk-protected-key",
    authorization: standIn.authorizeURL,
    token: standIn.tokenURL,
    userinfo: `${standIn.url}/method/users.get`,
  });
  const client = new Client(makeAuth({ providers: [provider] }).auth);
  const flow = await signInWithProvider(client, { provider: "vk", callbackURL: "/dashboard" });
  return { client, flow };
}

describe("VK preset", () => {
  it("unwraps users.get and takes the email from the token response", async () => {
    const { client, flow } = await signIn({
      response: [
        {
          id: 743784474,
          first_name: "Персик",
          last_name: "Рыжий",
          photo_100: "https://sun1.userapi.example.test/persik_100.jpg",
          can_access_closed: true,
          is_closed: false,
        },
      ],
    });
    expect(flow.authorizationURL.searchParams.get("scope")).toBe("email");
    expect(flow.final.headers.get("location")).toBe("/dashboard");
    expect(standIn!.requests.find((r) => r.path === "/token")!.form.get("client_secret")).toBe(
      "vk-protected-key",
    );
    const call = standIn!.requests.find((r) => r.path === "/method/users.get")!;
    expect(call.query.get("v")).toMatch(/^5\.\d+$/);
    expect(call.query.get("fields")).toContain("photo_100");
    const session = await client.getSession();
    expect(session.body.user).toMatchObject({
      name: "Персик Рыжий",
      email: "persik@example.test",
      emailVerified: false,
      image: "https://sun1.userapi.example.test/persik_100.jpg",
    });
    const accounts = await client.get("/list-accounts");
    expect(accounts.body).toEqual([expect.objectContaining({ providerId: "vk", accountId: "743784474" })]);
  });

  it("fails when users.get answers with an error object", async () => {
    const { flow } = await signIn({ error: { error_code: 5, error_msg: "User authorization failed" } });
    expect(flow.final.headers.get("location")).toContain("error=unable_to_get_user_info");
  });
});
