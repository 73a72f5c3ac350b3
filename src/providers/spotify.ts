import { mergeProviderConfig, type OAuthConfig, type OAuthUserConfig, type ProviderUser } from "./types.js";

/** The current user's profile (`GET /v1/me`, scope `user-read-email`). */
export interface SpotifyProfile {
  /** The Spotify user id. */
  id: string;
  display_name: string | null;
  /** As entered by the user; Spotify states it is unverified. */
  email?: string;
  /** Profile images, largest first. */
  images?: { url: string; height: number | null; width: number | null }[];
  country?: string;
  product?: string;
  uri?: string;
  [member: string]: unknown;
}

/**
 * Spotify (OAuth 2 authorization code flow with PKCE). Reads `GET /v1/me`. Spotify documents the
 * email as unverified, so `emailVerified` is always false.
 *
 * Callback URL: `<baseURL><basePath>/callback/spotify`.
 *
 * @see https://developer.spotify.com/documentation/web-api/tutorials/code-flow
 * @see https://developer.spotify.com/documentation/web-api/reference/get-current-users-profile
 * @example
 * import Spotify from "gatehouse/providers/spotify";
 * createAuth({ providers: [Spotify] }); // AUTH_SPOTIFY_ID / AUTH_SPOTIFY_SECRET
 */
export default function Spotify(options: OAuthUserConfig<SpotifyProfile> = {}): OAuthConfig<SpotifyProfile> {
  return mergeProviderConfig<SpotifyProfile>(
    {
      id: "spotify",
      name: "Spotify",
      type: "oauth",
      authorization: "https://accounts.spotify.com/authorize",
      token: "https://accounts.spotify.com/api/token",
      userinfo: "https://api.spotify.com/v1/me",
      scope: "user-read-email",
      profile(profile): ProviderUser {
        return {
          id: profile.id,
          name: profile.display_name || profile.id,
          email: profile.email ?? null,
          emailVerified: false,
          image: profile.images?.[0]?.url ?? null,
        };
      },
      style: { bg: "#1DB954", text: "#fff" },
    },
    options,
  );
}
