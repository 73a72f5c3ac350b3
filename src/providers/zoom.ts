import { mergeProviderConfig, type OAuthConfig, type OAuthUserConfig, type ProviderUser } from "./types.js";

/** The user of `GET /v2/users/me`, the fields the preset reads. */
export interface ZoomProfile {
  id: string;
  first_name?: string;
  last_name?: string;
  display_name?: string;
  email: string;
  pic_url?: string;
  account_id?: string;
  /** Whether the account is verified (1) or not (0); Zoom does not say this is about the email. */
  verified?: number;
  [member: string]: unknown;
}

/**
 * Zoom (OAuth 2 authorization code flow with PKCE). Reads `GET /v2/users/me`. Scopes are set on
 * the app in the Zoom App Marketplace rather than in the request (give the app
 * `user:read:user`, or `user:read` for classic scopes); pass `scope` to send one anyway.
 *
 * Callback URL: `<baseURL><basePath>/callback/zoom`.
 *
 * @see https://developers.zoom.us/docs/integrations/oauth/
 * @see https://developers.zoom.us/docs/api/users/#tag/users/GET/users/{userId}
 * @example
 * import Zoom from "gatehouse/providers/zoom";
 * createAuth({ providers: [Zoom] }); // AUTH_ZOOM_ID / AUTH_ZOOM_SECRET
 */
export default function Zoom(options: OAuthUserConfig<ZoomProfile> = {}): OAuthConfig<ZoomProfile> {
  return mergeProviderConfig<ZoomProfile>(
    {
      id: "zoom",
      name: "Zoom",
      type: "oauth",
      authorization: "https://zoom.us/oauth/authorize",
      token: "https://zoom.us/oauth/token",
      userinfo: "https://api.zoom.us/v2/users/me",
      profile(profile): ProviderUser {
        const fullName = [profile.first_name, profile.last_name].filter(Boolean).join(" ");
        return {
          id: profile.id,
          name: profile.display_name || fullName || profile.email || null,
          email: profile.email ?? null,
          emailVerified: false,
          image: profile.pic_url ?? null,
        };
      },
      style: { bg: "#0B5CFF", text: "#fff" },
    },
    options,
  );
}
