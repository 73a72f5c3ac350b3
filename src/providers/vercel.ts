import { mergeProviderConfig, type OAuthConfig, type OAuthUserConfig, type ProviderUser } from "./types.js";

/** The ID token claims of Sign in with Vercel (the ones we read). */
export interface VercelProfile {
  sub: string;
  name?: string;
  preferred_username?: string;
  email?: string;
  email_verified?: boolean;
  picture?: string;
  [member: string]: unknown;
}

/**
 * Sign in with Vercel, an OpenID provider (issuer `https://vercel.com`, discovery at
 * `/.well-known/openid-configuration`, PKCE required). The profile is the ID token: `sub`,
 * `name`, `preferred_username`, `email`, `picture`. Vercel does not put `email_verified` in
 * it, so the email is trusted only if a future token says so.
 *
 * Docs: https://vercel.com/docs/sign-in-with-vercel/authorization-server-api and
 * https://vercel.com/docs/sign-in-with-vercel/tokens
 *
 * Callback URL: `<baseURL><basePath>/callback/vercel`.
 *
 * @example
 * import Vercel from "gatehouse/providers/vercel";
 * createAuth({ providers: [Vercel] }); // AUTH_VERCEL_ID / AUTH_VERCEL_SECRET
 */
export default function Vercel(options: OAuthUserConfig<VercelProfile> = {}): OAuthConfig<VercelProfile> {
  return mergeProviderConfig<VercelProfile>(
    {
      id: "vercel",
      name: "Vercel",
      type: "oidc",
      issuer: "https://vercel.com",
      scope: "openid email profile",
      profile(profile): ProviderUser {
        return {
          id: profile.sub,
          name: profile.name ?? profile.preferred_username ?? null,
          email: profile.email ?? null,
          emailVerified: profile.email_verified === true,
          image: profile.picture ?? null,
        };
      },
      style: { bg: "#000", text: "#fff" },
    },
    options,
  );
}
