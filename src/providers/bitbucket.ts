import { mergeProviderConfig, type OAuthConfig, type OAuthUserConfig, type ProviderUser } from "./types.js";

/** The body of `GET /2.0/user` (the fields we read), plus what `/2.0/user/emails` tells us. */
export interface BitbucketProfile {
  uuid: string;
  account_id?: string;
  username?: string;
  nickname?: string;
  display_name?: string;
  links?: { avatar?: { href?: string } };
  /** Added by the preset from `GET /2.0/user/emails`: the primary address. */
  email?: string | null;
  /** Added by the preset: whether Bitbucket says the primary address is confirmed. */
  email_verified?: boolean;
  [member: string]: unknown;
}

interface BitbucketEmail {
  email: string;
  is_primary: boolean;
  is_confirmed: boolean;
}

/**
 * Bitbucket Cloud, through an OAuth consumer of a workspace. Scopes are set on the consumer
 * (give it `account` and `email`), not in the request. The profile is `GET /2.0/user`; the
 * email comes from `GET /2.0/user/emails` (the primary address, verified when confirmed).
 *
 * Docs: https://developer.atlassian.com/cloud/bitbucket/oauth-2/ and
 * https://developer.atlassian.com/cloud/bitbucket/rest/api-group-users/
 *
 * Callback URL: `<baseURL><basePath>/callback/bitbucket`.
 *
 * @example
 * import Bitbucket from "gatehouse/providers/bitbucket";
 * createAuth({ providers: [Bitbucket] }); // AUTH_BITBUCKET_ID / AUTH_BITBUCKET_SECRET
 */
export default function Bitbucket(
  options: OAuthUserConfig<BitbucketProfile> = {},
): OAuthConfig<BitbucketProfile> {
  return mergeProviderConfig<BitbucketProfile>(
    {
      id: "bitbucket",
      name: "Bitbucket",
      type: "oauth",
      authorization: "https://bitbucket.org/site/oauth2/authorize",
      token: "https://bitbucket.org/site/oauth2/access_token",
      userinfo: {
        url: "https://api.bitbucket.org/2.0/user",
        async request({ tokens, provider, fetch }) {
          const headers = { authorization: `Bearer ${tokens.access_token}`, accept: "application/json" };
          const base = provider.userinfoURL ?? "https://api.bitbucket.org/2.0/user";
          const userResponse = await fetch(base, { headers });
          if (!userResponse.ok) throw new Error(`Bitbucket /2.0/user answered ${userResponse.status}`);
          const profile = (await userResponse.json()) as BitbucketProfile;
          // Needs the consumer's `email` permission; without it the user has no email.
          const emailsResponse = await fetch(new URL("user/emails", base), { headers });
          if (emailsResponse.ok) {
            const page = (await emailsResponse.json()) as { values?: BitbucketEmail[] };
            const primary =
              page.values?.find((e) => e.is_primary) ?? page.values?.find((e) => e.is_confirmed);
            if (primary) {
              profile.email = primary.email;
              profile.email_verified = primary.is_confirmed === true;
            }
          }
          return profile;
        },
      },
      profile(profile): ProviderUser {
        return {
          id: profile.uuid,
          name: profile.display_name ?? profile.nickname ?? profile.username ?? null,
          email: profile.email ?? null,
          emailVerified: profile.email_verified === true,
          image: profile.links?.avatar?.href ?? null,
        };
      },
      style: { bg: "#205081", text: "#fff" },
    },
    options,
  );
}
