import { mergeProviderConfig, type OAuthConfig, type OAuthUserConfig, type ProviderUser } from "./types.js";

/** Auth0's ID token claims (scopes `openid profile email`). */
export interface Auth0Profile {
  /** `<connection>|<id>`, e.g. `auth0|64f...` or `google-oauth2|10...`. */
  sub: string;
  name?: string;
  nickname?: string;
  given_name?: string;
  family_name?: string;
  picture?: string;
  email?: string;
  email_verified?: boolean;
  updated_at?: string;
  [claim: string]: unknown;
}

/**
 * Auth0 (OpenID Connect). Give your tenant's domain as `issuer`
 * (`https://<tenant>.<region>.auth0.com` or your custom domain), or set `AUTH_AUTH0_ISSUER`.
 *
 * Callback URL: `<baseURL><basePath>/callback/auth0`.
 *
 * @see https://auth0.com/docs/authenticate/login/oidc-conformant-authentication/oidc-adoption-auth-code-flow
 * @see https://auth0.com/docs/secure/tokens/id-tokens/id-token-structure
 * @example
 * import Auth0 from "gatehouse/providers/auth0";
 * createAuth({ providers: [Auth0({ issuer: "https://example.us.auth0.com" })] });
 */
export default function Auth0(options: OAuthUserConfig<Auth0Profile> = {}): OAuthConfig<Auth0Profile> {
  return mergeProviderConfig<Auth0Profile>(
    {
      id: "auth0",
      name: "Auth0",
      type: "oidc",
      scope: "openid profile email",
      profile(profile): ProviderUser {
        return {
          id: profile.sub,
          name: profile.name || profile.nickname || profile.email || null,
          email: profile.email ?? null,
          emailVerified: profile.email_verified === true,
          image: profile.picture ?? null,
        };
      },
      style: { bg: "#EB5424", text: "#fff" },
    },
    options,
  );
}
