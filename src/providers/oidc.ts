import { mergeProviderConfig, type OAuthConfig, type OAuthUserConfig } from "./types.js";

/** Standard OpenID Connect claims (the ones the default mapping reads). */
export interface OIDCProfile {
  sub: string;
  name?: string;
  preferred_username?: string;
  email?: string;
  email_verified?: boolean;
  picture?: string;
  [claim: string]: unknown;
}

/**
 * Any OpenID Connect provider, found by discovery from its issuer
 * (`<issuer>/.well-known/openid-configuration`). The user comes from the validated ID token's
 * standard claims (`sub`, `name`, `email`, `email_verified`, `picture`).
 *
 * Callback URL: `<baseURL><basePath>/callback/<id>`.
 *
 * @example
 * import OIDC from "gatehouse/providers/oidc";
 * OIDC({ id: "corp", name: "Corp SSO", issuer: "https://sso.example.com", clientId, clientSecret });
 */
export default function OIDC(
  options: OAuthUserConfig<OIDCProfile> & { id?: string; issuer?: string } = {},
): OAuthConfig<OIDCProfile> {
  return mergeProviderConfig<OIDCProfile>(
    {
      id: options.id ?? "oidc",
      name: options.name ?? "OpenID Connect",
      type: "oidc",
      scope: "openid email profile",
    },
    options,
  );
}
