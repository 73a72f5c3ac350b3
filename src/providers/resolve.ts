import type {
  ClientAuthMethod,
  OAuthConfig,
  ProviderFactory,
  ProviderUser,
  TokenSet,
  UserinfoRequestContext,
} from "./types.js";

/** A provider after option checks: everything the engine needs, nothing left to guess per request. */
export interface ResolvedProvider {
  readonly id: string;
  readonly name: string;
  readonly type: "oauth" | "oidc";
  readonly issuer: string | undefined;
  readonly wellKnown: string | undefined;
  readonly authorizationURL: string | undefined;
  readonly authorizationParams: Readonly<Record<string, string>>;
  readonly tokenURL: string | undefined;
  readonly tokenParams: Readonly<Record<string, string>>;
  readonly conformToken: ((response: Response) => Response | Promise<Response>) | undefined;
  readonly userinfoURL: string | undefined;
  readonly userinfoRequest: ((context: UserinfoRequestContext) => Promise<unknown>) | undefined;
  /** Scopes requested by default. */
  readonly scopes: readonly string[];
  readonly nonce: boolean;
  readonly clientId: string;
  readonly clientSecret: string | undefined;
  readonly clientAuth: ClientAuthMethod;
  readonly idTokenAlg: string | undefined;
  readonly privateKey: OAuthConfig["privateKey"];
  readonly responseMode: "query" | "form_post";
  readonly useIdToken: boolean;
  readonly profile: (
    profile: Record<string, unknown>,
    tokens: TokenSet,
  ) => ProviderUser | Promise<ProviderUser>;
  readonly allowDangerousEmailAccountLinking: boolean;
  readonly disableSignUp: boolean;
  /** Redirect URI override; default `<origin><basePath>/callback/<id>`. */
  readonly redirectURI: string | undefined;
  /** The config as given (after preset merge), for dialects that show names and styles. */
  readonly config: OAuthConfig;
}

/** Options a provider accepts in the Better Auth style (`socialProviders: { github: {...} }`). */
export interface SocialProviderOptions {
  clientId?: string;
  clientSecret?: string;
  /** Extra scopes, added to the preset's unless `disableDefaultScope`. */
  scope?: string[];
  disableDefaultScope?: boolean;
  redirectURI?: string;
  /** Issuer for self-hosted / multi-tenant OIDC providers. */
  issuer?: string;
  /** Maps the raw profile to extra user fields, merged over the preset's mapping. */
  mapProfileToUser?: (
    profile: Record<string, unknown>,
  ) => Partial<ProviderUser> | Promise<Partial<ProviderUser>>;
  /** Authorization `prompt` ("select_account", "consent" ...). */
  prompt?: string;
  /** Refuse to create new users through this provider (existing users still sign in). */
  disableSignUp?: boolean;
  /** Any other preset field (endpoints, profile ...). */
  [field: string]: unknown;
}

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** https, or http on a loopback host (so providers on the developer's machine work). */
export function isAllowedProviderURL(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.protocol === "https:") return true;
  return url.protocol === "http:" && LOOPBACK.has(url.hostname);
}

/** Whether requests to this URL need oauth4webapi's plain-http allowance (loopback only). */
export function isLoopbackHttp(value: string): boolean {
  const url = new URL(value);
  return url.protocol === "http:" && LOOPBACK.has(url.hostname);
}

function endpointURL(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (value && typeof value === "object" && typeof (value as { url?: unknown }).url === "string")
    return (value as { url: string }).url;
  return undefined;
}

function splitScopes(scope: string | readonly string[] | undefined): string[] {
  if (scope === undefined) return [];
  const list = typeof scope === "string" ? scope.split(/[\s,]+/) : [...scope];
  return list.map((s) => s.trim()).filter(Boolean);
}

/** `microsoft-entra-id` -> `MICROSOFT_ENTRA_ID`, for `AUTH_<ID>_ID` and friends. */
function envName(id: string): string {
  return id.toUpperCase().replace(/[^A-Z0-9]+/g, "_");
}

/** Standard OIDC claims to a user; the default `profile()`. */
export function standardProfile(profile: Record<string, unknown>): ProviderUser {
  const id = profile.sub ?? profile.id;
  const email = typeof profile.email === "string" ? profile.email : null;
  return {
    id: id === undefined || id === null ? "" : String(id),
    name:
      (profile.name as string | undefined) ??
      (profile.preferred_username as string | undefined) ??
      (profile.nickname as string | undefined) ??
      null,
    email,
    emailVerified: profile.email_verified === true || profile.email_verified === "true",
    image: (profile.picture as string | undefined) ?? null,
  };
}

/**
 * Checks and normalizes one provider. Misuse (no id, no client id, an http URL on a public
 * host, an OIDC provider with no issuer) throws a TypeError naming the provider and the fix.
 */
export function resolveProvider(
  input: OAuthConfig | ProviderFactory,
  where: string,
  env: NodeJS.ProcessEnv,
): ResolvedProvider {
  const config = (typeof input === "function" ? input({}) : input) as OAuthConfig;
  if (!config || typeof config !== "object") throw new TypeError(`${where}: not a provider`);
  const id = config.id;
  if (typeof id !== "string" || !/^[a-z0-9][a-z0-9_-]*$/i.test(id))
    throw new TypeError(
      `${where}: provider id must be letters, digits, "-" or "_", got ${JSON.stringify(id)}`,
    );
  const label = `${where} ("${id}")`;
  if (config.type !== "oauth" && config.type !== "oidc")
    throw new TypeError(`${label}: type must be "oauth" or "oidc"`);
  const E = envName(id);
  const clientId = config.clientId ?? env[`AUTH_${E}_ID`];
  const clientSecret = config.clientSecret ?? env[`AUTH_${E}_SECRET`];
  // Kept exactly as given: discovery compares the issuer byte for byte (authentik's ends in "/").
  const issuer = (config.issuer ?? env[`AUTH_${E}_ISSUER`]) || undefined;
  if (!clientId)
    throw new TypeError(`${label}: clientId is missing. Pass it, or set AUTH_${E}_ID in the environment.`);

  const authorization = config.authorization;
  const authorizationURL = endpointURL(authorization);
  const authorizationParams: Record<string, string> = {};
  if (authorization && typeof authorization === "object") {
    for (const [k, v] of Object.entries(authorization.params ?? {}))
      if (v !== undefined) authorizationParams[k] = v;
  }
  const scope = authorizationParams.scope ?? config.scope;
  // An OpenID Provider refuses a request without the openid scope; Auth.js asks for these three.
  const scopes =
    scope === undefined && config.type === "oidc" ? ["openid", "profile", "email"] : splitScopes(scope);
  delete authorizationParams.scope;
  const token = config.token;
  const tokenURL = endpointURL(token);
  const userinfo = config.userinfo;
  const userinfoURL = endpointURL(userinfo);

  if (config.type === "oidc" && !issuer) {
    throw new TypeError(
      `${label}: an OIDC provider needs an issuer. Pass issuer, or set AUTH_${E}_ISSUER in the environment.`,
    );
  }
  if (config.type === "oauth" && (!authorizationURL || !tokenURL)) {
    throw new TypeError(`${label}: an OAuth 2 provider needs authorization and token URLs`);
  }
  for (const [name, url] of [
    ["issuer", issuer],
    ["wellKnown", config.wellKnown],
    ["authorization", authorizationURL],
    ["token", tokenURL],
    ["userinfo", userinfoURL],
  ] as const) {
    if (url !== undefined && !isAllowedProviderURL(url)) {
      throw new TypeError(
        `${label}: ${name} URL "${url}" must use https (plain http is allowed only for localhost, 127.0.0.1 and [::1])`,
      );
    }
  }
  const clientAuth: ClientAuthMethod =
    config.client?.token_endpoint_auth_method ??
    // A public client (no secret) must say so: a forgotten secret should not silently become one.
    (config.privateKey ? "private_key_jwt" : "client_secret_basic");
  if ((clientAuth === "client_secret_basic" || clientAuth === "client_secret_post") && !clientSecret) {
    throw new TypeError(
      `${label}: clientSecret is missing. Pass it, or set AUTH_${E}_SECRET in the environment.`,
    );
  }
  if (clientAuth === "private_key_jwt" && !config.privateKey)
    throw new TypeError(`${label}: private_key_jwt needs privateKey`);
  if (
    config.responseMode !== undefined &&
    config.responseMode !== "query" &&
    config.responseMode !== "form_post"
  )
    throw new TypeError(`${label}: responseMode must be "query" or "form_post"`);

  const profile = (config.profile ?? standardProfile) as ResolvedProvider["profile"];
  return {
    id,
    name: typeof config.name === "string" ? config.name : id,
    type: config.type,
    issuer,
    wellKnown: config.wellKnown,
    authorizationURL,
    authorizationParams,
    tokenURL,
    tokenParams: token && typeof token === "object" ? { ...(token.params ?? {}) } : {},
    conformToken: token && typeof token === "object" ? token.conform : undefined,
    userinfoURL,
    userinfoRequest:
      userinfo && typeof userinfo === "object" && typeof userinfo.request === "function"
        ? (userinfo.request as ResolvedProvider["userinfoRequest"])
        : undefined,
    scopes,
    nonce: config.type === "oidc" || (config.checks ?? []).includes("nonce"),
    clientId,
    clientSecret,
    clientAuth,
    idTokenAlg: config.client?.id_token_signed_response_alg,
    privateKey: config.privateKey,
    responseMode: config.responseMode ?? "query",
    useIdToken: config.type === "oidc" && config.idToken !== false,
    profile,
    allowDangerousEmailAccountLinking: config.allowDangerousEmailAccountLinking === true,
    disableSignUp: config.disableSignUp === true,
    redirectURI: config.redirectURI,
    config,
  };
}

/**
 * Turns Better Auth style options (`socialProviders: { github: {...} }`) into a provider config,
 * using the preset registered under that key.
 */
export function fromSocialOptions(
  key: string,
  options: SocialProviderOptions,
  // biome-ignore lint/suspicious/noExplicitAny: presets differ in their profile types
  presets: Readonly<Record<string, (options?: any) => OAuthConfig<any>>>,
): OAuthConfig {
  const factory = presets[key];
  if (!factory) {
    throw new TypeError(
      `socialProviders.${key}: no preset named "${key}". Use providers: [OIDC({...})] or [OAuth2({...})] for other providers.`,
    );
  }
  const { scope, disableDefaultScope, mapProfileToUser, prompt, ...rest } = options;
  const base = factory({ ...(rest as object), id: key });
  const extra = Array.isArray(scope) ? scope : [];
  const presetScopes = disableDefaultScope ? [] : splitScopes(scopeOf(base));
  const merged: OAuthConfig = { ...base, scope: [...new Set([...presetScopes, ...extra])] };
  // The scope now lives in `scope`; drop a preset's authorization.params.scope so it does not win.
  if (base.authorization && typeof base.authorization === "object") {
    const { scope: _s, ...params } = base.authorization.params ?? {};
    merged.authorization = { ...base.authorization, params: { ...params, ...(prompt ? { prompt } : {}) } };
  } else if (prompt) {
    merged.authorization = { url: base.authorization, params: { prompt } };
  }
  if (mapProfileToUser) {
    const presetProfile = base.profile ?? standardProfile;
    merged.profile = async (profile, tokens) => ({
      ...(await presetProfile(profile, tokens)),
      ...(await mapProfileToUser(profile as Record<string, unknown>)),
    });
  }
  return merged;
}

function scopeOf(config: OAuthConfig): string | string[] | undefined {
  const a = config.authorization;
  if (a && typeof a === "object" && a.params?.scope !== undefined) return a.params.scope;
  return config.scope;
}
