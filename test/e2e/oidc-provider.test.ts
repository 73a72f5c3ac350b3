/**
 * Sign-in, linking and account tokens against a real OpenID Provider (`oidc-provider` v9 on
 * 127.0.0.1), driven over HTTP end to end: our API, the OP's login and consent screens, the
 * hand-back to our callback, and the OP's token, userinfo and refresh endpoints. The refusals
 * (state, PKCE, iss, ID token checks) are in oidc-negative.test.ts.
 */
import Database from "better-sqlite3";
import * as oauth from "oauth4webapi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuthOptions } from "../../src/index.js";
import { openToken } from "../../src/crypto/token-cipher.js";
import { ACCOUNT_TOKEN_PURPOSE } from "../../src/flows/oauth-user.js";
import { Client, ORIGIN, type TestAuth, makeAuth, uniqueEmail } from "../core/harness.js";
import { signInWithProvider } from "../helpers/oauth-flow.js";
import { authorizeAtOP, type OidcAccount } from "../helpers/oidc-provider.js";
import {
  CLIENTS,
  counts,
  errorOf,
  LOCAL_CALLBACK,
  LOCAL_SECRET,
  type LocalOP,
  locationOf,
  setsSession,
  signInAtOP,
  startLocalOP,
} from "../helpers/op-flow.js";
import { startStandIn } from "../helpers/provider-stand-in.js";

let local: LocalOP;

beforeAll(async () => {
  local = await startLocalOP();
});

afterAll(async () => {
  await local?.close();
});

/** An auth instance (in-memory database) with the OP configured as the provider "local". */
function setup(options: AuthOptions = {}, provider = local.config()): TestAuth {
  return makeAuth({ providers: [provider], ...options }).auth;
}

interface StoredAccount {
  id: string;
  userId: string;
  raw: Record<string, unknown>;
  accessToken: string | null;
  refreshToken: string | null;
  idToken: string | null;
}

/** The account row of an OP end-user, with its tokens decrypted. */
async function storedAccount(auth: TestAuth, sub: string): Promise<StoredAccount> {
  const raw = await auth.$context.adapter.findOne({
    model: "account",
    where: [
      { field: "providerId", value: "local" },
      { field: "accountId", value: sub },
    ],
  });
  if (!raw) throw new Error(`no account row for ${sub}`);
  const open = (value: unknown) =>
    openToken(typeof value === "string" ? value : null, auth.$context.secrets, ACCOUNT_TOKEN_PURPOSE);
  return {
    id: String(raw.id),
    userId: String(raw.userId),
    raw,
    accessToken: await open(raw.accessToken),
    refreshToken: await open(raw.refreshToken),
    idToken: await open(raw.idToken),
  };
}

/** Asks the OP's userinfo endpoint who an access token belongs to (null when it refuses it). */
async function userinfoSub(accessToken: string): Promise<string | null> {
  const discovery = (await (await fetch(`${local.op.issuer}/.well-known/openid-configuration`)).json()) as {
    userinfo_endpoint: string;
  };
  const response = await fetch(discovery.userinfo_endpoint, {
    headers: { authorization: `Bearer ${accessToken}` },
  });
  if (!response.ok) return null;
  return ((await response.json()) as { sub: string }).sub;
}

/** A user signed in through the OP as a fresh end-user. */
async function oidcUser(
  auth: TestAuth,
  account: OidcAccount = local.account(),
): Promise<{ client: Client; account: OidcAccount; userId: string }> {
  const client = new Client(auth);
  const flow = await signInAtOP(client, { login: account.sub });
  expect(errorOf(flow.final)).toBeNull();
  const session = await client.getSession();
  return { client, account, userId: session.body.user.id };
}

/** A user signed up with email + password (email verified in the store when asked). */
async function passwordUser(
  auth: TestAuth,
  email: string,
  options: { verified?: boolean } = {},
): Promise<{ client: Client; userId: string }> {
  const client = new Client(auth);
  const res = await client.signUp(email);
  expect(res.status).toBe(200);
  const userId = res.body.user.id as string;
  if (options.verified)
    await auth.$context.store.update("user", [{ field: "id", value: userId }], { emailVerified: true });
  return { client, userId };
}

const providerIds = async (client: Client): Promise<string[]> =>
  ((await client.get("/list-accounts")).body as { providerId: string }[]).map((a) => a.providerId).sort();

describe("sign-in through the OP", () => {
  it("creates a new user from the OP's claims, lists the account by sub, and the session works", async () => {
    const auth = setup();
    const account = local.account({ name: "Ada Lovelace" });
    const client = new Client(auth);
    const flow = await signInAtOP(client, {
      login: account.sub,
      body: { newUserCallbackURL: "/welcome" },
    });

    // The authorization request carried PKCE S256, state and nonce.
    const request = new URL(flow.start.url).searchParams;
    expect(request.get("code_challenge_method")).toBe("S256");
    expect(request.get("state")).toBeTruthy();
    expect(request.get("nonce")).toBeTruthy();
    expect(request.get("redirect_uri")).toBe(LOCAL_CALLBACK);

    expect(flow.handBack.method).toBe("GET");
    expect(locationOf(flow.final).href).toBe(`${ORIGIN}/welcome`);
    expect(setsSession(flow.callback)).toBe(true);
    const session = await client.getSession();
    expect(session.body.user).toMatchObject({
      email: account.email,
      emailVerified: true,
      name: "Ada Lovelace",
    });
    const accounts = await client.get("/list-accounts");
    expect(accounts.status).toBe(200);
    expect(accounts.body).toEqual([
      expect.objectContaining({ providerId: "local", accountId: account.sub, userId: session.body.user.id }),
    ]);
    expect(await counts(auth)).toEqual({ users: 1, accounts: 1, sessions: 1 });
  });

  it("creates the user unverified when the OP says email_verified: false", async () => {
    const auth = setup();
    const { client } = await oidcUser(auth, local.account({ email_verified: false }));
    expect((await client.getSession()).body.user.emailVerified).toBe(false);
  });

  it("signs a returning user in to the same user, with no second user, and updates the tokens", async () => {
    const auth = setup();
    const account = local.account();
    const first = await oidcUser(auth, account);
    const before = await storedAccount(auth, account.sub);

    const client = new Client(auth);
    const flow = await signInAtOP(client, { login: account.sub, body: { newUserCallbackURL: "/welcome" } });
    expect(locationOf(flow.final).pathname).toBe("/dashboard"); // not a new user this time
    expect((await client.getSession()).body.user.id).toBe(first.userId);
    expect(await counts(auth)).toEqual({ users: 1, accounts: 1, sessions: 2 });

    const after = await storedAccount(auth, account.sub);
    expect(after.id).toBe(before.id);
    expect(after.accessToken).toBeTruthy();
    expect(after.accessToken).not.toBe(before.accessToken);
    expect(after.idToken).not.toBe(before.idToken);
    expect(await userinfoSub(after.accessToken!)).toBe(account.sub);
  });

  it("asks for openid profile email when an OIDC provider is configured without scopes", async () => {
    const { scope: _scope, ...withoutScope } = local.config();
    const auth = setup({}, withoutScope);
    const account = local.account();
    const client = new Client(auth);
    const flow = await signInAtOP(client, { login: account.sub });
    expect(new URL(flow.start.url).searchParams.get("scope")).toBe("openid profile email");
    expect(errorOf(flow.final)).toBeNull();
    expect((await client.getSession()).body.user.email).toBe(account.email);
  });
});

describe("linking", () => {
  it("a signed-in user links the OP account; both are listed; the OP then signs in that user; another user cannot link it", async () => {
    const auth = setup();
    const account = local.account();
    const owner = await passwordUser(auth, account.email!);

    const link = await signInAtOP(owner.client, {
      login: account.sub,
      path: "/link-social",
      body: { callbackURL: "/settings" },
    });
    expect(locationOf(link.final).href).toBe(`${ORIGIN}/settings`);
    expect(await providerIds(owner.client)).toEqual(["credential", "local"]);
    expect((await owner.client.getSession()).body.user.id).toBe(owner.userId);

    const viaOP = await oidcUser(auth, account);
    expect(viaOP.userId).toBe(owner.userId);

    const intruder = await passwordUser(auth, uniqueEmail("intruder"));
    const before = await counts(auth);
    const stolen = await signInAtOP(intruder.client, {
      login: account.sub,
      path: "/link-social",
      body: { errorCallbackURL: "/settings" },
    });
    expect(errorOf(stolen.final)).toBe("account_already_linked_to_different_user");
    expect(locationOf(stolen.final).pathname).toBe("/settings");
    expect(await providerIds(intruder.client)).toEqual(["credential"]);
    expect((await storedAccount(auth, account.sub)).userId).toBe(owner.userId);
    expect(await counts(auth)).toEqual(before);
  });

  it("refuses to link an OP account whose email differs from the user's, unless allowDifferentEmails", async () => {
    for (const allowDifferentEmails of [false, true]) {
      const auth = setup({ account: { accountLinking: { allowDifferentEmails } } });
      const account = local.account();
      const user = await passwordUser(auth, uniqueEmail("other"));
      const link = await signInAtOP(user.client, { login: account.sub, path: "/link-social" });
      if (allowDifferentEmails) {
        expect(errorOf(link.final)).toBeNull();
        expect(await providerIds(user.client)).toEqual(["credential", "local"]);
      } else {
        expect(errorOf(link.final)).toBe("email_does_not_match");
        expect(await providerIds(user.client)).toEqual(["credential"]);
      }
    }
  });
});

describe("email-based linking", () => {
  it("refuses an OP account with the verified email of an existing user: account_not_linked", async () => {
    const auth = setup();
    const account = local.account();
    await passwordUser(auth, account.email!, { verified: true });
    const before = await counts(auth);
    const client = new Client(auth);
    const flow = await signInAtOP(client, { login: account.sub });
    expect(errorOf(flow.final)).toBe("account_not_linked");
    expect(setsSession(flow.callback, flow.final)).toBe(false);
    expect(await counts(auth)).toEqual(before);
  });

  it("links it to the existing user when the provider is trusted (trustedProviders or allowDangerousEmailAccountLinking)", async () => {
    const configs = [
      { options: { account: { accountLinking: { trustedProviders: ["local"] } } }, provider: local.config() },
      { options: {}, provider: local.config({ allowDangerousEmailAccountLinking: true }) },
    ];
    for (const { options, provider } of configs) {
      const auth = setup(options, provider);
      const account = local.account();
      const existing = await passwordUser(auth, account.email!, { verified: true });
      const { client, userId } = await oidcUser(auth, account);
      expect(userId).toBe(existing.userId);
      expect(await providerIds(client)).toEqual(["credential", "local"]);
      expect((await counts(auth)).users).toBe(1);
    }
  });

  it("refuses even a trusted provider when the OP says email_verified: false", async () => {
    const auth = setup({ account: { accountLinking: { trustedProviders: ["local"] } } });
    const account = local.account({ email_verified: false });
    await passwordUser(auth, account.email!, { verified: true });
    const before = await counts(auth);
    const flow = await signInAtOP(new Client(auth), { login: account.sub });
    expect(errorOf(flow.final)).toBe("account_not_linked");
    expect(setsSession(flow.callback, flow.final)).toBe(false);
    expect(await counts(auth)).toEqual(before);
  });

  it("refuses a trusted provider onto an unverified user with a password (a possible pre-registration)", async () => {
    const auth = setup({ account: { accountLinking: { trustedProviders: ["local"] } } });
    const account = local.account();
    await passwordUser(auth, account.email!);
    const flow = await signInAtOP(new Client(auth), { login: account.sub });
    expect(errorOf(flow.final)).toBe("account_not_linked");
    expect((await counts(auth)).accounts).toBe(1);
  });
});

describe("unlinking", () => {
  it("unlinks the OP account of a user who also has a password", async () => {
    const auth = setup();
    const account = local.account();
    const owner = await passwordUser(auth, account.email!);
    await signInAtOP(owner.client, { login: account.sub, path: "/link-social" });
    expect(await providerIds(owner.client)).toEqual(["credential", "local"]);

    const res = await owner.client.post("/unlink-account", { providerId: "local" });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: true });
    expect(await providerIds(owner.client)).toEqual(["credential"]);
    // The OP account no longer signs that user in.
    const flow = await signInAtOP(new Client(auth), { login: account.sub });
    expect(errorOf(flow.final)).toBe("account_not_linked");
  });

  it("refuses to unlink the last account: FAILED_TO_UNLINK_LAST_ACCOUNT", async () => {
    const auth = setup();
    const { client } = await oidcUser(auth);
    const res = await client.post("/unlink-account", { providerId: "local" });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("FAILED_TO_UNLINK_LAST_ACCOUNT");
    expect(await providerIds(client)).toEqual(["local"]);
  });
});

describe("provider tokens", () => {
  it("POST /refresh-token gets a new access token from the OP and stores it", async () => {
    const auth = setup();
    const { client, account } = await oidcUser(auth);
    const before = await storedAccount(auth, account.sub);
    expect(before.refreshToken).toBeTruthy();

    const res = await client.post("/refresh-token", { providerId: "local" });
    expect(res.status).toBe(200);
    // accountId is the account row's id, as Better Auth 1.7 answers.
    expect(res.body).toMatchObject({ providerId: "local", accountId: before.id });
    expect(res.body.accessToken).toBeTruthy();
    expect(res.body.accessToken).not.toBe(before.accessToken);
    expect(new Date(res.body.accessTokenExpiresAt).getTime()).toBeGreaterThan(Date.now());
    expect(await userinfoSub(res.body.accessToken)).toBe(account.sub);
    expect((await storedAccount(auth, account.sub)).accessToken).toBe(res.body.accessToken);

    // The stored refresh token (rotated or not) keeps working.
    const again = await client.post("/refresh-token", { providerId: "local" });
    expect(again.status).toBe(200);
    expect(again.body.accessToken).not.toBe(res.body.accessToken);
    expect(await userinfoSub(again.body.accessToken)).toBe(account.sub);
  });

  it("GET /account-info reads the account from the OP's userinfo with the stored token", async () => {
    const auth = setup();
    const { client, account } = await oidcUser(auth, local.account({ name: "Grace Hopper" }));
    const res = await client.get(`/account-info?accountId=${account.sub}`);
    expect(res.status).toBe(200);
    expect(res.body.user).toEqual({
      id: account.sub,
      name: "Grace Hopper",
      email: account.email,
      image: null,
      emailVerified: true,
    });
    expect(res.body.data.sub).toBe(account.sub);
  });

  it("POST /get-access-token answers the stored token, and refreshes it at the OP once it has expired", async () => {
    const auth = setup();
    const { client, account } = await oidcUser(auth);
    const stored = await storedAccount(auth, account.sub);

    const fresh = await client.post("/get-access-token", { providerId: "local" });
    expect(fresh.status).toBe(200);
    expect(fresh.body.accessToken).toBe(stored.accessToken);
    expect(fresh.body.idToken).toBe(stored.idToken);

    await auth.$context.store.update("account", [{ field: "id", value: stored.id }], {
      accessTokenExpiresAt: new Date(Date.now() - 60_000),
    });
    const renewed = await client.post("/get-access-token", { providerId: "local" });
    expect(renewed.status).toBe(200);
    expect(renewed.body.accessToken).toBeTruthy();
    expect(renewed.body.accessToken).not.toBe(stored.accessToken);
    expect(new Date(renewed.body.accessTokenExpiresAt).getTime()).toBeGreaterThan(Date.now());
    expect(await userinfoSub(renewed.body.accessToken)).toBe(account.sub);
    expect((await storedAccount(auth, account.sub)).accessToken).toBe(renewed.body.accessToken);
  });

  it("POST /get-access-token fails closed when the OP has revoked the refresh token: FAILED_TO_GET_ACCESS_TOKEN", async () => {
    const auth = setup();
    const { client, account } = await oidcUser(auth);
    const stored = await storedAccount(auth, account.sub);
    const discovery = (await (await fetch(`${local.op.issuer}/.well-known/openid-configuration`)).json()) as {
      revocation_endpoint: string;
    };
    const revoked = await fetch(discovery.revocation_endpoint, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        authorization: `Basic ${Buffer.from(`${CLIENTS.basic}:${LOCAL_SECRET}`).toString("base64")}`,
      },
      body: new URLSearchParams({ token: stored.refreshToken!, token_type_hint: "refresh_token" }),
    });
    expect(revoked.status).toBe(200);
    await auth.$context.store.update("account", [{ field: "id", value: stored.id }], {
      accessTokenExpiresAt: new Date(Date.now() - 60_000),
    });

    const res = await client.post("/get-access-token", { providerId: "local" });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("FAILED_TO_GET_ACCESS_TOKEN");
    const after = await storedAccount(auth, account.sub);
    expect(after.accessToken).toBe(stored.accessToken);
    expect(after.refreshToken).toBe(stored.refreshToken);
  });

  it("keeps access, refresh and ID tokens encrypted at rest (gh1.), with no plaintext in the row", async () => {
    const auth = setup();
    const { client, account } = await oidcUser(auth);
    const { raw, refreshToken } = await storedAccount(auth, account.sub);
    const { accessToken, idToken } = (await client.post("/get-access-token", { providerId: "local" })).body;
    expect(await userinfoSub(accessToken)).toBe(account.sub); // the OP's own token, decrypted
    expect(idToken.split(".")).toHaveLength(3);
    expect(refreshToken).toBeTruthy();

    for (const column of ["accessToken", "refreshToken", "idToken"]) {
      expect(String(raw[column]).startsWith("gh1."), column).toBe(true);
    }
    const row = JSON.stringify(raw);
    for (const plaintext of [accessToken, refreshToken!, ...idToken.split(".")]) {
      expect(row.includes(plaintext)).toBe(false);
    }
  });

  it("stores them as they came with encryptOAuthTokens: false (the check above can tell)", async () => {
    const auth = setup({ account: { encryptOAuthTokens: false } });
    const { client, account } = await oidcUser(auth);
    const { raw } = await storedAccount(auth, account.sub);
    const { accessToken } = (await client.post("/get-access-token", { providerId: "local" })).body;
    expect(raw.accessToken).toBe(accessToken);
    expect(String(raw.accessToken).startsWith("gh1.")).toBe(false);
  });
});

describe("on SQLite", () => {
  it("signs in, seals the tokens in the SQL row itself, and refreshes once accessTokenExpiresAt has passed", async () => {
    const db = new Database(":memory:");
    const auth = setup({ database: db });
    await auth.migrate();
    try {
      const { client, account } = await oidcUser(auth);
      const [row] = db.prepare("SELECT * FROM account WHERE accountId = ?").all(account.sub) as Record<
        string,
        unknown
      >[];
      for (const column of ["accessToken", "refreshToken", "idToken"])
        expect(String(row![column]).startsWith("gh1."), column).toBe(true);
      const stored = await storedAccount(auth, account.sub);
      expect(JSON.stringify(row).includes(stored.accessToken!)).toBe(false);

      await auth.$context.store.update("account", [{ field: "id", value: stored.id }], {
        accessTokenExpiresAt: new Date(Date.now() - 60_000),
      });
      const renewed = await client.post("/get-access-token", { providerId: "local" });
      expect(renewed.status).toBe(200);
      expect(renewed.body.accessToken).not.toBe(stored.accessToken);
      expect(await userinfoSub(renewed.body.accessToken)).toBe(account.sub);
    } finally {
      await auth.close();
    }
  });
});

describe("other ways of talking to the OP", () => {
  it("form_post: the OP POSTs the hand-back (no cookies), and the sign-in completes", async () => {
    const auth = setup({}, local.config({ responseMode: "form_post" }));
    const account = local.account();
    const client = new Client(auth);
    const flow = await signInAtOP(client, { login: account.sub });
    expect(new URL(flow.start.url).searchParams.get("response_mode")).toBe("form_post");
    expect(flow.handBack.method).toBe("POST");
    expect(flow.callback.status).toBe(302);
    expect(setsSession(flow.callback)).toBe(false); // the POST only moves the parameters to a GET
    expect(locationOf(flow.final).pathname).toBe("/dashboard");
    expect(setsSession(flow.final)).toBe(true);
    expect((await client.getSession()).body.user.email).toBe(account.email);
  });

  it("private_key_jwt: signs in and refreshes with the client's key (the OP accepts nothing else)", async () => {
    const { privateKey, publicJwk } = local.clientKeys;
    const auth = setup(
      {},
      local.config({
        clientId: CLIENTS.jwt,
        clientSecret: undefined,
        privateKey: { key: privateKey, kid: publicJwk.kid },
      }),
    );
    const { client, account } = await oidcUser(auth);
    expect((await client.getSession()).body.user.email).toBe(account.email);
    const refreshed = await client.post("/refresh-token", { providerId: "local" });
    expect(refreshed.status).toBe(200);
    expect(await userinfoSub(refreshed.body.accessToken)).toBe(account.sub);
  });

  it("client_secret_post: signs in and refreshes with the secret in the form", async () => {
    const auth = setup(
      {},
      local.config({ clientId: CLIENTS.post, client: { token_endpoint_auth_method: "client_secret_post" } }),
    );
    const { client, account } = await oidcUser(auth);
    expect((await client.getSession()).body.user.email).toBe(account.email);
    const refreshed = await client.post("/refresh-token", { providerId: "local" });
    expect(refreshed.status).toBe(200);
    expect(await userinfoSub(refreshed.body.accessToken)).toBe(account.sub);
  });

  it("puts the secret in the form for client_secret_post, in Authorization for client_secret_basic (on the wire)", async () => {
    // The OP accepts either way for a client_secret_post client, so a recording stand-in tells them apart.
    const stand = await startStandIn({
      clientId: "wire",
      clientSecret: "wire-secret",
      oidc: true,
      idTokenClaims: { sub: "wire-user", email: "wire@example.test", email_verified: true },
    });
    try {
      for (const method of ["client_secret_post", "client_secret_basic"] as const) {
        const { auth } = makeAuth({
          providers: [
            {
              id: "wire",
              name: "Wire",
              type: "oidc",
              issuer: stand.url,
              clientId: "wire",
              clientSecret: "wire-secret",
              client: { token_endpoint_auth_method: method },
            },
          ],
        });
        const flow = await signInWithProvider(new Client(auth), {
          provider: "wire",
          callbackURL: "/dashboard",
        });
        expect(errorOf(flow.final)).toBeNull();
        const tokenRequest = stand.requests.findLast((r) => r.path === "/token")!;
        if (method === "client_secret_post") {
          expect(tokenRequest.form.get("client_secret")).toBe("wire-secret");
          expect(tokenRequest.headers.get("authorization")).toBeNull();
        } else {
          expect(tokenRequest.form.get("client_secret")).toBeNull();
          expect(tokenRequest.headers.get("authorization")).toMatch(/^Basic /);
        }
      }
    } finally {
      await stand.close();
    }
  });
});

/** An ID token the OP issued to `clientId`, obtained by a plain oauth4webapi relying party. */
async function idTokenFromOP(clientId: string, login: string, nonce: string): Promise<string> {
  const insecure = { [oauth.allowInsecureRequests]: true } as const;
  const issuer = new URL(local.op.issuer);
  const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, insecure));
  const client: oauth.Client = { client_id: clientId };
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const url = new URL(as.authorization_endpoint!);
  url.search = new URLSearchParams({
    client_id: clientId,
    redirect_uri: LOCAL_CALLBACK,
    response_type: "code",
    scope: "openid email profile",
    state,
    nonce,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: "S256",
  }).toString();
  const handBack = await authorizeAtOP(url.href, { login });
  const params = oauth.validateAuthResponse(as, client, new URL(handBack.url), state);
  const response = await oauth.authorizationCodeGrantRequest(
    as,
    client,
    oauth.ClientSecretBasic(LOCAL_SECRET),
    params,
    LOCAL_CALLBACK,
    verifier,
    insecure,
  );
  const tokens = await oauth.processAuthorizationCodeResponse(as, client, response, {
    expectedNonce: nonce,
    requireIdToken: true,
  });
  return tokens.id_token!;
}

describe("sign-in with an ID token", () => {
  it("signs in (and creates the user) with an ID token the OP issued for our client id", async () => {
    const auth = setup();
    const account = local.account();
    const nonce = oauth.generateRandomNonce();
    const token = await idTokenFromOP(CLIENTS.basic, account.sub, nonce);

    const client = new Client(auth);
    const res = await client.post("/sign-in/social", { provider: "local", idToken: { token, nonce } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ redirect: false, user: { email: account.email, emailVerified: true } });
    expect(typeof res.body.token).toBe("string");
    expect(setsSession(res)).toBe(true);
    expect((await client.getSession()).body.user.email).toBe(account.email);
    expect(await providerIds(client)).toEqual(["local"]);
    expect((await client.get("/list-accounts")).body[0].accountId).toBe(account.sub);
  });

  it("refuses the same ID token with another nonce, or one issued to another client: INVALID_ID_TOKEN", async () => {
    const auth = setup();
    const account = local.account();
    const nonce = oauth.generateRandomNonce();
    const ours = await idTokenFromOP(CLIENTS.basic, account.sub, nonce);
    const theirs = await idTokenFromOP(CLIENTS.other, account.sub, nonce);
    const [header, payload, signature] = ours.split(".");
    const flipped = `${header}.${payload}.${signature!.startsWith("A") ? "B" : "A"}${signature!.slice(1)}`;
    for (const idToken of [
      { token: ours, nonce: "another-nonce" },
      { token: theirs, nonce },
      { token: flipped, nonce },
    ]) {
      const client = new Client(auth);
      const res = await client.post("/sign-in/social", { provider: "local", idToken });
      expect(res.status).toBe(401);
      expect(res.body.code).toBe("INVALID_ID_TOKEN");
      expect(setsSession(res)).toBe(false);
    }
    expect(await counts(auth)).toEqual({ users: 0, accounts: 0, sessions: 0 });
  });
});
