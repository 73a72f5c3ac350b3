import { mergeProviderConfig, type OAuthConfig, type OAuthUserConfig, type ProviderUser } from "./types.js";

/** The claims Twitch puts in the ID token when the `claims` parameter asks for them. */
export interface TwitchProfile {
  /** The Twitch user id. */
  sub: string;
  preferred_username?: string;
  email?: string;
  email_verified?: boolean;
  picture?: string;
  [claim: string]: unknown;
}

/** Twitch returns only `sub` unless the claims are requested by name (OIDC `claims` parameter). */
const CLAIMS = JSON.stringify({
  id_token: { email: null, email_verified: null, picture: null, preferred_username: null },
  userinfo: { email: null, email_verified: null, picture: null, preferred_username: null },
});

/**
 * Twitch answers `scope` as a JSON array where OAuth 2 says a space-separated string; rewrites
 * it so the standard token response checks pass.
 */
async function conformScope(response: Response): Promise<Response> {
  if (!response.ok) return response;
  const body = (await response
    .clone()
    .json()
    .catch(() => undefined)) as Record<string, unknown> | undefined;
  if (!body || !Array.isArray(body.scope)) return response;
  body.scope = body.scope.join(" ");
  const headers = new Headers(response.headers);
  headers.delete("content-length");
  return new Response(JSON.stringify(body), { status: response.status, headers });
}

/**
 * Twitch (OpenID Connect, discovery from `https://id.twitch.tv/oauth2`). The preset asks for the
 * email, its verification, the avatar and the login name through the `claims` parameter, sends
 * the client credentials in the token request body as Twitch requires, and turns the token
 * response's `scope` array into a string.
 *
 * Callback URL: `<baseURL><basePath>/callback/twitch`.
 *
 * @see https://dev.twitch.tv/docs/authentication/getting-tokens-oidc/
 * @example
 * import Twitch from "gatehouse/providers/twitch";
 * createAuth({ providers: [Twitch] }); // AUTH_TWITCH_ID / AUTH_TWITCH_SECRET
 */
export default function Twitch(options: OAuthUserConfig<TwitchProfile> = {}): OAuthConfig<TwitchProfile> {
  return mergeProviderConfig<TwitchProfile>(
    {
      id: "twitch",
      name: "Twitch",
      type: "oidc",
      issuer: "https://id.twitch.tv/oauth2",
      authorization: { params: { claims: CLAIMS } },
      token: { conform: conformScope },
      client: { token_endpoint_auth_method: "client_secret_post" },
      scope: "openid user:read:email",
      profile(profile): ProviderUser {
        return {
          id: profile.sub,
          name: profile.preferred_username ?? profile.email ?? null,
          email: profile.email ?? null,
          emailVerified: profile.email_verified === true,
          image: profile.picture ?? null,
        };
      },
      style: { bg: "#9146FF", text: "#fff" },
    },
    options,
  );
}
