import { mergeProviderConfig, type OAuthConfig, type OAuthUserConfig, type ProviderUser } from "./types.js";

/** Keycloak's ID token claims (scopes `openid profile email`). */
export interface KeycloakProfile {
  /** The user id in the realm. */
  sub: string;
  name?: string;
  given_name?: string;
  family_name?: string;
  preferred_username?: string;
  email?: string;
  email_verified?: boolean;
  picture?: string;
  [claim: string]: unknown;
}

/**
 * Keycloak (OpenID Connect). Give the realm as `issuer`
 * (`https://<host>/realms/<realm>`; `https://<host>/auth/realms/<realm>` before Keycloak 17),
 * or set `AUTH_KEYCLOAK_ISSUER`.
 *
 * Callback URL: `<baseURL><basePath>/callback/keycloak`.
 *
 * @see https://www.keycloak.org/securing-apps/oidc-layers
 * @example
 * import Keycloak from "gatehouse/providers/keycloak";
 * createAuth({ providers: [Keycloak({ issuer: "https://sso.example.com/realms/main" })] });
 */
export default function Keycloak(
  options: OAuthUserConfig<KeycloakProfile> = {},
): OAuthConfig<KeycloakProfile> {
  return mergeProviderConfig<KeycloakProfile>(
    {
      id: "keycloak",
      name: "Keycloak",
      type: "oidc",
      scope: "openid profile email",
      profile(profile): ProviderUser {
        return {
          id: profile.sub,
          name: profile.name || profile.preferred_username || profile.email || null,
          email: profile.email ?? null,
          emailVerified: profile.email_verified === true,
          image: profile.picture ?? null,
        };
      },
      style: { bg: "#fff", text: "#000" },
    },
    options,
  );
}
