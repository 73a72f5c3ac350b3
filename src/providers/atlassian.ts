import { mergeProviderConfig, type OAuthConfig, type OAuthUserConfig, type ProviderUser } from "./types.js";

/** The body of `GET https://api.atlassian.com/me` (the fields we read). */
export interface AtlassianProfile {
  account_id: string;
  account_type?: string;
  account_status?: string;
  email?: string;
  email_verified?: boolean;
  name?: string;
  nickname?: string;
  picture?: string;
  [member: string]: unknown;
}

/**
 * Atlassian accounts, through an OAuth 2.0 (3LO) app of the Atlassian developer console. The
 * authorization request carries `audience=api.atlassian.com` and `prompt=consent` as the docs
 * require; the client secret goes in the token request body; the profile is `GET /me` (scope
 * `read:me`). Add product scopes (`read:jira-work` ...) with `scope`.
 *
 * Docs: https://developer.atlassian.com/cloud/jira/platform/oauth-2-3lo-apps/
 *
 * Callback URL: `<baseURL><basePath>/callback/atlassian`.
 *
 * @example
 * import Atlassian from "gatehouse/providers/atlassian";
 * createAuth({ providers: [Atlassian({ scope: "read:me read:jira-user offline_access" })] });
 */
export default function Atlassian(
  options: OAuthUserConfig<AtlassianProfile> = {},
): OAuthConfig<AtlassianProfile> {
  return mergeProviderConfig<AtlassianProfile>(
    {
      id: "atlassian",
      name: "Atlassian",
      type: "oauth",
      authorization: {
        url: "https://auth.atlassian.com/authorize",
        params: { audience: "api.atlassian.com", prompt: "consent" },
      },
      token: "https://auth.atlassian.com/oauth/token",
      userinfo: "https://api.atlassian.com/me",
      scope: "read:me",
      client: { token_endpoint_auth_method: "client_secret_post" },
      profile(profile): ProviderUser {
        return {
          id: profile.account_id,
          name: profile.name ?? profile.nickname ?? null,
          email: profile.email || null,
          emailVerified: profile.email_verified === true,
          image: profile.picture ?? null,
        };
      },
      style: { bg: "#0052cc", text: "#fff" },
    },
    options,
  );
}
