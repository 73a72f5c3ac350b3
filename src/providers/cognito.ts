import { mergeProviderConfig, type OAuthConfig, type OAuthUserConfig, type ProviderUser } from "./types.js";

/** The claims of an Amazon Cognito user pool ID token (scopes `openid profile email`). */
export interface CognitoProfile {
  /** The user's id in the pool (a UUID). */
  sub: string;
  "cognito:username": string;
  email?: string;
  /** A boolean; older pools sent the string "true" or "false". */
  email_verified?: boolean | "true" | "false";
  name?: string;
  given_name?: string;
  family_name?: string;
  picture?: string;
  [claim: string]: unknown;
}

/**
 * Amazon Cognito user pools (OpenID Connect). Give the pool as `issuer`
 * (`https://cognito-idp.<region>.amazonaws.com/<user-pool-id>`), or set `AUTH_COGNITO_ISSUER`;
 * discovery finds the pool's domain and its endpoints.
 *
 * Callback URL: `<baseURL><basePath>/callback/cognito`.
 *
 * @see https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-id-token.html
 * @example
 * import Cognito from "gatehouse/providers/cognito";
 * createAuth({
 *   providers: [Cognito({ issuer: "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123" })],
 * });
 */
export default function Cognito(options: OAuthUserConfig<CognitoProfile> = {}): OAuthConfig<CognitoProfile> {
  return mergeProviderConfig<CognitoProfile>(
    {
      id: "cognito",
      name: "Cognito",
      type: "oidc",
      scope: "openid profile email",
      profile(profile): ProviderUser {
        return {
          id: profile.sub,
          name: profile.name || profile["cognito:username"] || profile.email || null,
          email: profile.email ?? null,
          emailVerified: profile.email_verified === true || profile.email_verified === "true",
          image: profile.picture ?? null,
        };
      },
      style: { bg: "#fff", text: "#C17B9E" },
    },
    options,
  );
}
