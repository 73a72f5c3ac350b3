import { mergeProviderConfig, type OAuthConfig, type OAuthUserConfig, type ProviderUser } from "./types.js";

/** The answer of X API v2 `GET /2/users/me` with `user.fields=profile_image_url,confirmed_email`. */
export interface TwitterProfile {
  data: {
    id: string;
    name: string;
    username: string;
    profile_image_url?: string;
    /** Present with the `users.email` scope when the account has a confirmed email. */
    confirmed_email?: string;
    [field: string]: unknown;
  };
  [member: string]: unknown;
}

const USER_FIELDS = "profile_image_url,confirmed_email";

/**
 * X (Twitter), OAuth 2.0 authorization code flow with PKCE. Reads `GET /2/users/me`, asking for
 * the avatar and, with the `users.email` scope, the account's confirmed email; if the userinfo
 * URL you give has no `user.fields`, the preset adds them. `offline.access` yields a refresh
 * token. X does not describe `confirmed_email` as verified in its reference, so `emailVerified`
 * stays false and accounts are not linked by email.
 *
 * Callback URL: `<baseURL><basePath>/callback/twitter`.
 *
 * @see https://docs.x.com/fundamentals/authentication/oauth-2-0/authorization-code
 * @see https://docs.x.com/x-api/users/get-my-user
 * @example
 * import Twitter from "gatehouse/providers/twitter";
 * createAuth({ providers: [Twitter] }); // AUTH_TWITTER_ID / AUTH_TWITTER_SECRET
 */
export default function Twitter(options: OAuthUserConfig<TwitterProfile> = {}): OAuthConfig<TwitterProfile> {
  return mergeProviderConfig<TwitterProfile>(
    {
      id: "twitter",
      name: "X",
      type: "oauth",
      authorization: "https://x.com/i/oauth2/authorize",
      token: "https://api.x.com/2/oauth2/token",
      userinfo: {
        url: "https://api.x.com/2/users/me",
        async request({ tokens, provider, fetch }) {
          const url = new URL(provider.userinfoURL ?? "https://api.x.com/2/users/me");
          if (!url.searchParams.has("user.fields")) url.searchParams.set("user.fields", USER_FIELDS);
          const response = await fetch(url, { headers: { authorization: `Bearer ${tokens.access_token}` } });
          if (!response.ok) throw new Error(`X /2/users/me answered ${response.status}`);
          return (await response.json()) as TwitterProfile;
        },
      },
      scope: "users.read tweet.read users.email offline.access",
      profile({ data }): ProviderUser {
        return {
          id: data.id,
          name: data.name || data.username,
          email: data.confirmed_email ?? null,
          emailVerified: false,
          image: data.profile_image_url ?? null,
        };
      },
      style: { bg: "#000", text: "#fff" },
    },
    options,
  );
}
