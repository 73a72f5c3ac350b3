import { mergeProviderConfig, type OAuthConfig, type OAuthUserConfig, type ProviderUser } from "./types.js";

/** LinkedIn's OpenID Connect userinfo (`GET /v2/userinfo`, scopes `openid profile email`). */
export interface LinkedInProfile {
  /** The member id for your application. */
  sub: string;
  name?: string;
  given_name?: string;
  family_name?: string;
  picture?: string;
  locale?: string | { country: string; language: string };
  email?: string;
  email_verified?: boolean;
  [claim: string]: unknown;
}

/**
 * LinkedIn ("Sign In with LinkedIn using OpenID Connect"). LinkedIn's ID tokens carry no
 * `nonce`, which an OpenID client must insist on, so the preset talks to LinkedIn's OAuth 2
 * endpoints and reads the standard claims from its OIDC userinfo endpoint with the access
 * token. The token endpoint takes the client credentials in the request body.
 *
 * Callback URL: `<baseURL><basePath>/callback/linkedin`.
 *
 * @see https://learn.microsoft.com/linkedin/consumer/integrations/self-serve/sign-in-with-linkedin-v2
 * @example
 * import LinkedIn from "gatehouse/providers/linkedin";
 * createAuth({ providers: [LinkedIn] }); // AUTH_LINKEDIN_ID / AUTH_LINKEDIN_SECRET
 */
export default function LinkedIn(
  options: OAuthUserConfig<LinkedInProfile> = {},
): OAuthConfig<LinkedInProfile> {
  return mergeProviderConfig<LinkedInProfile>(
    {
      id: "linkedin",
      name: "LinkedIn",
      type: "oauth",
      authorization: "https://www.linkedin.com/oauth/v2/authorization",
      token: "https://www.linkedin.com/oauth/v2/accessToken",
      userinfo: "https://api.linkedin.com/v2/userinfo",
      client: { token_endpoint_auth_method: "client_secret_post" },
      scope: "openid profile email",
      profile(profile): ProviderUser {
        const fullName = [profile.given_name, profile.family_name].filter(Boolean).join(" ");
        return {
          id: profile.sub,
          name: profile.name || fullName || profile.email || null,
          email: profile.email ?? null,
          emailVerified: profile.email_verified === true,
          image: profile.picture ?? null,
        };
      },
      style: { bg: "#0A66C2", text: "#fff" },
    },
    options,
  );
}
