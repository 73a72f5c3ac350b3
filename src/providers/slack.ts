import { mergeProviderConfig, type OAuthConfig, type OAuthUserConfig, type ProviderUser } from "./types.js";

/** The claims of a "Sign in with Slack" ID token (scopes `openid profile email`). */
export interface SlackProfile {
  /** The Slack user id (`U...`). */
  sub: string;
  "https://slack.com/user_id": string;
  "https://slack.com/team_id": string;
  "https://slack.com/team_name"?: string;
  "https://slack.com/team_domain"?: string;
  email?: string;
  email_verified?: boolean;
  name?: string;
  given_name?: string;
  family_name?: string;
  picture?: string;
  locale?: string;
  "https://slack.com/user_image_512"?: string;
  [claim: string]: unknown;
}

/**
 * Sign in with Slack (OpenID Connect, discovery from `https://slack.com`). The account id is the
 * Slack user id; note that a person has a different user id in every workspace. The workspace
 * is in the `https://slack.com/team_id` claim (pass `authorization: { params: { team: "T..." } }`
 * to preselect one).
 *
 * Callback URL: `<baseURL><basePath>/callback/slack` (Slack requires https redirect URLs).
 *
 * @see https://api.slack.com/authentication/sign-in-with-slack
 * @example
 * import Slack from "gatehouse/providers/slack";
 * createAuth({ providers: [Slack] }); // AUTH_SLACK_ID / AUTH_SLACK_SECRET
 */
export default function Slack(options: OAuthUserConfig<SlackProfile> = {}): OAuthConfig<SlackProfile> {
  return mergeProviderConfig<SlackProfile>(
    {
      id: "slack",
      name: "Slack",
      type: "oidc",
      issuer: "https://slack.com",
      scope: "openid profile email",
      profile(profile): ProviderUser {
        return {
          id: profile["https://slack.com/user_id"] ?? profile.sub,
          name: profile.name || profile.given_name || profile.email || null,
          email: profile.email ?? null,
          emailVerified: profile.email_verified === true,
          image: profile.picture ?? profile["https://slack.com/user_image_512"] ?? null,
        };
      },
      style: { bg: "#4A154B", text: "#fff" },
    },
    options,
  );
}
