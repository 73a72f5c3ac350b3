import { mergeProviderConfig, type OAuthConfig, type OAuthUserConfig, type ProviderUser } from "./types.js";

/** The `data.user` object of `GET /v2/user/info/` (the fields the preset asks for). */
export interface TikTokProfile {
  open_id: string;
  union_id?: string;
  display_name?: string;
  avatar_url?: string;
  avatar_large_url?: string;
  username?: string;
  [member: string]: unknown;
}

/** The user fields asked for; all need only `user.info.basic` (username needs `user.info.profile`). */
const FIELDS = "open_id,union_id,avatar_url,avatar_large_url,display_name";

/**
 * TikTok Login Kit for web (OAuth v2). TikTok calls the client id `client_key`: it goes in the
 * authorization request and in the token request body, next to the secret. API answers are
 * wrapped (`{ data: { user }, error: { code } }`); the preset unwraps them, and rewrites a token
 * response that reports an error with a 200 (or wraps the tokens in `data`, as the v1 API did)
 * into a standard one. TikTok shares no email address.
 *
 * Docs: https://developers.tiktok.com/doc/login-kit-web/,
 * https://developers.tiktok.com/doc/oauth-user-access-token-management/ and
 * https://developers.tiktok.com/doc/tiktok-api-v2-get-user-info/
 *
 * Callback URL: `<baseURL><basePath>/callback/tiktok` (register it in the TikTok app; https only).
 *
 * @example
 * import TikTok from "gatehouse/providers/tiktok";
 * createAuth({ providers: [TikTok] }); // AUTH_TIKTOK_ID (the client key) / AUTH_TIKTOK_SECRET
 */
export default function TikTok(options: OAuthUserConfig<TikTokProfile> = {}): OAuthConfig<TikTokProfile> {
  const clientKey = options.clientId ?? process.env.AUTH_TIKTOK_ID;
  const keyParam: Record<string, string> = clientKey ? { client_key: clientKey } : {};
  return mergeProviderConfig<TikTokProfile>(
    {
      id: "tiktok",
      name: "TikTok",
      type: "oauth",
      authorization: { url: "https://www.tiktok.com/v2/auth/authorize/", params: keyParam },
      token: {
        url: "https://open.tiktokapis.com/v2/oauth/token/",
        params: keyParam,
        conform: conformTikTokToken,
      },
      userinfo: {
        url: "https://open.tiktokapis.com/v2/user/info/",
        async request({ tokens, provider, fetch }) {
          const url = new URL(provider.userinfoURL ?? "https://open.tiktokapis.com/v2/user/info/");
          if (!url.searchParams.has("fields")) url.searchParams.set("fields", FIELDS);
          const response = await fetch(url, { headers: { authorization: `Bearer ${tokens.access_token}` } });
          const body = (await response.json().catch(() => ({}))) as {
            data?: { user?: TikTokProfile };
            error?: { code?: string; message?: string };
          };
          if (!response.ok || (body.error?.code && body.error.code !== "ok") || !body.data?.user)
            throw new Error(
              `TikTok user info: ${body.error?.code ?? response.status} ${body.error?.message ?? ""}`,
            );
          return body.data.user;
        },
      },
      scope: "user.info.basic",
      client: { token_endpoint_auth_method: "client_secret_post" },
      profile(profile): ProviderUser {
        return {
          id: profile.open_id,
          name: profile.display_name ?? profile.username ?? null,
          email: null,
          emailVerified: false,
          image: profile.avatar_large_url ?? profile.avatar_url ?? null,
        };
      },
      style: { bg: "#000", text: "#fff" },
    },
    options,
  );
}

/** Unwraps `{ data: {...} }` and turns an error reported with a 200 into a 400 OAuth error. */
async function conformTikTokToken(response: Response): Promise<Response> {
  if (!response.ok) return response;
  let body: Record<string, unknown>;
  try {
    body = (await response.clone().json()) as Record<string, unknown>;
  } catch {
    return response;
  }
  const data =
    body.data && typeof body.data === "object" ? (body.data as Record<string, unknown>) : undefined;
  const tokens = typeof body.access_token === "string" ? body : data?.access_token ? data : undefined;
  if (tokens === body) return response;
  const headers = { "content-type": "application/json", "cache-control": "no-store" };
  if (tokens) return new Response(JSON.stringify(tokens), { status: 200, headers });
  const error = body.error ?? data?.error_code ?? "invalid_request";
  const description = body.error_description ?? data?.description;
  return new Response(
    JSON.stringify({
      error: typeof error === "string" ? error : String(error),
      error_description: description,
    }),
    { status: 400, headers },
  );
}
