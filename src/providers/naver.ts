import { mergeProviderConfig, type OAuthConfig, type OAuthUserConfig, type ProviderUser } from "./types.js";

/** The body of `GET https://openapi.naver.com/v1/nid/me`: the profile sits in `response`. */
export interface NaverProfile {
  /** "00" on success. */
  resultcode: string;
  message: string;
  response: {
    id: string;
    nickname?: string;
    name?: string;
    email?: string;
    gender?: "F" | "M" | "U";
    age?: string;
    birthday?: string;
    birthyear?: string;
    profile_image?: string;
    mobile?: string;
  };
  [member: string]: unknown;
}

/**
 * Naver Login (네이버 로그인). The data items are chosen in the application settings, not with
 * scopes. The token endpoint takes the client secret as a parameter and reports errors with a
 * 200 status; the preset turns those into a standard 400 error response. The profile API wraps
 * the user in `response` and signals failure in `resultcode`. Naver does not say whether the
 * email is verified.
 *
 * Docs: https://developers.naver.com/docs/login/api/api.md and
 * https://developers.naver.com/docs/login/profile/profile.md
 *
 * Callback URL: `<baseURL><basePath>/callback/naver`.
 *
 * @example
 * import Naver from "gatehouse/providers/naver";
 * createAuth({ providers: [Naver] }); // AUTH_NAVER_ID / AUTH_NAVER_SECRET
 */
export default function Naver(options: OAuthUserConfig<NaverProfile> = {}): OAuthConfig<NaverProfile> {
  return mergeProviderConfig<NaverProfile>(
    {
      id: "naver",
      name: "Naver",
      type: "oauth",
      authorization: "https://nid.naver.com/oauth2.0/authorize",
      token: { url: "https://nid.naver.com/oauth2.0/token", conform: conformNaverToken },
      userinfo: "https://openapi.naver.com/v1/nid/me",
      client: { token_endpoint_auth_method: "client_secret_post" },
      profile(profile): ProviderUser {
        if (profile.resultcode !== "00" || !profile.response?.id)
          throw new Error(`Naver profile API: ${profile.resultcode} ${profile.message}`);
        const user = profile.response;
        return {
          id: user.id,
          name: user.name ?? user.nickname ?? null,
          email: user.email ?? null,
          emailVerified: false,
          image: user.profile_image ?? null,
        };
      },
      style: { bg: "#03c75a", text: "#fff" },
    },
    options,
  );
}

/** A 200 answer carrying `error` becomes the 400 OAuth error response it stands for. */
async function conformNaverToken(response: Response): Promise<Response> {
  if (response.status !== 200) return response;
  const body = (await response
    .clone()
    .json()
    .catch(() => undefined)) as Record<string, unknown> | undefined;
  if (!body || typeof body.error !== "string" || typeof body.access_token === "string") return response;
  return new Response(JSON.stringify({ error: body.error, error_description: body.error_description }), {
    status: 400,
    headers: { "content-type": "application/json", "cache-control": "no-store" },
  });
}
