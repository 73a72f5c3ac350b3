import { mergeProviderConfig, type OAuthConfig, type OAuthUserConfig, type ProviderUser } from "./types.js";

/** A Notion user object of type "person" (the fields we read). */
export interface NotionProfile {
  object: "user";
  id: string;
  type?: "person" | "bot";
  name?: string | null;
  avatar_url?: string | null;
  person?: { email?: string };
  [member: string]: unknown;
}

/** The `owner` member of Notion's token response, and of a bot user's `bot` object. */
interface NotionOwner {
  type?: "user" | "workspace";
  user?: NotionProfile;
}

/** The API version we speak to `GET /v1/users/me`. */
const NOTION_VERSION = "2022-06-28";

/**
 * Notion (public integrations). The token endpoint authenticates the client with HTTP Basic
 * and answers with the integration's `owner`: for a user-owned integration that is the person
 * who authorized it, which is the profile we use. When the token response has no owner user,
 * the preset asks `GET /v1/users/me` (the token's bot user) for `bot.owner.user` instead.
 * Notion does not say whether the email is verified, so it is not trusted for account linking.
 *
 * Docs: https://developers.notion.com/docs/authorization
 *
 * Callback URL: `<baseURL><basePath>/callback/notion`.
 *
 * @example
 * import Notion from "gatehouse/providers/notion";
 * createAuth({ providers: [Notion] }); // AUTH_NOTION_ID / AUTH_NOTION_SECRET
 */
export default function Notion(options: OAuthUserConfig<NotionProfile> = {}): OAuthConfig<NotionProfile> {
  return mergeProviderConfig<NotionProfile>(
    {
      id: "notion",
      name: "Notion",
      type: "oauth",
      authorization: { url: "https://api.notion.com/v1/oauth/authorize", params: { owner: "user" } },
      token: "https://api.notion.com/v1/oauth/token",
      userinfo: {
        url: "https://api.notion.com/v1/users/me",
        async request({ tokens, provider, fetch }) {
          const owner = tokens.owner as NotionOwner | undefined;
          if (owner?.type === "user" && owner.user?.id) return owner.user;
          const response = await fetch(provider.userinfoURL ?? "https://api.notion.com/v1/users/me", {
            headers: {
              authorization: `Bearer ${tokens.access_token}`,
              "notion-version": NOTION_VERSION,
              accept: "application/json",
            },
          });
          if (!response.ok) throw new Error(`Notion /v1/users/me answered ${response.status}`);
          const bot = (await response.json()) as { bot?: { owner?: NotionOwner } };
          const user = bot.bot?.owner?.user;
          if (!user?.id) throw new Error("Notion: the integration is owned by a workspace, not a user");
          return user;
        },
      },
      profile(profile): ProviderUser {
        return {
          id: profile.id,
          name: profile.name ?? profile.person?.email ?? null,
          email: profile.person?.email ?? null,
          emailVerified: false,
          image: profile.avatar_url ?? null,
        };
      },
      style: { bg: "#fff", text: "#000" },
    },
    options,
  );
}
