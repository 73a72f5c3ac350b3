import type { createRemoteJWKSet, JWTPayload } from "jose";
import * as oauth from "oauth4webapi";
import { loadJose } from "../crypto/jose.js";
import { isAllowedProviderURL, isLoopbackHttp, type ResolvedProvider } from "./resolve.js";
import type { ProviderUser, TokenSet } from "./types.js";

/** Time allowed for one request to a provider. */
const REQUEST_TIMEOUT_MS = 10_000;

/**
 * Why talking to a provider failed. `code` is stable and safe to show (it ends up in the
 * `error` parameter of the error redirect); `message` and `cause` are for logs.
 */
export class ProviderFlowError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "ProviderFlowError";
  }
}

/** The outcome of a code exchange: tokens plus the validated ID token claims, if any. */
export interface CodeExchange {
  tokens: TokenSet;
  claims: Record<string, unknown> | undefined;
}

/** Parameters of one authorization request. */
export interface AuthorizationRequest {
  redirectURI: string;
  state: string;
  codeChallenge: string;
  nonce: string | undefined;
  scopes: readonly string[];
  loginHint?: string | undefined;
  /** Extra parameters from the caller; the protocol's own (state, PKCE, nonce ...) cannot be overridden. */
  extraParams?: Readonly<Record<string, string>> | undefined;
}

/** Parameters the engine sets itself; a caller's extra parameters never replace them. */
const PROTECTED_PARAMS = new Set([
  "response_type",
  "client_id",
  "redirect_uri",
  "state",
  "code_challenge",
  "code_challenge_method",
  "nonce",
  "response_mode",
]);

function insecure(url: string | undefined): { [oauth.allowInsecureRequests]?: boolean } {
  return url && isLoopbackHttp(url) ? { [oauth.allowInsecureRequests]: true } : {};
}

function timeout(): { signal: AbortSignal } {
  return { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) };
}

function assertURL(provider: ResolvedProvider, what: string, url: string | undefined): void {
  if (url !== undefined && !isAllowedProviderURL(url)) {
    throw new ProviderFlowError(
      "provider_misconfigured",
      `${provider.id}: ${what} "${url}" is not https (plain http is allowed only on loopback hosts)`,
    );
  }
}

/** Tokens as we keep them: `expires_at` computed, the raw members preserved. */
function toTokenSet(response: Record<string, unknown>, rawIdToken: string | undefined): TokenSet {
  const tokens: TokenSet = { ...response };
  if (rawIdToken !== undefined) tokens.id_token = rawIdToken;
  if (typeof tokens.expires_in === "number" && Number.isFinite(tokens.expires_in))
    tokens.expires_at = Math.floor(Date.now() / 1000) + tokens.expires_in;
  return tokens;
}

/**
 * Talks to one provider with oauth4webapi: discovery, the authorization URL, the code
 * exchange with ID token validation, userinfo, refresh and ID token verification. One instance
 * per configured provider, made at startup; it caches discovery and the provider's key set.
 */
export class ProviderClient {
  #server: Promise<oauth.AuthorizationServer> | undefined;
  #clientAuth: Promise<oauth.ClientAuth> | undefined;
  #jwks: ReturnType<typeof createRemoteJWKSet> | undefined;

  constructor(readonly provider: ResolvedProvider) {}

  get id(): string {
    return this.provider.id;
  }

  /** The provider's metadata: discovered for OIDC (then overridden by configured URLs), built for OAuth 2. */
  authorizationServer(): Promise<oauth.AuthorizationServer> {
    if (!this.#server) {
      this.#server = this.#loadServer().catch((error: unknown) => {
        this.#server = undefined; // try again on the next request
        throw error;
      });
    }
    return this.#server;
  }

  async #loadServer(): Promise<oauth.AuthorizationServer> {
    const p = this.provider;
    // Plain OAuth 2 has no discovery; an issuer, when configured, is what RFC 9207 `iss` must equal.
    if (p.type === "oauth" && !p.wellKnown) {
      return {
        issuer: p.issuer ?? new URL(p.authorizationURL!).origin,
        authorization_endpoint: p.authorizationURL,
        token_endpoint: p.tokenURL,
        userinfo_endpoint: p.userinfoURL,
      };
    }
    const issuer = new URL(p.issuer ?? new URL(p.wellKnown!).origin);
    let discovered: oauth.AuthorizationServer;
    try {
      const response = p.wellKnown
        ? await fetch(p.wellKnown, { headers: { accept: "application/json" }, ...timeout() })
        : await oauth.discoveryRequest(issuer, { algorithm: "oidc", ...insecure(issuer.href), ...timeout() });
      discovered = await oauth.processDiscoveryResponse(issuer, response);
    } catch (cause) {
      throw new ProviderFlowError(
        "provider_unavailable",
        `${p.id}: OpenID discovery at ${p.wellKnown ?? issuer.href} failed: ${(cause as Error).message}`,
        { cause },
      );
    }
    const server: oauth.AuthorizationServer = {
      ...discovered,
      authorization_endpoint: p.authorizationURL ?? discovered.authorization_endpoint,
      token_endpoint: p.tokenURL ?? discovered.token_endpoint,
      userinfo_endpoint: p.userinfoURL ?? discovered.userinfo_endpoint,
    };
    assertURL(p, "authorization_endpoint", server.authorization_endpoint);
    assertURL(p, "token_endpoint", server.token_endpoint);
    assertURL(p, "userinfo_endpoint", server.userinfo_endpoint);
    assertURL(p, "jwks_uri", server.jwks_uri);
    return server;
  }

  #client(): oauth.Client {
    const client: oauth.Client = { client_id: this.provider.clientId };
    if (this.provider.idTokenAlg) client.id_token_signed_response_alg = this.provider.idTokenAlg;
    return client;
  }

  #auth(): Promise<oauth.ClientAuth> {
    if (!this.#clientAuth) this.#clientAuth = this.#makeAuth();
    return this.#clientAuth;
  }

  async #makeAuth(): Promise<oauth.ClientAuth> {
    const p = this.provider;
    switch (p.clientAuth) {
      case "client_secret_basic":
        return oauth.ClientSecretBasic(p.clientSecret!);
      case "client_secret_post":
        return oauth.ClientSecretPost(p.clientSecret!);
      case "none":
        return oauth.None();
      case "private_key_jwt": {
        const key = p.privateKey!;
        if (typeof CryptoKey !== "undefined" && key instanceof CryptoKey) return oauth.PrivateKeyJwt(key);
        if ("key" in key && typeof CryptoKey !== "undefined" && key.key instanceof CryptoKey)
          return oauth.PrivateKeyJwt(key as oauth.PrivateKey);
        const jwk = key as JsonWebKey & { kid?: string; alg?: string };
        const { importJWK } = await loadJose();
        const imported = (await importJWK(jwk, jwk.alg ?? "RS256")) as CryptoKey;
        return oauth.PrivateKeyJwt(jwk.kid ? { key: imported, kid: jwk.kid } : imported);
      }
    }
  }

  /** Builds the URL the browser is sent to. */
  async authorizationURL(request: AuthorizationRequest): Promise<URL> {
    const server = await this.authorizationServer();
    if (!server.authorization_endpoint)
      throw new ProviderFlowError("provider_misconfigured", `${this.id}: no authorization endpoint`);
    const url = new URL(server.authorization_endpoint);
    const p = this.provider;
    const params = url.searchParams;
    params.set("response_type", "code");
    params.set("client_id", p.clientId);
    params.set("redirect_uri", request.redirectURI);
    if (request.scopes.length > 0) params.set("scope", request.scopes.join(" "));
    params.set("state", request.state);
    params.set("code_challenge", request.codeChallenge);
    params.set("code_challenge_method", "S256");
    if (request.nonce) params.set("nonce", request.nonce);
    if (p.responseMode === "form_post") params.set("response_mode", "form_post");
    if (request.loginHint) params.set("login_hint", request.loginHint);
    for (const [k, v] of Object.entries(p.authorizationParams)) params.set(k, v);
    for (const [k, v] of Object.entries(request.extraParams ?? {})) {
      if (!PROTECTED_PARAMS.has(k) && typeof v === "string") params.set(k, v);
    }
    return url;
  }

  /**
   * Checks the authorization response (state, RFC 9207 `iss`, an error from the provider) and
   * exchanges the code, with PKCE, validating the ID token (signature from the issuer's JWKS,
   * `aud`, `exp`, `iat`, `nonce`) when there is one.
   */
  async exchangeCode(input: {
    params: URLSearchParams;
    state: string;
    verifier: string;
    nonce: string | undefined;
    redirectURI: string;
  }): Promise<CodeExchange> {
    const p = this.provider;
    const server = await this.authorizationServer();
    const client = this.#client();
    const params = new URLSearchParams(input.params);
    // Without a configured issuer there is nothing to hold `iss` against.
    if (!p.issuer && p.type === "oauth") params.delete("iss");
    let validated: URLSearchParams;
    try {
      validated = oauth.validateAuthResponse(server, client, params, input.state);
    } catch (cause) {
      if (cause instanceof oauth.AuthorizationResponseError) {
        const code = cause.error.replace(/[^a-z0-9_]/gi, "").slice(0, 64) || "provider_error";
        throw new ProviderFlowError(code, `${p.id}: the provider answered ${cause.error}`, { cause });
      }
      const message = (cause as Error).message;
      const code = /"iss"/.test(message)
        ? "issuer_mismatch"
        : /"state"/.test(message)
          ? "state_mismatch"
          : "invalid_callback_request";
      throw new ProviderFlowError(code, `${p.id}: ${message}`, { cause });
    }
    // A callback with neither code nor error is malformed, not a provider outage (Better Auth's code).
    if (!validated.get("code"))
      throw new ProviderFlowError("no_code", `${p.id}: the callback carries no authorization code`);

    let response: Response;
    try {
      response = await oauth.authorizationCodeGrantRequest(
        server,
        client,
        await this.#auth(),
        validated,
        input.redirectURI,
        input.verifier,
        { additionalParameters: p.tokenParams, ...insecure(server.token_endpoint), ...timeout() },
      );
    } catch (cause) {
      throw new ProviderFlowError(
        "provider_unavailable",
        `${p.id}: token request failed: ${(cause as Error).message}`,
        {
          cause,
        },
      );
    }
    const normalized = await this.#normalizeTokenResponse(response);
    let result: oauth.TokenEndpointResponse;
    try {
      result = await oauth.processAuthorizationCodeResponse(server, client, normalized.response, {
        ...(input.nonce && (p.type === "oidc" || normalized.idTokenKept)
          ? { expectedNonce: input.nonce }
          : {}),
        requireIdToken: p.useIdToken,
      });
    } catch (cause) {
      throw this.#tokenError(cause);
    }
    let claims: Record<string, unknown> | undefined;
    if (normalized.idTokenKept && result.id_token) {
      try {
        // The ID token came straight from the token endpoint, but we check its signature
        // anyway: a token signed by another key, or not signed at all, is refused.
        await this.#checkIdTokenSignature(server, normalized.response, result.id_token);
      } catch (cause) {
        throw new ProviderFlowError(
          "invalid_id_token",
          `${p.id}: ID token signature: ${(cause as Error).message}`,
          {
            cause,
          },
        );
      }
      claims = { ...(oauth.getValidatedIdTokenClaims(result) ?? {}) };
    }
    return {
      tokens: toTokenSet(result as unknown as Record<string, unknown>, normalized.rawIdToken),
      claims,
    };
  }

  /**
   * Asymmetric signatures are checked against the issuer's JWKS by oauth4webapi. A few
   * providers (LINE) sign with HS256 and the client secret, which oauth4webapi leaves to us:
   * jose checks those, and only when the client is configured to expect that algorithm.
   */
  async #checkIdTokenSignature(
    server: oauth.AuthorizationServer,
    response: Response,
    idToken: string,
  ): Promise<void> {
    const p = this.provider;
    const { decodeProtectedHeader, jwtVerify } = await loadJose();
    const alg = decodeProtectedHeader(idToken).alg ?? "";
    if (alg.startsWith("HS")) {
      if (p.idTokenAlg !== alg || !p.clientSecret) throw new Error(`unexpected ID token algorithm ${alg}`);
      await jwtVerify(idToken, new TextEncoder().encode(p.clientSecret), { algorithms: [alg] });
      return;
    }
    await oauth.validateApplicationLevelSignature(server, response, {
      ...insecure(server.jwks_uri),
      ...timeout(),
    });
  }

  #tokenError(cause: unknown): ProviderFlowError {
    const message = (cause as Error).message ?? String(cause);
    if (cause instanceof oauth.ResponseBodyError)
      return new ProviderFlowError("invalid_code", `${this.id}: token endpoint: ${cause.error}`, { cause });
    const idToken =
      /id_token|ID Token|"nonce"|"aud"|"iss"|"exp"|"iat"|JWS|alg|signature/i.test(message) &&
      !/access_token/.test(message);
    return new ProviderFlowError(idToken ? "invalid_id_token" : "invalid_code", `${this.id}: ${message}`, {
      cause,
    });
  }

  /**
   * Applies the provider's `conform` hook, adds a missing `token_type` (several providers omit
   * it) and, for plain OAuth 2 providers, sets an ID token aside: without an issuer it cannot be
   * validated, so it is stored but not trusted.
   */
  async #normalizeTokenResponse(
    original: Response,
  ): Promise<{ response: Response; rawIdToken: string | undefined; idTokenKept: boolean }> {
    const p = this.provider;
    let response = p.conformToken ? await p.conformToken(original) : original;
    if (!response.ok) return { response, rawIdToken: undefined, idTokenKept: false };
    let json: Record<string, unknown>;
    try {
      json = (await response.clone().json()) as Record<string, unknown>;
    } catch {
      return { response, rawIdToken: undefined, idTokenKept: false };
    }
    if (json === null || typeof json !== "object" || Array.isArray(json))
      return { response, rawIdToken: undefined, idTokenKept: false };
    let changed = false;
    if (typeof json.access_token === "string" && json.token_type === undefined) {
      json.token_type = "bearer";
      changed = true;
    }
    let rawIdToken: string | undefined;
    const keep = p.type === "oidc" || (p.nonce && p.issuer !== undefined);
    if (!keep && typeof json.id_token === "string") {
      rawIdToken = json.id_token;
      delete json.id_token;
      changed = true;
    }
    if (changed) {
      const headers = new Headers(response.headers);
      headers.set("content-type", "application/json");
      headers.delete("content-length");
      response = new Response(JSON.stringify(json), { status: response.status, headers });
    }
    return { response, rawIdToken, idTokenKept: keep };
  }

  /** Fetches the raw profile: ID token claims, userinfo, or the preset's own request. */
  async fetchProfile(exchange: CodeExchange): Promise<Record<string, unknown>> {
    const p = this.provider;
    const { tokens, claims } = exchange;
    try {
      if (p.userinfoRequest) {
        const raw = await p.userinfoRequest({
          tokens,
          provider: {
            id: p.id,
            clientId: p.clientId,
            userinfoURL: p.userinfoURL,
            tokenURL: p.tokenURL ?? "",
          },
          fetch: (url, init) => {
            const href = String(url);
            if (!isAllowedProviderURL(href)) throw new Error(`refusing to call ${href}: not https`);
            return fetch(href, { ...timeout(), ...init });
          },
        });
        return { ...(claims ?? {}), ...(raw as Record<string, unknown>) };
      }
      // OIDC: the ID token's claims are the profile, unless userinfo is asked for explicitly.
      if (claims && p.useIdToken && p.config.userinfo === undefined) return claims;
      const server = await this.authorizationServer();
      const url = server.userinfo_endpoint;
      if (!url) {
        if (claims) return claims;
        throw new Error("no userinfo endpoint and no ID token");
      }
      if (!tokens.access_token) throw new Error("no access token");
      if (p.type === "oidc" && claims?.sub !== undefined) {
        const response = await oauth.userInfoRequest(server, this.#client(), tokens.access_token, {
          ...insecure(url),
          ...timeout(),
        });
        const info = await oauth.processUserInfoResponse(
          server,
          this.#client(),
          String(claims.sub),
          response,
        );
        return { ...claims, ...info };
      }
      const response = await fetch(url, {
        headers: { authorization: `Bearer ${tokens.access_token}`, accept: "application/json" },
        ...timeout(),
      });
      if (!response.ok) throw new Error(`userinfo answered ${response.status}`);
      return (await response.json()) as Record<string, unknown>;
    } catch (cause) {
      if (cause instanceof ProviderFlowError) throw cause;
      throw new ProviderFlowError("unable_to_get_user_info", `${p.id}: ${(cause as Error).message}`, {
        cause,
      });
    }
  }

  /** Maps a raw profile to a user with the provider's `profile()`, checking the result. */
  async mapProfile(raw: Record<string, unknown>, tokens: TokenSet): Promise<ProviderUser> {
    let user: ProviderUser;
    try {
      user = await this.provider.profile(raw, tokens);
    } catch (cause) {
      throw new ProviderFlowError(
        "unable_to_get_user_info",
        `${this.id}: profile() threw: ${(cause as Error).message}`,
        {
          cause,
        },
      );
    }
    const id = user?.id as unknown;
    if ((typeof id !== "string" && typeof id !== "number") || String(id) === "") {
      throw new ProviderFlowError("unable_to_get_user_info", `${this.id}: profile() returned no account id`);
    }
    return { ...user, id: String(id) };
  }

  /** Uses a refresh token; returns the new tokens (the old refresh token is kept when none is sent). */
  async refresh(refreshToken: string): Promise<TokenSet> {
    const p = this.provider;
    const server = await this.authorizationServer();
    try {
      const response = await oauth.refreshTokenGrantRequest(
        server,
        this.#client(),
        await this.#auth(),
        refreshToken,
        {
          additionalParameters: p.tokenParams,
          ...insecure(server.token_endpoint),
          ...timeout(),
        },
      );
      const normalized = await this.#normalizeTokenResponse(response);
      const result = await oauth.processRefreshTokenResponse(server, this.#client(), normalized.response);
      return toTokenSet(result as unknown as Record<string, unknown>, normalized.rawIdToken);
    } catch (cause) {
      throw new ProviderFlowError(
        "failed_to_refresh_token",
        `${p.id}: refresh failed: ${(cause as Error).message}`,
        {
          cause,
        },
      );
    }
  }

  /**
   * Verifies an ID token the client got from the provider itself (sign-in with an ID token):
   * signature from the issuer's JWKS, issuer, audience (our client id), expiry, and the nonce
   * when one is given.
   */
  async verifyIdToken(idToken: string, nonce: string | undefined): Promise<JWTPayload> {
    const p = this.provider;
    if (p.type !== "oidc")
      throw new ProviderFlowError(
        "id_token_not_supported",
        `${p.id}: sign-in with an ID token needs an OIDC provider`,
      );
    const server = await this.authorizationServer();
    if (!server.jwks_uri)
      throw new ProviderFlowError("provider_misconfigured", `${p.id}: the issuer has no jwks_uri`);
    const { createRemoteJWKSet, jwtVerify } = await loadJose();
    if (!this.#jwks)
      this.#jwks = createRemoteJWKSet(new URL(server.jwks_uri), { timeoutDuration: REQUEST_TIMEOUT_MS });
    try {
      const options = {
        issuer: server.issuer,
        audience: p.clientId,
        algorithms: p.idTokenAlg
          ? [p.idTokenAlg]
          : (server.id_token_signing_alg_values_supported ?? ["RS256"]),
        requiredClaims: ["sub", "exp", "iat"],
        clockTolerance: 30,
      };
      // HS* ID tokens (LINE) are signed with the client secret, not a published key.
      const { payload } =
        p.idTokenAlg?.startsWith("HS") && p.clientSecret
          ? await jwtVerify(idToken, new TextEncoder().encode(p.clientSecret), options)
          : await jwtVerify(idToken, this.#jwks, options);
      if (nonce !== undefined && payload.nonce !== nonce) throw new Error("nonce mismatch");
      return payload;
    } catch (cause) {
      throw new ProviderFlowError("invalid_id_token", `${p.id}: ${(cause as Error).message}`, { cause });
    }
  }
}
