import { mergeProviderConfig, type OAuthConfig, type OAuthUserConfig, type ProviderUser } from "./types.js";

/** GitLab's OpenID Connect claims (ID token and `/oauth/userinfo`, scopes `openid profile email`). */
export interface GitLabProfile {
  /** The user's numeric id, as a string (the same value as `id` in the REST API). */
  sub: string;
  name?: string;
  /** The GitLab username. */
  nickname?: string;
  preferred_username?: string;
  email?: string;
  /** Whether GitLab has verified `email`. */
  email_verified?: boolean;
  /** Avatar URL. */
  picture?: string;
  /** Profile page URL. */
  profile?: string;
  groups?: string[];
  [claim: string]: unknown;
}

/**
 * GitLab (OpenID Connect, discovery from `https://gitlab.com`; pass `issuer` — or set
 * `AUTH_GITLAB_ISSUER` — for a self-managed instance). GitLab puts only some claims in the ID
 * token and the rest (username, email ...) in userinfo, so the preset reads userinfo.
 *
 * Callback URL: `<baseURL><basePath>/callback/gitlab`.
 *
 * @see https://docs.gitlab.com/integration/openid_connect_provider/
 * @example
 * import GitLab from "gatehouse/providers/gitlab";
 * createAuth({ providers: [GitLab({ issuer: "https://gitlab.example.com" })] });
 */
export default function GitLab(options: OAuthUserConfig<GitLabProfile> = {}): OAuthConfig<GitLabProfile> {
  return mergeProviderConfig<GitLabProfile>(
    {
      id: "gitlab",
      name: "GitLab",
      type: "oidc",
      issuer: "https://gitlab.com",
      scope: "openid profile email",
      idToken: false,
      profile(profile): ProviderUser {
        return {
          id: profile.sub,
          name: profile.name || profile.nickname || profile.preferred_username || null,
          email: profile.email ?? null,
          emailVerified: profile.email_verified === true,
          image: profile.picture ?? null,
        };
      },
      style: { bg: "#FC6D26", text: "#fff" },
    },
    options,
  );
}
