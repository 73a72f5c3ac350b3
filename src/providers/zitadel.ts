import { mergeProviderConfig, type OAuthConfig, type OAuthUserConfig, type ProviderUser } from "./types.js";

/** ZITADEL's userinfo claims (the ones we read). */
export interface ZitadelProfile {
  sub: string;
  name?: string;
  given_name?: string;
  family_name?: string;
  preferred_username?: string;
  email?: string;
  email_verified?: boolean;
  picture?: string;
  locale?: string;
  [member: string]: unknown;
}

/**
 * ZITADEL, an OpenID provider (cloud or self-hosted). Pass the instance's issuer
 * (`https://<instance>.zitadel.cloud` or your domain), or set `AUTH_ZITADEL_ISSUER`. In the
 * code flow ZITADEL leaves the profile claims out of the ID token unless the app opts in, so
 * the preset validates the ID token and reads the profile from userinfo.
 *
 * Docs: https://zitadel.com/docs/apis/openidoauth/endpoints and
 * https://zitadel.com/docs/apis/openidoauth/claims
 *
 * Callback URL: `<baseURL><basePath>/callback/zitadel`.
 *
 * @example
 * import Zitadel from "gatehouse/providers/zitadel";
 * createAuth({ providers: [Zitadel({ issuer: "https://my-instance.zitadel.cloud" })] });
 */
export default function Zitadel(options: OAuthUserConfig<ZitadelProfile> = {}): OAuthConfig<ZitadelProfile> {
  return mergeProviderConfig<ZitadelProfile>(
    {
      id: "zitadel",
      name: "ZITADEL",
      type: "oidc",
      scope: "openid profile email",
      idToken: false,
      profile(profile): ProviderUser {
        const fullName = [profile.given_name, profile.family_name].filter(Boolean).join(" ");
        return {
          id: profile.sub,
          name: profile.name ?? (fullName || profile.preferred_username) ?? null,
          email: profile.email ?? null,
          emailVerified: profile.email_verified === true,
          image: profile.picture ?? null,
        };
      },
      style: { bg: "#000", text: "#fff" },
    },
    options,
  );
}
