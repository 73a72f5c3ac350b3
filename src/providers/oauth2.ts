import { mergeProviderConfig, type OAuthConfig, type OAuthUserConfig } from "./types.js";

/**
 * Any OAuth 2.0 provider without a preset: give its endpoints, scope and a `profile()` that
 * maps its user object (the default reads `sub` or `id`, `name`, `email`, `picture`). PKCE and
 * state are used as for every provider.
 *
 * Callback URL: `<baseURL><basePath>/callback/<id>`.
 *
 * @example
 * import OAuth2 from "gatehouse/providers/oauth2";
 * OAuth2({
 *   id: "acme", name: "Acme", clientId, clientSecret,
 *   authorization: "https://acme.example/oauth/authorize",
 *   token: "https://acme.example/oauth/token",
 *   userinfo: "https://api.acme.example/me",
 *   scope: "profile email",
 *   profile: (p) => ({ id: String(p.id), name: p.display_name, email: p.email, image: p.avatar }),
 * });
 */
export default function OAuth2<Profile = Record<string, unknown>>(
  options: OAuthUserConfig<Profile> & { id?: string } = {},
): OAuthConfig<Profile> {
  return mergeProviderConfig<Profile>(
    { id: options.id ?? "oauth2", name: options.name ?? "OAuth", type: "oauth" },
    options,
  );
}
