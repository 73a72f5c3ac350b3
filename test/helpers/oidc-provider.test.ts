/**
 * Proves the OP harness with oauth4webapi as a plain relying party (no Gatehouse): if these
 * pass, a failing Gatehouse OAuth test is about Gatehouse, not about the harness.
 */
import { createLocalJWKSet, jwtVerify } from "jose";
import * as oauth from "oauth4webapi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  authorizeAtOP,
  type ClientKeyPair,
  generateClientKeyPair,
  type StartedOP,
  startOidcProvider,
} from "./oidc-provider.js";

const REDIRECT_URI = "http://localhost:3000/api/auth/callback/local";
const LOOPBACK_REDIRECT_URI = "http://127.0.0.1:4000/api/auth/callback/local";
const SECRET = "a-client-secret-long-enough-for-tests";
const insecure = { [oauth.allowInsecureRequests]: true } as const;

const alice = {
  sub: "alice",
  email: "alice@example.com",
  email_verified: true,
  name: "Alice Liddell",
  picture: "https://example.com/alice.png",
};

const secretClient: oauth.Client = { client_id: "secret-client" };
const keyClient: oauth.Client = { client_id: "key-client" };

let op: StartedOP;
let as: oauth.AuthorizationServer;
let clientKeys: ClientKeyPair;

beforeAll(async () => {
  clientKeys = await generateClientKeyPair();
  op = await startOidcProvider({
    clients: [
      {
        client_id: secretClient.client_id,
        client_secret: SECRET,
        redirect_uris: [REDIRECT_URI, LOOPBACK_REDIRECT_URI],
        grant_types: ["authorization_code", "refresh_token"],
      },
      {
        client_id: keyClient.client_id,
        token_endpoint_auth_method: "private_key_jwt",
        jwks: { keys: [clientKeys.publicJwk] },
        redirect_uris: [REDIRECT_URI],
      },
    ],
    accounts: [alice],
  });
  as = await discover(op.issuer);
});

afterAll(async () => {
  await op?.close();
});

async function discover(issuer: string): Promise<oauth.AuthorizationServer> {
  const url = new URL(issuer);
  return oauth.processDiscoveryResponse(url, await oauth.discoveryRequest(url, insecure));
}

interface AuthorizationRequest {
  url: string;
  state: string;
  nonce: string;
  codeVerifier: string;
}

async function authorizationRequest(
  server: oauth.AuthorizationServer,
  client: oauth.Client,
  params: Record<string, string> = {},
): Promise<AuthorizationRequest> {
  const codeVerifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const nonce = oauth.generateRandomNonce();
  const url = new URL(server.authorization_endpoint!);
  url.search = new URLSearchParams({
    client_id: client.client_id,
    redirect_uri: REDIRECT_URI,
    response_type: "code",
    scope: "openid email profile",
    state,
    nonce,
    code_challenge: await oauth.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: "S256",
    ...params,
  }).toString();
  return { url: url.href, state, nonce, codeVerifier };
}

/** The callback parameters of a hand-back, whichever way it came. */
function callbackParameters(handBack: Awaited<ReturnType<typeof authorizeAtOP>>): URLSearchParams {
  return handBack.method === "GET" ? new URL(handBack.url).searchParams : new URLSearchParams(handBack.form);
}

async function exchangeCode(
  request: AuthorizationRequest,
  parameters: URLSearchParams,
  client: oauth.Client = secretClient,
  auth: oauth.ClientAuth = oauth.ClientSecretBasic(SECRET),
): Promise<oauth.TokenEndpointResponse> {
  const response = await oauth.authorizationCodeGrantRequest(
    as,
    client,
    auth,
    parameters,
    REDIRECT_URI,
    request.codeVerifier,
    insecure,
  );
  return oauth.processAuthorizationCodeResponse(as, client, response, { expectedNonce: request.nonce });
}

describe("startOidcProvider", () => {
  it("serves discovery for its http://127.0.0.1 issuer, with S256 PKCE and RFC 9207 iss", () => {
    expect(op.issuer).toBe(`http://127.0.0.1:${op.port}`);
    expect(as.issuer).toBe(op.issuer);
    expect(as.authorization_endpoint).toBe(`${op.issuer}/auth`);
    expect(as.code_challenge_methods_supported).toEqual(["S256"]);
    expect(as.response_modes_supported).toContain("form_post");
    expect(as.authorization_response_iss_parameter_supported).toBe(true);
    expect(as.scopes_supported).toEqual(expect.arrayContaining(["openid", "email", "profile"]));
  });

  it("signs in with code + PKCE + state + nonce and client_secret_basic; claims in ID token and userinfo", async () => {
    const request = await authorizationRequest(as, secretClient);
    const handBack = await authorizeAtOP(request.url, { login: "alice" });
    expect(handBack.method).toBe("GET");
    expect(handBack.url.startsWith(`${REDIRECT_URI}?`)).toBe(true);

    const parameters = oauth.validateAuthResponse(as, secretClient, new URL(handBack.url), request.state);
    expect(parameters.get("iss")).toBe(op.issuer);
    const tokens = await exchangeCode(request, parameters);
    expect(tokens.token_type).toBe("bearer");
    expect(tokens.expires_in).toBe(3600);

    const claims = oauth.getValidatedIdTokenClaims(tokens)!;
    expect(claims).toMatchObject({
      iss: op.issuer,
      aud: secretClient.client_id,
      sub: "alice",
      nonce: request.nonce,
      email: alice.email,
      email_verified: true,
      name: alice.name,
    });
    // The ID token is signed by a key in `op.jwks`.
    const { payload } = await jwtVerify(tokens.id_token!, createLocalJWKSet(op.jwks as { keys: [] }), {
      issuer: op.issuer,
    });
    expect(payload.sub).toBe("alice");

    const userinfo = await oauth.processUserInfoResponse(
      as,
      secretClient,
      "alice",
      await oauth.userInfoRequest(as, secretClient, tokens.access_token, insecure),
    );
    expect(userinfo).toMatchObject({
      sub: "alice",
      email: alice.email,
      name: alice.name,
      picture: alice.picture,
    });
  });

  it("accepts a 127.0.0.1 redirect URI on a web client", async () => {
    const request = await authorizationRequest(as, secretClient, { redirect_uri: LOOPBACK_REDIRECT_URI });
    const handBack = await authorizeAtOP(request.url, { login: "alice" });
    expect(handBack.url.startsWith(`${LOOPBACK_REDIRECT_URI}?`)).toBe(true);
    expect(new URL(handBack.url).searchParams.get("code")).toBeTruthy();
  });

  it("hands back with response_mode=form_post as a POST with the hidden fields", async () => {
    const request = await authorizationRequest(as, secretClient, { response_mode: "form_post" });
    const handBack = await authorizeAtOP(request.url, { login: "alice" });
    expect(handBack).toMatchObject({ method: "POST", url: REDIRECT_URI });
    if (handBack.method !== "POST") return;
    expect(Object.keys(handBack.form).sort()).toEqual(["code", "iss", "state"]);
    expect(handBack.form.state).toBe(request.state);

    const parameters = oauth.validateAuthResponse(
      as,
      secretClient,
      callbackParameters(handBack),
      request.state,
    );
    const tokens = await exchangeCode(request, parameters);
    expect(oauth.getValidatedIdTokenClaims(tokens)?.email).toBe(alice.email);
  });

  it("authenticates a private_key_jwt client at the token endpoint", async () => {
    const request = await authorizationRequest(as, keyClient);
    const handBack = await authorizeAtOP(request.url, { login: "alice" });
    const parameters = oauth.validateAuthResponse(as, keyClient, callbackParameters(handBack), request.state);
    const auth = oauth.PrivateKeyJwt({ key: clientKeys.privateKey, kid: clientKeys.publicJwk.kid });
    const tokens = await exchangeCode(request, parameters, keyClient, auth);
    expect(oauth.getValidatedIdTokenClaims(tokens)?.sub).toBe("alice");
    // A client allowed only authorization_code gets no refresh token.
    expect(tokens.refresh_token).toBeUndefined();
  });

  it("rejects a private_key_jwt assertion signed by another key", async () => {
    const request = await authorizationRequest(as, keyClient);
    const handBack = await authorizeAtOP(request.url, { login: "alice" });
    const parameters = oauth.validateAuthResponse(as, keyClient, callbackParameters(handBack), request.state);
    const stranger = await generateClientKeyPair();
    const auth = oauth.PrivateKeyJwt({ key: stranger.privateKey, kid: clientKeys.publicJwk.kid });
    await expect(exchangeCode(request, parameters, keyClient, auth)).rejects.toMatchObject({
      error: "invalid_client",
    });
  });

  it("issues a refresh token without offline_access, and the refresh_token grant returns a new access token", async () => {
    const request = await authorizationRequest(as, secretClient);
    const handBack = await authorizeAtOP(request.url, { login: "alice" });
    const parameters = oauth.validateAuthResponse(
      as,
      secretClient,
      callbackParameters(handBack),
      request.state,
    );
    const tokens = await exchangeCode(request, parameters);
    expect(tokens.refresh_token).toBeTruthy();

    const refreshed = await oauth.processRefreshTokenResponse(
      as,
      secretClient,
      await oauth.refreshTokenGrantRequest(
        as,
        secretClient,
        oauth.ClientSecretBasic(SECRET),
        tokens.refresh_token!,
        insecure,
      ),
    );
    expect(refreshed.access_token).toBeTruthy();
    expect(refreshed.access_token).not.toBe(tokens.access_token);
    const userinfo = await oauth.userInfoRequest(as, secretClient, refreshed.access_token, insecure);
    expect(userinfo.status).toBe(200);
  });

  it("refuses a replayed code and revokes what it issued", async () => {
    const request = await authorizationRequest(as, secretClient);
    const handBack = await authorizeAtOP(request.url, { login: "alice" });
    const parameters = oauth.validateAuthResponse(
      as,
      secretClient,
      callbackParameters(handBack),
      request.state,
    );
    const tokens = await exchangeCode(request, parameters);
    const before = await oauth.userInfoRequest(as, secretClient, tokens.access_token, insecure);
    expect(before.status).toBe(200);

    await expect(exchangeCode(request, parameters)).rejects.toMatchObject({ error: "invalid_grant" });
    const after = await oauth.userInfoRequest(as, secretClient, tokens.access_token, insecure);
    expect(after.status).toBe(401);
  });

  it("answers error=access_denied when the user cancels at login (deny) or at consent (consent: false)", async () => {
    for (const choice of [{ deny: true }, { consent: false }]) {
      const request = await authorizationRequest(as, secretClient);
      const handBack = await authorizeAtOP(request.url, { login: "alice", ...choice });
      expect(handBack.method).toBe("GET");
      const url = new URL(handBack.url);
      expect(`${url.origin}${url.pathname}`).toBe(REDIRECT_URI);
      expect(url.searchParams.get("error")).toBe("access_denied");
      expect(() => oauth.validateAuthResponse(as, secretClient, url, request.state)).toThrow(
        oauth.AuthorizationResponseError,
      );
    }
  });

  it("hands back an access_denied error as a form_post too", async () => {
    const request = await authorizationRequest(as, secretClient, { response_mode: "form_post" });
    const handBack = await authorizeAtOP(request.url, { login: "alice", deny: true });
    expect(handBack).toMatchObject({ method: "POST", url: REDIRECT_URI });
    expect(callbackParameters(handBack).get("error")).toBe("access_denied");
  });

  it("requires PKCE of a confidential client", async () => {
    const request = await authorizationRequest(as, secretClient);
    const url = new URL(request.url);
    url.searchParams.delete("code_challenge");
    url.searchParams.delete("code_challenge_method");
    const handBack = await authorizeAtOP(url.href, { login: "alice" });
    const parameters = new URL(handBack.url).searchParams;
    expect(parameters.get("error")).toBe("invalid_request");
    expect(parameters.get("error_description")).toMatch(/PKCE/);
  });

  it("reads accounts live; an unknown sub signs in with the sub claim only", async () => {
    op.accounts.set("bob", { sub: "bob", email: "bob@example.com", email_verified: false });
    for (const [login, expected] of [
      ["bob", { sub: "bob", email: "bob@example.com", email_verified: false }],
      ["nobody", { sub: "nobody" }],
    ] as const) {
      const request = await authorizationRequest(as, secretClient);
      const handBack = await authorizeAtOP(request.url, { login });
      const parameters = oauth.validateAuthResponse(
        as,
        secretClient,
        callbackParameters(handBack),
        request.state,
      );
      const tokens = await exchangeCode(request, parameters);
      const userinfo = await oauth.processUserInfoResponse(
        as,
        secretClient,
        login,
        await oauth.userInfoRequest(as, secretClient, tokens.access_token, insecure),
      );
      expect(userinfo).toEqual(expected);
    }
  });

  it("throws when the OP shows an error page instead of handing back", async () => {
    const request = await authorizationRequest(as, secretClient, { redirect_uri: "http://evil.example/cb" });
    await expect(authorizeAtOP(request.url, { login: "alice" })).rejects.toThrow(
      /answered 400.*redirect_uri/,
    );
  });
});

describe("startOidcProvider({ issAuthResp: false })", () => {
  let legacy: StartedOP;
  let legacyAS: oauth.AuthorizationServer;

  beforeAll(async () => {
    legacy = await startOidcProvider({
      clients: [{ client_id: secretClient.client_id, client_secret: SECRET, redirect_uris: [REDIRECT_URI] }],
      accounts: [alice],
      issAuthResp: false,
    });
    legacyAS = await discover(legacy.issuer);
  });

  afterAll(async () => {
    await legacy?.close();
  });

  it("neither advertises nor sends iss, in a redirect or a form_post", async () => {
    expect(legacyAS.authorization_response_iss_parameter_supported).toBeUndefined();
    for (const params of [{}, { response_mode: "form_post" }] as Record<string, string>[]) {
      const request = await authorizationRequest(legacyAS, secretClient, params);
      const parameters = callbackParameters(await authorizeAtOP(request.url, { login: "alice" }));
      expect(parameters.get("code")).toBeTruthy();
      expect(parameters.has("iss")).toBe(false);
      expect(() =>
        oauth.validateAuthResponse(legacyAS, secretClient, parameters, request.state),
      ).not.toThrow();
    }
  });

  it("still strips nothing else: an error response keeps error and state", async () => {
    const request = await authorizationRequest(legacyAS, secretClient);
    const parameters = callbackParameters(await authorizeAtOP(request.url, { login: "alice", deny: true }));
    expect(parameters.get("error")).toBe("access_denied");
    expect(parameters.get("state")).toBe(request.state);
    expect(parameters.has("iss")).toBe(false);
  });
});

describe("startOidcProvider misuse", () => {
  it("throws at start, naming the client, when its metadata is invalid", async () => {
    const start = startOidcProvider({ clients: [{ client_id: "no-secret", redirect_uris: [REDIRECT_URI] }] });
    await expect(start).rejects.toThrow(/client "no-secret": client_secret is mandatory property/);
  });
});

describe("StartedOP.close", () => {
  it("stops answering", async () => {
    const started = await startOidcProvider({ clients: [] });
    await started.close();
    await expect(fetch(`${started.issuer}/.well-known/openid-configuration`)).rejects.toThrow();
  });
});
