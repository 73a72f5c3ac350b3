/**
 * Linked accounts over HTTP, with GitHub played by a stand-in: list, account-info, unlink rules,
 * get-access-token, and `userId` being for server calls only.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import GitHub from "../../src/providers/github.js";
import { Client, makeAuth, uniqueEmail } from "../core/harness.js";
import { signInWithProvider } from "../helpers/oauth-flow.js";
import { type StandIn, startStandIn } from "../helpers/provider-stand-in.js";

let standIn: StandIn;
let email = "";

beforeAll(async () => {
  standIn = await startStandIn({
    clientId: "gh",
    clientSecret: "gh-secret",
    routes: {
      "GET /user": () => ({
        id: 1234,
        login: "ada",
        name: "Ada",
        email: null,
        avatar_url: "https://a/ada.png",
      }),
      "GET /user/emails": () => [{ email, primary: true, verified: true }],
    },
  });
});
afterAll(() => standIn.close());

function setup() {
  const { auth } = makeAuth({
    providers: [
      GitHub({
        clientId: "gh",
        clientSecret: "gh-secret",
        authorization: standIn.authorizeURL,
        token: standIn.tokenURL,
        userinfo: `${standIn.url}/user`,
      }),
    ],
  });
  return { auth, client: new Client(auth) };
}

describe("linked accounts", () => {
  it("a password user links GitHub, sees both accounts, reads account-info, and unlinks one", async () => {
    const { client } = setup();
    email = uniqueEmail("linker");
    expect((await client.signUp(email)).status).toBe(200);
    const link = await signInWithProvider(
      client,
      { provider: "github", callbackURL: "/settings" },
      { path: "/link-social" },
    );
    expect(link.final.status).toBe(302);
    expect(link.final.headers.get("location")).toBe("/settings");

    const listed = await client.get("/list-accounts");
    expect(listed.body.map((a: { providerId: string }) => a.providerId).sort()).toEqual([
      "credential",
      "github",
    ]);
    expect(
      listed.body.every((a: Record<string, unknown>) => !("accessToken" in a) && !("password" in a)),
    ).toBe(true);

    const info = await client.get("/account-info?accountId=1234");
    expect(info.status).toBe(200);
    expect(info.body.user).toMatchObject({ id: "1234", name: "Ada", email, emailVerified: true });
    expect(info.body.data).toMatchObject({ login: "ada" });

    const missing = await client.post("/unlink-account", { providerId: "gitlab" });
    expect(missing.status).toBe(400);
    expect(missing.body.code).toBe("ACCOUNT_NOT_FOUND");
    const unlinked = await client.post("/unlink-account", { providerId: "github" });
    expect(unlinked.body).toEqual({ status: true });
    expect((await client.get("/list-accounts")).body).toHaveLength(1);
    const last = await client.post("/unlink-account", { providerId: "credential" });
    expect(last.status).toBe(400);
    expect(last.body.code).toBe("FAILED_TO_UNLINK_LAST_ACCOUNT");
    // With one account left, the answer is the same whatever is asked for.
    const gone = await client.post("/unlink-account", { providerId: "github" });
    expect(gone.body.code).toBe("FAILED_TO_UNLINK_LAST_ACCOUNT");
  });

  it("unlinking needs a fresh session (signed in within freshAge)", async () => {
    const { auth, client } = setup();
    email = uniqueEmail("stale");
    expect((await client.signUp(email)).status).toBe(200);
    await signInWithProvider(client, { provider: "github" }, { path: "/link-social" });
    const { session } = (await client.getSession()).body;
    await auth.$context.store.update("session", [{ field: "id", value: session.id }], {
      createdAt: new Date(Date.now() - 2 * 86_400_000),
    });
    const stale = await client.post("/unlink-account", { providerId: "github" });
    expect(stale.status).toBe(403);
    expect(stale.body.code).toBe("SESSION_NOT_FRESH");
    expect((await client.get("/list-accounts")).body).toHaveLength(2);
  });

  it("linking with a different email is refused unless allowDifferentEmails", async () => {
    const { client } = setup();
    expect((await client.signUp(uniqueEmail("mine"))).status).toBe(200);
    email = uniqueEmail("theirs");
    const link = await signInWithProvider(client, { provider: "github" }, { path: "/link-social" });
    expect(new URL(String(link.final.headers.get("location"))).searchParams.get("error")).toBe(
      "email_does_not_match",
    );
    expect((await client.get("/list-accounts")).body).toHaveLength(1);
  });

  it("account endpoints need a session; userId works only for server calls", async () => {
    const { auth, client } = setup();
    email = uniqueEmail("server");
    await signInWithProvider(client, { provider: "github" });
    const me = (await client.getSession()).body.user;

    const anonymous = new Client(auth);
    expect((await anonymous.get("/list-accounts")).status).toBe(401);
    expect((await anonymous.post("/get-access-token", { providerId: "github", userId: me.id })).status).toBe(
      401,
    );

    const other = new Client(auth);
    await other.signUp(uniqueEmail("other"));
    const stolen = await other.post("/get-access-token", { providerId: "github", userId: me.id });
    expect(stolen.status).toBe(403);

    const server = await auth.api.getAccessToken({ body: { providerId: "github", userId: me.id } });
    expect(typeof server.accessToken).toBe("string");
    expect(server.scopes).toEqual(["read:user", "user:email"]);
    await expect(
      auth.api.getAccessToken({ body: { providerId: "gitlab", userId: me.id } }),
    ).rejects.toMatchObject({
      code: "ACCOUNT_NOT_FOUND",
    });
  });

  it("an unknown provider is 404 PROVIDER_NOT_FOUND; a bad callbackURL is refused before leaving", async () => {
    const { client } = setup();
    const unknown = await client.post("/sign-in/social", { provider: "nope" });
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe("PROVIDER_NOT_FOUND");
    const evil = await client.post("/sign-in/social", {
      provider: "github",
      callbackURL: "https://evil.example/x",
    });
    expect(evil.status).toBe(403);
    expect(evil.body.code).toBe("INVALID_CALLBACK_URL");
    const evilError = await client.post("/sign-in/social", {
      provider: "github",
      errorCallbackURL: "//evil.example",
    });
    expect(evilError.status).toBe(403);
  });

  it("newUserCallbackURL is used for a new user only", async () => {
    const { client } = setup();
    email = uniqueEmail("newbie");
    const first = await signInWithProvider(client, {
      provider: "github",
      callbackURL: "/home",
      newUserCallbackURL: "/welcome",
    });
    expect(first.final.headers.get("location")).toBe("/welcome");
    const again = await signInWithProvider(client, {
      provider: "github",
      callbackURL: "/home",
      newUserCallbackURL: "/welcome",
    });
    expect(again.final.headers.get("location")).toBe("/home");
  });
});
