import { mergeProviderConfig, type OAuthConfig, type OAuthUserConfig, type ProviderUser } from "./types.js";

/** The body of `GET /v1/me`. */
export interface FigmaProfile {
  id: string;
  email: string;
  handle: string;
  img_url?: string;
  [member: string]: unknown;
}

/**
 * Figma, through an OAuth app of the Figma developer console. Uses the `api.figma.com` token
 * endpoint (client credentials in HTTP Basic) and reads `GET /v1/me` with the
 * `current_user:read` scope. Figma does not say whether the email is verified.
 *
 * Docs: https://developers.figma.com/docs/rest-api/authentication/ and
 * https://developers.figma.com/docs/rest-api/users-endpoints/
 *
 * Callback URL: `<baseURL><basePath>/callback/figma`.
 *
 * @example
 * import Figma from "gatehouse/providers/figma";
 * createAuth({ providers: [Figma({ scope: "current_user:read file_content:read" })] });
 */
export default function Figma(options: OAuthUserConfig<FigmaProfile> = {}): OAuthConfig<FigmaProfile> {
  return mergeProviderConfig<FigmaProfile>(
    {
      id: "figma",
      name: "Figma",
      type: "oauth",
      authorization: "https://www.figma.com/oauth",
      token: "https://api.figma.com/v1/oauth/token",
      userinfo: "https://api.figma.com/v1/me",
      scope: "current_user:read",
      profile(profile): ProviderUser {
        return {
          id: String(profile.id),
          name: profile.handle ?? null,
          email: profile.email ?? null,
          emailVerified: false,
          image: profile.img_url ?? null,
        };
      },
      style: { bg: "#000", text: "#fff" },
    },
    options,
  );
}
