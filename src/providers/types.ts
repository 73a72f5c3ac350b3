/*
 * The provider contract: a provider is data (endpoints, scope, client settings) plus one pure
 * function, `profile()`, that maps what the provider returns to a user. The OAuth mechanics
 * live in the engine (oauth4webapi); a preset never performs protocol work itself.
 */

/** The token endpoint's answer, in the wire names of RFC 6749 / OIDC (as Auth.js passes them). */
export interface TokenSet {
  access_token?: string;
  token_type?: string;
  id_token?: string;
  refresh_token?: string;
  /** Seconds, as the provider sent it. */
  expires_in?: number;
  /** Seconds since the epoch, computed from `expires_in` when the token arrived. */
  expires_at?: number;
  scope?: string;
  /** Other members of the token response (e.g. Slack's `authed_user`, TikTok's `open_id`). */
  [member: string]: unknown;
}

/**
 * The user a provider account maps to, as `profile()` returns it. `id` is the provider's
 * stable account id (OIDC `sub`); the rest fill the user on first sign-in.
 */
export interface ProviderUser {
  /** The provider account id. Required; a number is converted to a string. */
  id: string;
  name?: string | null;
  email?: string | null;
  /**
   * Whether the provider vouches for the email (OIDC `email_verified`, GitHub's verified
   * primary email, ...). Email-based account linking requires it. Default false.
   */
  emailVerified?: boolean;
  image?: string | null;
  /** Additional user fields (declared in `user.additionalFields`). */
  [field: string]: unknown;
}

/** How the client authenticates at the token endpoint. */
export type ClientAuthMethod = "client_secret_basic" | "client_secret_post" | "private_key_jwt" | "none";

/** What a custom userinfo `request` receives. */
export interface UserinfoRequestContext {
  tokens: TokenSet;
  provider: {
    id: string;
    clientId: string;
    /** The resolved userinfo URL (after overrides), so a preset can derive sibling URLs from it. */
    userinfoURL: string | undefined;
    /** The resolved token URL. */
    tokenURL: string;
  };
  /**
   * `fetch` for the provider's APIs. Loopback http URLs are allowed; any other URL must be https.
   * Throws on a network error; the caller checks `response.ok`.
   */
  fetch(url: string | URL, init?: RequestInit): Promise<Response>;
}

/** An endpoint given as a URL, or as an object with a URL and extra settings. */
export type AuthorizationEndpoint =
  | string
  | {
      url?: string;
      /** Extra query parameters of the authorization request (`scope` here overrides `scope`). */
      params?: Record<string, string | undefined>;
    };

export type TokenEndpoint =
  | string
  | {
      url?: string;
      /** Extra form parameters sent with every token request (e.g. TikTok's `client_key`). */
      params?: Record<string, string>;
      /**
       * Rewrites a non-standard token response into a standard one before it is processed
       * (e.g. a provider that wraps the tokens in `{ data: {...} }`).
       */
      conform?: (response: Response) => Response | Promise<Response>;
    };

export type UserinfoEndpoint<Profile> =
  | string
  | {
      url?: string;
      /** Replaces the default `GET url` with `Authorization: Bearer`; returns the raw profile. */
      request?: (context: UserinfoRequestContext) => Promise<Profile>;
    };

/**
 * A provider, as a preset returns it and as `providers: [...]` accepts it.
 *
 * @typeParam Profile The raw profile the provider returns (userinfo body or ID token claims).
 */
export interface OAuthConfig<Profile = Record<string, unknown>> {
  /** Lower-case id; the callback path is `<basePath>/callback/<id>`. */
  id: string;
  /** Display name ("GitHub"). */
  name: string;
  /** "oidc": discovery from `issuer`, ID token validated, nonce sent. "oauth": plain OAuth 2. */
  type: "oauth" | "oidc";
  /** Issuer URL. Required for "oidc" (discovery); optional for "oauth" (checks RFC 9207 `iss`). */
  issuer?: string;
  /** Discovery document URL when it is not `<issuer>/.well-known/openid-configuration`. */
  wellKnown?: string;
  authorization?: AuthorizationEndpoint;
  token?: TokenEndpoint;
  userinfo?: UserinfoEndpoint<Profile>;
  /** Scopes, as a space-separated string or a list. */
  scope?: string | string[];
  /**
   * Checks beyond the ones always on. PKCE (S256) and `state` are always used; `nonce` is used
   * for "oidc" providers. Listing "nonce" adds it to an "oauth" provider that returns ID tokens.
   */
  checks?: ("pkce" | "state" | "nonce")[];
  /** Default env `AUTH_<ID>_ID`. */
  clientId?: string;
  /** Default env `AUTH_<ID>_SECRET`. */
  clientSecret?: string;
  /** Client metadata (oauth4webapi / RFC 7591 names). */
  client?: {
    /** Default "client_secret_basic" ("private_key_jwt" with a privateKey). A public client sets "none". */
    token_endpoint_auth_method?: ClientAuthMethod;
    /** Expected ID token signing algorithm. Default "RS256" or what discovery advertises. */
    id_token_signed_response_alg?: string;
  };
  /** Private key for `private_key_jwt` (a CryptoKey or a private JWK, with `kid` when the OP needs it). */
  privateKey?: CryptoKey | JsonWebKey | { key: CryptoKey; kid?: string };
  /** "form_post" makes the provider POST the callback. Default "query". */
  responseMode?: "query" | "form_post";
  /**
   * For "oidc": read the profile from the ID token claims (default true). Set false to call
   * userinfo instead (or as well, when `userinfo` is set: its claims are merged over them).
   */
  idToken?: boolean;
  /** Maps the raw profile to the user. Default: OIDC standard claims (sub, name, email, picture). */
  profile?: (profile: Profile, tokens: TokenSet) => ProviderUser | Promise<ProviderUser>;
  /**
   * Link a new account of this provider to an existing user with the same email, when the
   * provider says the email is verified. Same effect as listing the id in `trustedProviders`.
   */
  allowDangerousEmailAccountLinking?: boolean;
  /** Refuse to create new users through this provider; existing users still sign in. Default false. */
  disableSignUp?: boolean;
  /** Redirect URI registered at the provider, when it is not `<baseURL><basePath>/callback/<id>`. */
  redirectURI?: string;
  /** Branding for built-in pages. */
  style?: { logo?: string; bg?: string; text?: string };
}

/**
 * What a preset factory accepts: every field is optional and overrides the preset's own
 * (endpoints, scope, profile ...). Credentials default to the environment.
 */
export type OAuthUserConfig<Profile> = Partial<OAuthConfig<Profile>>;

/** A provider module's default export: called with overrides, or passed uncalled. */
export type ProviderFactory<Profile = Record<string, unknown>> = (
  options?: OAuthUserConfig<Profile>,
) => OAuthConfig<Profile>;

/**
 * Merges user overrides into a preset. Nested endpoint objects merge field by field, so
 * `{ authorization: { params: { prompt: "consent" } } }` keeps the preset's URL.
 */
export function mergeProviderConfig<Profile>(
  preset: OAuthConfig<Profile>,
  overrides: OAuthUserConfig<Profile> = {},
): OAuthConfig<Profile> {
  const out: OAuthConfig<Profile> = { ...preset };
  for (const [key, value] of Object.entries(overrides) as [keyof OAuthConfig<Profile>, unknown][]) {
    if (value === undefined) continue;
    const base = preset[key];
    if (key === "authorization" || key === "token" || key === "userinfo") {
      // A string override replaces only the URL, keeping the preset's params and hooks.
      const asObject = (v: unknown): Record<string, unknown> =>
        typeof v === "string" ? { url: v } : { ...((v as object | undefined) ?? {}) };
      const baseObject = asObject(base);
      const valueObject = asObject(value);
      const merged: Record<string, unknown> = { ...baseObject, ...valueObject };
      if (baseObject.params && valueObject.params)
        merged.params = { ...(baseObject.params as object), ...(valueObject.params as object) };
      (out as unknown as Record<string, unknown>)[key] = merged;
    } else {
      (out as unknown as Record<string, unknown>)[key] = value;
    }
  }
  return out;
}

/** What a Credentials provider's `authorize` returns for a good sign-in. */
export interface AuthorizedUser {
  /** Your id for the user; becomes the account id of this provider. */
  id?: string | number;
  email?: string | null;
  name?: string | null;
  image?: string | null;
  [field: string]: unknown;
}

/** A username/password (or any form) sign-in checked by your own `authorize` (Auth.js's Credentials). */
export interface CredentialsConfig {
  id: string;
  name: string;
  type: "credentials";
  /** The form fields the built-in sign-in page shows. */
  credentials: Record<string, { label?: string; type?: string; placeholder?: string }>;
  /**
   * Checks the submitted fields; returns the user, or null to refuse (`CredentialsSignin`).
   * Throw a `CredentialsSignin` subclass to pass a `code` to the sign-in page.
   */
  authorize: (
    credentials: Record<string, string>,
    request: Request | undefined,
  ) => AuthorizedUser | null | Promise<AuthorizedUser | null>;
}

/** What an Email provider's `sendVerificationRequest` receives (Auth.js's names). */
export interface VerificationRequestParams {
  /** The recipient's address. */
  identifier: string;
  /** The link to send; it opens a confirmation page that completes the sign-in. */
  url: string;
  expires: Date;
  token: string;
  provider: { id: string; from: string | undefined };
  request: Request | undefined;
}

/** Sign-in by a link sent by email (Auth.js's Email / Nodemailer provider). */
export interface EmailConfig {
  id: string;
  name: string;
  type: "email";
  /** SMTP URL or nodemailer transport options; default: the instance's `email.transport`. */
  server?: unknown;
  from?: string;
  /** Lifetime of a link in seconds. Default 24 hours. */
  maxAge?: number;
  sendVerificationRequest?: (params: VerificationRequestParams) => void | Promise<void>;
}

/** Anything `providers: [...]` accepts: a provider config of any profile type, or a preset factory. */
// biome-ignore lint/suspicious/noExplicitAny: each provider has its own profile type
export type Provider = OAuthConfig<any> | ProviderFactory<any> | CredentialsConfig | EmailConfig;

/**
 * A linked account in Auth.js's shape, as its callbacks receive it. Stored rows use Better
 * Auth's column names (`providerId`, `accountId`, `accessToken` ...); {@link toAccount} maps one
 * to the other.
 */
export interface Account {
  /** Provider id ("github"), or "credential" for email + password. */
  provider: string;
  /** The provider's id for the user (OIDC `sub`). */
  providerAccountId: string;
  type: "oauth" | "oidc" | "credentials" | "email" | "webauthn";
  userId?: string;
  access_token?: string;
  refresh_token?: string;
  id_token?: string;
  /** Seconds since the epoch. */
  expires_at?: number;
  token_type?: string;
  scope?: string;
  [member: string]: unknown;
}

/** The raw profile a provider returned (userinfo body or ID token claims), Auth.js's `Profile`. */
export interface Profile {
  sub?: string | null;
  name?: string | null;
  email?: string | null;
  image?: string | null;
  [claim: string]: unknown;
}
