import { mergeProviderConfig, type OAuthConfig, type OAuthUserConfig, type ProviderUser } from "./types.js";

/** Okta's userinfo claims (scopes `openid profile email`). */
export interface OktaProfile {
  /** The Okta user id. */
  sub: string;
  name?: string;
  given_name?: string;
  family_name?: string;
  preferred_username?: string;
  email?: string;
  email_verified?: boolean;
  picture?: string;
  locale?: string;
  zoneinfo?: string;
  [claim: string]: unknown;
}

/**
 * Okta (OpenID Connect). Give your Okta domain or authorization server as `issuer`
 * (`https://<org>.okta.com` for the org server, `https://<org>.okta.com/oauth2/default` for the
 * default custom one), or set `AUTH_OKTA_ISSUER`. When an access token is issued too, Okta
 * leaves the profile claims out of the ID token by default, so the preset reads userinfo.
 *
 * Callback URL: `<baseURL><basePath>/callback/okta`.
 *
 * @see https://developer.okta.com/docs/reference/api/oidc/
 * @see https://help.okta.com/en-us/Content/topics/security/api-config-claims.htm
 * @example
 * import Okta from "gatehouse/providers/okta";
 * createAuth({ providers: [Okta({ issuer: "https://example.okta.com/oauth2/default" })] });
 */
export default function Okta(options: OAuthUserConfig<OktaProfile> = {}): OAuthConfig<OktaProfile> {
  return mergeProviderConfig<OktaProfile>(
    {
      id: "okta",
      name: "Okta",
      type: "oidc",
      scope: "openid profile email",
      idToken: false,
      profile(profile): ProviderUser {
        return {
          id: profile.sub,
          name: profile.name || profile.preferred_username || profile.email || null,
          email: profile.email ?? null,
          emailVerified: profile.email_verified === true,
          image: profile.picture ?? null,
        };
      },
      style: { bg: "#00297A", text: "#fff" },
    },
    options,
  );
}
