/**
 * Provider configuration: the two ways to configure (Auth.js `providers`, Better Auth
 * `socialProviders`) give the same provider, credentials come from the environment, presets can
 * be overridden field by field, and misuse throws at createAuth naming the fix.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAuth, toAccount, type AccountRecord } from "../../src/index.js";
import GitHub from "../../src/providers/github.js";
import Credentials from "../../src/providers/credentials.js";
import OAuth2 from "../../src/providers/oauth2.js";
import OIDC from "../../src/providers/oidc.js";
import { presets } from "../../src/providers/registry.js";
import { Client, makeAuth, SECRET } from "../core/harness.js";
import { signInWithProvider } from "../helpers/oauth-flow.js";
import { type StandIn, startStandIn } from "../helpers/provider-stand-in.js";

const ENV = ["AUTH_GITHUB_ID", "AUTH_GITHUB_SECRET", "AUTH_CORP_ISSUER", "AUTH_CORP_ID", "AUTH_CORP_SECRET"];

async function withEnv<R>(vars: Record<string, string>, fn: () => R | Promise<R>): Promise<R> {
  const saved = ENV.map((k) => [k, process.env[k]] as const);
  for (const k of ENV) delete process.env[k];
  Object.assign(process.env, vars);
  try {
    return await fn();
  } finally {
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

function resolved(auth: ReturnType<typeof createAuth>, id: string) {
  const client = auth.$context.providers.get(id);
  if (!client) throw new Error(`no provider ${id}`);
  return client.provider;
}

describe("configuring providers", () => {
  it("an uncalled preset reads AUTH_<ID>_ID and AUTH_<ID>_SECRET", async () => {
    await withEnv({ AUTH_GITHUB_ID: "env-id", AUTH_GITHUB_SECRET: "env-secret" }, () => {
      const p = resolved(createAuth({ secret: SECRET, providers: [GitHub] }), "github");
      expect(p.clientId).toBe("env-id");
      expect(p.clientSecret).toBe("env-secret");
      expect(p.clientAuth).toBe("client_secret_basic");
    });
  });

  it("a missing client id throws at createAuth, naming the environment variable", async () => {
    await withEnv({}, () => {
      expect(() => createAuth({ secret: SECRET, providers: [GitHub] })).toThrow(/AUTH_GITHUB_ID/);
      expect(() => createAuth({ secret: SECRET, providers: [GitHub({ clientId: "x" })] })).toThrow(
        /AUTH_GITHUB_SECRET/,
      );
    });
  });

  it("providers: [GitHub({...})] and socialProviders: { github: {...} } give the same provider", () => {
    const a = resolved(
      createAuth({ secret: SECRET, providers: [GitHub({ clientId: "i", clientSecret: "s" })] }),
      "github",
    );
    const b = resolved(
      createAuth({ secret: SECRET, socialProviders: { github: { clientId: "i", clientSecret: "s" } } }),
      "github",
    );
    for (const key of [
      "id",
      "type",
      "authorizationURL",
      "tokenURL",
      "userinfoURL",
      "clientId",
      "clientAuth",
    ] as const)
      expect(b[key], key).toEqual(a[key]);
    expect(b.scopes).toEqual(a.scopes);
  });

  it.each(Object.keys(presets))("socialProviders.%s equals the same preset in providers: [...]", (key) => {
    const credentials = { clientId: "id-1", clientSecret: "secret-1", issuer: "https://idp.example.com" };
    const viaList = resolved(
      createAuth({ secret: SECRET, providers: [{ ...presets[key]!(credentials), id: key }] }),
      key,
    );
    const viaMap = resolved(createAuth({ secret: SECRET, socialProviders: { [key]: credentials } }), key);
    for (const field of [
      "type",
      "issuer",
      "authorizationURL",
      "authorizationParams",
      "tokenURL",
      "userinfoURL",
      "clientId",
      "clientAuth",
      "scopes",
      "nonce",
      "responseMode",
    ] as const) {
      expect(viaMap[field], field).toEqual(viaList[field]);
    }
  });

  it("socialProviders adds scopes, can drop the defaults, and refuses an unknown key", () => {
    const add = resolved(
      createAuth({
        secret: SECRET,
        socialProviders: { github: { clientId: "i", clientSecret: "s", scope: ["repo"] } },
      }),
      "github",
    );
    expect(add.scopes).toEqual(["read:user", "user:email", "repo"]);
    const only = resolved(
      createAuth({
        secret: SECRET,
        socialProviders: {
          github: { clientId: "i", clientSecret: "s", scope: ["repo"], disableDefaultScope: true },
        },
      }),
      "github",
    );
    expect(only.scopes).toEqual(["repo"]);
    expect(() =>
      createAuth({ secret: SECRET, socialProviders: { nosuch: { clientId: "i", clientSecret: "s" } } }),
    ).toThrow(/socialProviders\.nosuch: no preset named "nosuch"/);
  });

  it("any preset field can be overridden; endpoint overrides keep the preset's params", () => {
    const p = resolved(
      createAuth({
        secret: SECRET,
        providers: [
          GitHub({
            clientId: "i",
            clientSecret: "s",
            scope: "read:user",
            authorization: { params: { allow_signup: "false" } },
            token: "https://github.example.com/token",
          }),
        ],
      }),
      "github",
    );
    expect(p.scopes).toEqual(["read:user"]);
    expect(p.authorizationURL).toBe("https://github.com/login/oauth/authorize");
    expect(p.authorizationParams).toEqual({ allow_signup: "false" });
    expect(p.tokenURL).toBe("https://github.example.com/token");
  });

  it("provider URLs must be https; plain http only on loopback hosts", () => {
    const make = (url: string) =>
      createAuth({
        secret: SECRET,
        providers: [OAuth2({ id: "x", clientId: "i", clientSecret: "s", authorization: url, token: url })],
      });
    expect(() => make("http://auth.example.com/oauth")).toThrow(/must use https/);
    expect(() => make("ftp://127.0.0.1/oauth")).toThrow(/must use https/);
    for (const ok of [
      "https://auth.example.com/o",
      "http://localhost:8080/o",
      "http://127.0.0.1/o",
      "http://[::1]:9/o",
    ])
      expect(() => make(ok), ok).not.toThrow();
  });

  it("an OIDC provider needs an issuer, from options or AUTH_<ID>_ISSUER", async () => {
    await withEnv({}, () => {
      expect(() =>
        createAuth({ secret: SECRET, providers: [OIDC({ id: "corp", clientId: "i", clientSecret: "s" })] }),
      ).toThrow(/AUTH_CORP_ISSUER/);
    });
    await withEnv(
      { AUTH_CORP_ISSUER: "https://sso.example.com/", AUTH_CORP_ID: "i", AUTH_CORP_SECRET: "s" },
      () => {
        const p = resolved(createAuth({ secret: SECRET, providers: [OIDC({ id: "corp" })] }), "corp");
        // Kept exactly: discovery compares issuers byte for byte.
        expect(p.issuer).toBe("https://sso.example.com/");
        expect(p.nonce).toBe(true);
      },
    );
  });

  it("refuses a provider configured twice and a malformed list", () => {
    const gh = GitHub({ clientId: "i", clientSecret: "s" });
    expect(() => createAuth({ secret: SECRET, providers: [gh, gh] })).toThrow(/configured twice/);
    expect(() =>
      createAuth({
        secret: SECRET,
        providers: [gh],
        socialProviders: { github: { clientId: "i", clientSecret: "s" } },
      }),
    ).toThrow(/configured twice/);
    // An OAuth provider may not take the id of a credentials provider listed before it.
    expect(() =>
      createAuth({
        secret: SECRET,
        providers: [Credentials({ id: "github", authorize: async () => null }), gh],
      }),
    ).toThrow(/provider id "github" is configured twice/);
    // biome-ignore lint/suspicious/noExplicitAny: deliberately wrong input
    expect(() => createAuth({ secret: SECRET, providers: gh as any })).toThrow(/providers: must be an array/);
    expect(() => createAuth({ secret: SECRET, providers: [{ ...gh, id: "bad id" }] })).toThrow(
      /provider id must be/,
    );
  });
});

describe("stored accounts", () => {
  let standIn: StandIn;
  beforeAll(async () => {
    standIn = await startStandIn({
      clientId: "c1",
      clientSecret: "s1",
      routes: {
        "GET /user": {
          id: 7,
          login: "ada",
          name: "Ada",
          email: "ada@example.test",
          avatar_url: "https://i/a.png",
        },
        "GET /user/emails": [{ email: "ada@example.test", primary: true, verified: true }],
      },
    });
  });
  afterAll(() => standIn.close());

  const github = () =>
    GitHub({
      clientId: "c1",
      clientSecret: "s1",
      authorization: standIn.authorizeURL,
      token: standIn.tokenURL,
      userinfo: `${standIn.url}/user`,
    });

  it("keeps provider tokens encrypted at rest and maps a row to Auth.js's Account", async () => {
    const { auth } = makeAuth({ providers: [github()] });
    const client = new Client(auth);
    const flow = await signInWithProvider(client, { provider: "github", callbackURL: "/home" });
    expect(flow.final.status).toBe(302);
    expect(flow.final.headers.get("location")).toBe("/home");
    const row = (await auth.$context.store.findOne("account", [
      { field: "providerId", value: "github" },
    ])) as AccountRecord;
    expect(String(row.accessToken)).toMatch(/^gh1\./);
    expect(String(row.refreshToken)).toMatch(/^gh1\./);
    const viaApi = await client.post("/get-access-token", { providerId: "github" });
    expect(viaApi.status).toBe(200);
    expect(viaApi.body.accessToken).not.toMatch(/^gh1\./);
    expect(String(row.accessToken)).not.toContain(viaApi.body.accessToken);

    const account = await toAccount(auth.$context, row);
    expect(account).toMatchObject({
      provider: "github",
      providerAccountId: "7",
      type: "oauth",
      userId: row.userId,
      access_token: viaApi.body.accessToken,
      scope: "read:user user:email",
    });
    expect(account.expires_at).toBeGreaterThan(Date.now() / 1000);
  });

  it("stores tokens in plaintext only when encryptOAuthTokens is false", async () => {
    const { auth } = makeAuth({ providers: [github()], account: { encryptOAuthTokens: false } });
    const client = new Client(auth);
    await signInWithProvider(client, { provider: "github" });
    const row = (await auth.$context.store.findOne("account", [
      { field: "providerId", value: "github" },
    ])) as AccountRecord;
    const viaApi = await client.post("/get-access-token", { providerId: "github" });
    expect(row.accessToken).toBe(viaApi.body.accessToken);
  });

  it("a rotated secret still opens tokens sealed under the old one", async () => {
    const first = makeAuth({ providers: [github()] });
    const client = new Client(first.auth);
    await signInWithProvider(client, { provider: "github" });
    const before = await client.post("/get-access-token", { providerId: "github" });
    const rotated = createAuth({
      secret: ["rotated-secret-0123456789abcdefghijklmnop", SECRET],
      database: first.auth.$context.adapter,
      providers: [github()],
    });
    const row = (await rotated.$context.store.findOne("account", [
      { field: "providerId", value: "github" },
    ])) as AccountRecord;
    expect((await toAccount(rotated.$context, row)).access_token).toBe(before.body.accessToken);
  });
});
