import { mergeProviderConfig, type OAuthConfig, type OAuthUserConfig, type ProviderUser } from "./types.js";

/** Hugging Face's userinfo claims (the ones we read). */
export interface HuggingFaceProfile {
  sub: string;
  /** Needs `profile`. */
  name?: string;
  preferred_username?: string;
  picture?: string;
  profile?: string;
  website?: string;
  /** Needs `email`. */
  email?: string;
  email_verified?: boolean;
  isPro?: boolean;
  orgs?: { sub: string; name: string; preferred_username: string; picture?: string }[];
  [member: string]: unknown;
}

/**
 * Sign in with Hugging Face, an OpenID provider (issuer `https://huggingface.co`). The ID
 * token is validated and the profile is read from the userinfo endpoint, which carries the
 * Hugging Face fields (`isPro`, `orgs`) as well as the standard claims. The OAuth app needs the
 * `email` scope for the email.
 *
 * Docs: https://huggingface.co/docs/hub/oauth
 *
 * Callback URL: `<baseURL><basePath>/callback/huggingface`.
 *
 * @example
 * import HuggingFace from "gatehouse/providers/huggingface";
 * createAuth({ providers: [HuggingFace] }); // AUTH_HUGGINGFACE_ID / AUTH_HUGGINGFACE_SECRET
 */
export default function HuggingFace(
  options: OAuthUserConfig<HuggingFaceProfile> = {},
): OAuthConfig<HuggingFaceProfile> {
  return mergeProviderConfig<HuggingFaceProfile>(
    {
      id: "huggingface",
      name: "Hugging Face",
      type: "oidc",
      issuer: "https://huggingface.co",
      scope: "openid profile email",
      idToken: false,
      profile(profile): ProviderUser {
        return {
          id: profile.sub,
          name: profile.name ?? profile.preferred_username ?? null,
          email: profile.email ?? null,
          emailVerified: profile.email_verified === true,
          image: profile.picture ?? null,
        };
      },
      style: { bg: "#ffd21e", text: "#000" },
    },
    options,
  );
}
