import { mergeProviderConfig, type OAuthConfig, type OAuthUserConfig, type ProviderUser } from "./types.js";

/**
 * The claims of a Google ID token (scopes `openid email profile`), as listed in Google's
 * OpenID Connect reference.
 */
export interface GoogleProfile {
  /** The Google account id; never reused. */
  sub: string;
  email?: string;
  email_verified?: boolean;
  name?: string;
  given_name?: string;
  family_name?: string;
  picture?: string;
  locale?: string;
  /** The Google Workspace domain of the account, when it has one. */
  hd?: string;
  iss: string;
  aud: string;
  iat: number;
  exp: number;
  [claim: string]: unknown;
}

/**
 * Google (OpenID Connect, discovery from `https://accounts.google.com`). The profile is read
 * from the ID token. Pass `authorization: { params: { access_type: "offline", prompt: "consent" } }`
 * to receive a refresh token, or `{ params: { hd: "example.com" } }` to preselect a Workspace
 * domain (and check `hd` in your own code: the parameter is only a hint).
 *
 * Callback URL: `<baseURL><basePath>/callback/google`.
 *
 * @see https://developers.google.com/identity/openid-connect/openid-connect
 * @example
 * import Google from "gatehouse/providers/google";
 * createAuth({ providers: [Google] }); // AUTH_GOOGLE_ID / AUTH_GOOGLE_SECRET
 */
export default function Google(options: OAuthUserConfig<GoogleProfile> = {}): OAuthConfig<GoogleProfile> {
  return mergeProviderConfig<GoogleProfile>(
    {
      id: "google",
      name: "Google",
      type: "oidc",
      issuer: "https://accounts.google.com",
      scope: "openid email profile",
      profile(profile): ProviderUser {
        const fullName = [profile.given_name, profile.family_name].filter(Boolean).join(" ");
        return {
          id: profile.sub,
          name: profile.name ?? (fullName || profile.email) ?? null,
          email: profile.email ?? null,
          emailVerified: profile.email_verified === true,
          image: profile.picture ?? null,
        };
      },
      style: { bg: "#fff", text: "#000" },
    },
    options,
  );
}
