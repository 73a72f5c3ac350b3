import { mergeProviderConfig, type OAuthConfig, type OAuthUserConfig, type ProviderUser } from "./types.js";

/** The user object of `GET /user` (the fields we read), plus what `/user/emails` tells us. */
export interface GitHubProfile {
  id: number;
  login: string;
  name: string | null;
  email: string | null;
  avatar_url: string;
  html_url?: string;
  /** Added by the preset from `GET /user/emails`: whether `email` is a verified address. */
  email_verified?: boolean;
  [member: string]: unknown;
}

interface GitHubEmail {
  email: string;
  primary: boolean;
  verified: boolean;
}

/**
 * GitHub (OAuth App or GitHub App user tokens). Reads `GET /user`, then `GET /user/emails`
 * for the primary verified address (a user's email is private unless they made it public).
 *
 * Callback URL: `<baseURL><basePath>/callback/github`.
 *
 * @example
 * import GitHub from "gatehouse/providers/github";
 * createAuth({ providers: [GitHub] }); // AUTH_GITHUB_ID / AUTH_GITHUB_SECRET
 */
export default function GitHub(options: OAuthUserConfig<GitHubProfile> = {}): OAuthConfig<GitHubProfile> {
  return mergeProviderConfig<GitHubProfile>(
    {
      id: "github",
      name: "GitHub",
      type: "oauth",
      authorization: "https://github.com/login/oauth/authorize",
      token: "https://github.com/login/oauth/access_token",
      userinfo: {
        url: "https://api.github.com/user",
        async request({ tokens, provider, fetch }) {
          const headers = {
            authorization: `Bearer ${tokens.access_token}`,
            accept: "application/vnd.github+json",
            "user-agent": "gatehouse",
          };
          const base = provider.userinfoURL ?? "https://api.github.com/user";
          const userResponse = await fetch(base, { headers });
          if (!userResponse.ok) throw new Error(`GitHub /user answered ${userResponse.status}`);
          const profile = (await userResponse.json()) as GitHubProfile;
          // /user/emails needs the user:email scope; without it the profile's public email stays unverified.
          const emailsResponse = await fetch(new URL("/user/emails", base), { headers });
          if (emailsResponse.ok) {
            const emails = (await emailsResponse.json()) as GitHubEmail[];
            const primary = Array.isArray(emails) ? emails.find((e) => e.primary && e.verified) : undefined;
            if (primary) {
              profile.email = primary.email;
              profile.email_verified = true;
            } else if (profile.email) {
              profile.email_verified = emails.some?.((e) => e.email === profile.email && e.verified) ?? false;
            }
          }
          return profile;
        },
      },
      scope: "read:user user:email",
      profile(profile): ProviderUser {
        return {
          id: String(profile.id),
          name: profile.name ?? profile.login,
          email: profile.email,
          emailVerified: profile.email_verified === true,
          image: profile.avatar_url,
        };
      },
      style: { bg: "#24292f", text: "#fff" },
    },
    options,
  );
}
