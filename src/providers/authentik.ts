import { mergeProviderConfig, type OAuthConfig, type OAuthUserConfig, type ProviderUser } from "./types.js";

/** authentik's ID token claims (the ones we read). */
export interface AuthentikProfile {
  sub: string;
  name?: string;
  given_name?: string;
  preferred_username?: string;
  nickname?: string;
  email?: string;
  email_verified?: boolean;
  picture?: string;
  groups?: string[];
  [member: string]: unknown;
}

/**
 * authentik, a self-hosted OpenID provider. Pass the application's issuer,
 * `https://<host>/application/o/<slug>/`, or set `AUTH_AUTHENTIK_ISSUER`. The profile is the
 * ID token (authentik puts the scope claims in it by default).
 *
 * Docs: https://docs.goauthentik.io/ (Providers, OAuth2/OpenID provider)
 *
 * Callback URL: `<baseURL><basePath>/callback/authentik`.
 *
 * @example
 * import Authentik from "gatehouse/providers/authentik";
 * createAuth({ providers: [Authentik({ issuer: "https://auth.example.com/application/o/my-app/" })] });
 */
export default function Authentik(
  options: OAuthUserConfig<AuthentikProfile> = {},
): OAuthConfig<AuthentikProfile> {
  return mergeProviderConfig<AuthentikProfile>(
    {
      id: "authentik",
      name: "authentik",
      type: "oidc",
      scope: "openid profile email",
      profile(profile): ProviderUser {
        return {
          id: profile.sub,
          name: profile.name ?? profile.preferred_username ?? profile.nickname ?? null,
          email: profile.email ?? null,
          emailVerified: profile.email_verified === true,
          image: profile.picture ?? null,
        };
      },
      style: { bg: "#fd4b2d", text: "#fff" },
    },
    options,
  );
}
