import { mergeProviderConfig, type OAuthConfig, type OAuthUserConfig, type ProviderUser } from "./types.js";

/** The body of `GET https://login.yandex.ru/info?format=json` (the fields we read). */
export interface YandexProfile {
  id: string;
  login?: string;
  client_id?: string;
  psuid?: string;
  display_name?: string;
  real_name?: string;
  first_name?: string;
  last_name?: string;
  default_email?: string;
  emails?: string[];
  default_avatar_id?: string;
  is_avatar_empty?: boolean;
  [member: string]: unknown;
}

/**
 * Yandex ID. The profile is `GET https://login.yandex.ru/info?format=json`, which takes the
 * token as `Authorization: OAuth <token>` (not Bearer). The avatar URL is built from
 * `default_avatar_id` at 200×200. Yandex does not say whether the email is verified.
 *
 * Docs: https://yandex.com/dev/id/doc/en/concepts/ya-oauth-intro and
 * https://yandex.com/dev/id/doc/en/user-information
 *
 * Callback URL: `<baseURL><basePath>/callback/yandex`.
 *
 * @example
 * import Yandex from "gatehouse/providers/yandex";
 * createAuth({ providers: [Yandex] }); // AUTH_YANDEX_ID / AUTH_YANDEX_SECRET
 */
export default function Yandex(options: OAuthUserConfig<YandexProfile> = {}): OAuthConfig<YandexProfile> {
  return mergeProviderConfig<YandexProfile>(
    {
      id: "yandex",
      name: "Yandex",
      type: "oauth",
      authorization: "https://oauth.yandex.ru/authorize",
      token: "https://oauth.yandex.ru/token",
      userinfo: {
        url: "https://login.yandex.ru/info?format=json",
        async request({ tokens, provider, fetch }) {
          const url = new URL(provider.userinfoURL ?? "https://login.yandex.ru/info?format=json");
          if (!url.searchParams.has("format")) url.searchParams.set("format", "json");
          const response = await fetch(url, {
            headers: { authorization: `OAuth ${tokens.access_token}`, accept: "application/json" },
          });
          if (!response.ok) throw new Error(`Yandex /info answered ${response.status}`);
          return (await response.json()) as YandexProfile;
        },
      },
      scope: "login:info login:email login:avatar",
      profile(profile): ProviderUser {
        return {
          id: profile.id,
          name: profile.display_name ?? profile.real_name ?? profile.login ?? null,
          email: profile.default_email ?? profile.emails?.[0] ?? null,
          emailVerified: false,
          image:
            profile.default_avatar_id && !profile.is_avatar_empty
              ? `https://avatars.yandex.net/get-yapic/${profile.default_avatar_id}/islands-200`
              : null,
        };
      },
      style: { bg: "#ffcc00", text: "#000" },
    },
    options,
  );
}
