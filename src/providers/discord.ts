import { mergeProviderConfig, type OAuthConfig, type OAuthUserConfig, type ProviderUser } from "./types.js";

/** The user object of `GET /users/@me` (scopes `identify email`). */
export interface DiscordProfile {
  /** Snowflake id, as a string. */
  id: string;
  username: string;
  /** "0" for accounts on the unique-username system; the old four-digit tag otherwise. */
  discriminator: string;
  /** Display name, if set. */
  global_name: string | null;
  /** Avatar hash; animated avatars start with "a_". */
  avatar: string | null;
  /** Whether the email on this account has been verified (scope `email`). */
  verified?: boolean;
  email?: string | null;
  locale?: string;
  [member: string]: unknown;
}

const CDN = "https://cdn.discordapp.com";

/** The avatar URL per Discord's image formatting rules, or the default avatar when none is set. */
function discordAvatarURL(profile: Pick<DiscordProfile, "id" | "avatar" | "discriminator">): string {
  if (profile.avatar) {
    const format = profile.avatar.startsWith("a_") ? "gif" : "png";
    return `${CDN}/avatars/${profile.id}/${profile.avatar}.${format}`;
  }
  const index =
    profile.discriminator === "0" || !profile.discriminator
      ? Number((BigInt(profile.id) >> 22n) % 6n)
      : Number(profile.discriminator) % 5;
  return `${CDN}/embed/avatars/${index}.png`;
}

/**
 * Discord (OAuth 2). Reads `GET /users/@me`; `verified` says whether the email is verified.
 *
 * Callback URL: `<baseURL><basePath>/callback/discord`.
 *
 * @see https://discord.com/developers/docs/topics/oauth2
 * @see https://discord.com/developers/docs/resources/user#user-object
 * @example
 * import Discord from "gatehouse/providers/discord";
 * createAuth({ providers: [Discord] }); // AUTH_DISCORD_ID / AUTH_DISCORD_SECRET
 */
export default function Discord(options: OAuthUserConfig<DiscordProfile> = {}): OAuthConfig<DiscordProfile> {
  return mergeProviderConfig<DiscordProfile>(
    {
      id: "discord",
      name: "Discord",
      type: "oauth",
      authorization: "https://discord.com/oauth2/authorize",
      token: "https://discord.com/api/oauth2/token",
      userinfo: "https://discord.com/api/users/@me",
      scope: "identify email",
      profile(profile): ProviderUser {
        return {
          id: profile.id,
          name: profile.global_name ?? profile.username,
          email: profile.email ?? null,
          emailVerified: profile.verified === true,
          image: discordAvatarURL(profile),
        };
      },
      style: { bg: "#5865F2", text: "#fff" },
    },
    options,
  );
}
