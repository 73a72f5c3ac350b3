import { mergeProviderConfig, type OAuthConfig, type OAuthUserConfig, type ProviderUser } from "./types.js";

/** The body of `GET /v1/identity/openidconnect/userinfo?schema=openid` (the fields we read). */
export interface PayPalProfile {
  /** PayPal's Private Personal Identifier for this app. */
  user_id: string;
  sub?: string;
  name?: string;
  given_name?: string;
  family_name?: string;
  email?: string;
  email_verified?: boolean;
  picture?: string;
  /** Whether the PayPal account is verified (needs the paypalattributes scope). */
  verified_account?: boolean | string;
  payer_id?: string;
  [member: string]: unknown;
}

/**
 * Log in with PayPal (live). The authorization request goes to `www.paypal.com/signin/authorize`
 * with `flowEntry=static`, the code is exchanged at `api-m.paypal.com/v1/oauth2/token` (client
 * credentials in HTTP Basic), and the profile is the Identity API's userinfo. Enable "Log in
 * with PayPal" and the email attribute on the app. For the sandbox, override the three URLs
 * with their `sandbox.paypal.com` / `api-m.sandbox.paypal.com` forms.
 *
 * Docs: https://developer.paypal.com/docs/log-in-with-paypal/integrate/ and
 * https://developer.paypal.com/docs/api/identity/v1/
 *
 * Callback URL: `<baseURL><basePath>/callback/paypal` (the app's Return URL).
 *
 * @example
 * import PayPal from "gatehouse/providers/paypal";
 * createAuth({ providers: [PayPal] }); // AUTH_PAYPAL_ID / AUTH_PAYPAL_SECRET
 */
export default function PayPal(options: OAuthUserConfig<PayPalProfile> = {}): OAuthConfig<PayPalProfile> {
  return mergeProviderConfig<PayPalProfile>(
    {
      id: "paypal",
      name: "PayPal",
      type: "oauth",
      authorization: { url: "https://www.paypal.com/signin/authorize", params: { flowEntry: "static" } },
      token: "https://api-m.paypal.com/v1/oauth2/token",
      userinfo: "https://api-m.paypal.com/v1/identity/openidconnect/userinfo?schema=openid",
      scope: "openid email profile",
      profile(profile): ProviderUser {
        const fullName = [profile.given_name, profile.family_name].filter(Boolean).join(" ");
        return {
          id: profile.user_id ?? profile.sub,
          name: profile.name ?? (fullName || null),
          email: profile.email ?? null,
          emailVerified: profile.email_verified === true,
          image: profile.picture ?? null,
        };
      },
      style: { bg: "#003087", text: "#fff" },
    },
    options,
  );
}
