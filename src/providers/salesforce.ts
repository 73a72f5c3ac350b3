import { mergeProviderConfig, type OAuthConfig, type OAuthUserConfig, type ProviderUser } from "./types.js";

/** Salesforce's UserInfo response (the fields we read), over the ID token claims. */
export interface SalesforceProfile {
  /** The identity URL, `https://login.salesforce.com/id/<orgId>/<userId>`. */
  sub: string;
  user_id: string;
  organization_id?: string;
  preferred_username?: string;
  nickname?: string;
  name?: string;
  email?: string;
  email_verified?: boolean;
  picture?: string;
  photos?: { picture?: string; thumbnail?: string };
  [member: string]: unknown;
}

/**
 * Salesforce, as an OpenID provider (a connected app with the `openid` scope). The ID token
 * is validated, then the UserInfo endpoint supplies the Salesforce user id (`user_id`), which
 * is the account id. For a sandbox pass `issuer: "https://test.salesforce.com"`; for My Domain
 * or an Experience Cloud site, its URL.
 *
 * Docs: https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_using_userinfo_endpoint.htm
 *
 * Callback URL: `<baseURL><basePath>/callback/salesforce`.
 *
 * @example
 * import Salesforce from "gatehouse/providers/salesforce";
 * createAuth({ providers: [Salesforce] }); // AUTH_SALESFORCE_ID / AUTH_SALESFORCE_SECRET
 */
export default function Salesforce(
  options: OAuthUserConfig<SalesforceProfile> = {},
): OAuthConfig<SalesforceProfile> {
  return mergeProviderConfig<SalesforceProfile>(
    {
      id: "salesforce",
      name: "Salesforce",
      type: "oidc",
      issuer: "https://login.salesforce.com",
      scope: "openid profile email",
      // The ID token has no `user_id`; UserInfo does.
      idToken: false,
      client: { token_endpoint_auth_method: "client_secret_post" },
      profile(profile): ProviderUser {
        return {
          id: profile.user_id ?? profile.sub,
          name: profile.name ?? profile.preferred_username ?? null,
          email: profile.email ?? null,
          emailVerified: profile.email_verified === true,
          image: profile.picture ?? profile.photos?.picture ?? null,
        };
      },
      style: { bg: "#00a1e0", text: "#fff" },
    },
    options,
  );
}
