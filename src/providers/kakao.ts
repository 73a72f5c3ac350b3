import { mergeProviderConfig, type OAuthConfig, type OAuthUserConfig, type ProviderUser } from "./types.js";

/** The body of `GET https://kapi.kakao.com/v2/user/me` (the fields we read). */
export interface KakaoProfile {
  /** The member number (회원번호), a number. */
  id: number;
  connected_at?: string;
  properties?: { nickname?: string; profile_image?: string; thumbnail_image?: string };
  kakao_account?: {
    profile?: {
      nickname?: string;
      profile_image_url?: string;
      thumbnail_image_url?: string;
      is_default_image?: boolean;
    };
    name?: string;
    email?: string;
    /** Whether the address is still usable (it may have been taken over by another account). */
    is_email_valid?: boolean;
    /** Whether the address was verified. */
    is_email_verified?: boolean;
    [member: string]: unknown;
  };
  [member: string]: unknown;
}

/**
 * Kakao Login (REST API). The profile is `GET /v2/user/me`, whose personal data sits in the
 * nested `kakao_account` (only the consent items the user agreed to). No scope is sent: Kakao
 * asks for the consent items set up in the app (enable nickname, profile image and email,
 * `profile_nickname`, `profile_image`, `account_email`). The email counts as
 * verified when Kakao marks it both valid and verified. The client secret goes in the token
 * request body; turn it on in the app's security settings (or pass
 * `client: { token_endpoint_auth_method: "none" }` if the app has none).
 *
 * Docs: https://developers.kakao.com/docs/latest/en/kakaologin/rest-api
 *
 * Callback URL: `<baseURL><basePath>/callback/kakao`.
 *
 * @example
 * import Kakao from "gatehouse/providers/kakao";
 * createAuth({ providers: [Kakao] }); // AUTH_KAKAO_ID (REST API key) / AUTH_KAKAO_SECRET
 */
export default function Kakao(options: OAuthUserConfig<KakaoProfile> = {}): OAuthConfig<KakaoProfile> {
  return mergeProviderConfig<KakaoProfile>(
    {
      id: "kakao",
      name: "Kakao",
      type: "oauth",
      authorization: "https://kauth.kakao.com/oauth/authorize",
      token: "https://kauth.kakao.com/oauth/token",
      userinfo: "https://kapi.kakao.com/v2/user/me",
      client: { token_endpoint_auth_method: "client_secret_post" },
      profile(profile): ProviderUser {
        const account = profile.kakao_account ?? {};
        return {
          id: String(profile.id),
          name: account.profile?.nickname ?? account.name ?? profile.properties?.nickname ?? null,
          email: account.email ?? null,
          emailVerified: account.is_email_valid === true && account.is_email_verified === true,
          image: account.profile?.profile_image_url ?? profile.properties?.profile_image ?? null,
        };
      },
      style: { bg: "#fee500", text: "#000" },
    },
    options,
  );
}
