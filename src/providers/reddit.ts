import { mergeProviderConfig, type OAuthConfig, type OAuthUserConfig, type ProviderUser } from "./types.js";

/** The identity of `GET /api/v1/me` (scope `identity`), the fields the preset reads. */
export interface RedditProfile {
  /** The account id (base 36, without the `t2_` prefix). */
  id: string;
  /** The username. */
  name: string;
  /** Avatar URL, HTML-escaped by Reddit (`&amp;`). */
  icon_img?: string;
  snoovatar_img?: string;
  has_verified_email?: boolean;
  [member: string]: unknown;
}

const API = "https://oauth.reddit.com/api/v1/me";

/**
 * Reddit (OAuth 2). Reads `GET /api/v1/me` on `oauth.reddit.com` with the descriptive
 * User-Agent Reddit's API rules ask for. Reddit shares no email address. `duration=permanent`
 * asks for a refresh token; the token endpoint takes HTTP Basic client authentication.
 *
 * Callback URL: `<baseURL><basePath>/callback/reddit`.
 *
 * @see https://github.com/reddit-archive/reddit/wiki/OAuth2
 * @example
 * import Reddit from "gatehouse/providers/reddit";
 * createAuth({ providers: [Reddit] }); // AUTH_REDDIT_ID / AUTH_REDDIT_SECRET
 */
export default function Reddit(options: OAuthUserConfig<RedditProfile> = {}): OAuthConfig<RedditProfile> {
  return mergeProviderConfig<RedditProfile>(
    {
      id: "reddit",
      name: "Reddit",
      type: "oauth",
      authorization: { url: "https://www.reddit.com/api/v1/authorize", params: { duration: "permanent" } },
      token: "https://www.reddit.com/api/v1/access_token",
      userinfo: {
        url: API,
        async request({ tokens, provider, fetch }) {
          const response = await fetch(provider.userinfoURL ?? API, {
            headers: {
              authorization: `Bearer ${tokens.access_token}`,
              "user-agent": "web:gatehouse:1 (sign-in)",
            },
          });
          if (!response.ok) throw new Error(`Reddit /api/v1/me answered ${response.status}`);
          return (await response.json()) as RedditProfile;
        },
      },
      scope: "identity",
      profile(profile): ProviderUser {
        const image = profile.snoovatar_img || profile.icon_img;
        return {
          id: profile.id,
          name: profile.name,
          email: null,
          emailVerified: false,
          image: image ? image.replaceAll("&amp;", "&") : null,
        };
      },
      style: { bg: "#FF4500", text: "#fff" },
    },
    options,
  );
}
