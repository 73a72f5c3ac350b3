import { mergeProviderConfig, type OAuthConfig, type OAuthUserConfig, type ProviderUser } from "./types.js";

/** The Graph API user (`GET /me?fields=id,name,email,picture`). */
export interface FacebookProfile {
  /** The app-scoped user id. */
  id: string;
  name?: string;
  /** Absent when the user has no valid email or did not grant `email`. */
  email?: string;
  picture?: { data: { url: string; width?: number; height?: number; is_silhouette?: boolean } };
  [member: string]: unknown;
}

/** The Graph API version the preset calls; override the URLs to use another. */
const FACEBOOK_GRAPH_VERSION = "v23.0";
const FIELDS = "id,name,email,picture.width(320).height(320)";

/**
 * Facebook Login (OAuth 2, the manually built login flow). Reads the Graph API `/me` with the
 * `fields` it needs; if the userinfo URL you give has no `fields`, the preset adds them. Facebook
 * does not say that the email is verified, so `emailVerified` stays false.
 *
 * Callback URL: `<baseURL><basePath>/callback/facebook`.
 *
 * @see https://developers.facebook.com/docs/facebook-login/guides/advanced/manual-flow
 * @see https://developers.facebook.com/docs/graph-api/reference/user
 * @example
 * import Facebook from "gatehouse/providers/facebook";
 * createAuth({ providers: [Facebook] }); // AUTH_FACEBOOK_ID / AUTH_FACEBOOK_SECRET
 */
export default function Facebook(
  options: OAuthUserConfig<FacebookProfile> = {},
): OAuthConfig<FacebookProfile> {
  const graph = `https://graph.facebook.com/${FACEBOOK_GRAPH_VERSION}`;
  return mergeProviderConfig<FacebookProfile>(
    {
      id: "facebook",
      name: "Facebook",
      type: "oauth",
      authorization: `https://www.facebook.com/${FACEBOOK_GRAPH_VERSION}/dialog/oauth`,
      token: `${graph}/oauth/access_token`,
      // The access token endpoint reads the client credentials from the request body.
      client: { token_endpoint_auth_method: "client_secret_post" },
      userinfo: {
        url: `${graph}/me`,
        async request({ tokens, provider, fetch }) {
          const url = new URL(provider.userinfoURL ?? `${graph}/me`);
          if (!url.searchParams.has("fields")) url.searchParams.set("fields", FIELDS);
          const response = await fetch(url, {
            headers: { authorization: `Bearer ${tokens.access_token}`, accept: "application/json" },
          });
          if (!response.ok) throw new Error(`Facebook /me answered ${response.status}`);
          return (await response.json()) as FacebookProfile;
        },
      },
      scope: "email public_profile",
      profile(profile): ProviderUser {
        return {
          id: profile.id,
          name: profile.name ?? profile.email ?? null,
          email: profile.email ?? null,
          emailVerified: false,
          image: profile.picture?.data?.url ?? null,
        };
      },
      style: { bg: "#1877F2", text: "#fff" },
    },
    options,
  );
}
