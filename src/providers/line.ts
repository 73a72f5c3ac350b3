import { mergeProviderConfig, type OAuthConfig, type OAuthUserConfig, type ProviderUser } from "./types.js";

/** The ID token claims of LINE Login v2.1 (the ones we read). */
export interface LineProfile {
  /** The LINE user id (`U` + 32 hex digits). */
  sub: string;
  name?: string;
  picture?: string;
  /** Only with the `email` scope, which needs the email permission on the channel. */
  email?: string;
  amr?: string[];
  [member: string]: unknown;
}

/**
 * LINE Login v2.1, an OpenID provider (issuer `https://access.line.me`). The channel secret
 * goes in the token request body, and web login ID tokens are signed with HS256 using the
 * channel secret (apps and LIFF get ES256), so the preset expects HS256. The profile is the ID
 * token. LINE does not say whether the email is verified.
 *
 * Docs: https://developers.line.biz/en/docs/line-login/integrate-line-login/ and
 * https://developers.line.biz/en/docs/line-login/verify-id-token/
 *
 * Callback URL: `<baseURL><basePath>/callback/line`.
 *
 * @example
 * import Line from "gatehouse/providers/line";
 * createAuth({ providers: [Line] }); // AUTH_LINE_ID (channel ID) / AUTH_LINE_SECRET (channel secret)
 */
export default function Line(options: OAuthUserConfig<LineProfile> = {}): OAuthConfig<LineProfile> {
  return mergeProviderConfig<LineProfile>(
    {
      id: "line",
      name: "LINE",
      type: "oidc",
      issuer: "https://access.line.me",
      scope: "openid profile email",
      client: { token_endpoint_auth_method: "client_secret_post", id_token_signed_response_alg: "HS256" },
      profile(profile): ProviderUser {
        return {
          id: profile.sub,
          name: profile.name ?? null,
          email: profile.email ?? null,
          emailVerified: false,
          image: profile.picture ?? null,
        };
      },
      style: { bg: "#06c755", text: "#fff" },
    },
    options,
  );
}
