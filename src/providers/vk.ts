import { mergeProviderConfig, type OAuthConfig, type OAuthUserConfig, type ProviderUser } from "./types.js";

/** One user of `users.get` (the fields we read), plus the email from the token response. */
export interface VkProfile {
  id: number;
  first_name?: string;
  last_name?: string;
  screen_name?: string;
  photo_100?: string;
  /** Added by the preset: VK sends the email in the token response, not in `users.get`. */
  email?: string;
  [member: string]: unknown;
}

/** The API version the preset speaks. */
const VK_API_VERSION = "5.199";

/**
 * VK (VKontakte), with the OAuth 2.0 endpoints at `oauth.vk.com`. VK's token response has no
 * `token_type` and carries `user_id` and, with the `email` scope, `email`; the profile comes
 * from the API method `users.get`, whose answer is wrapped (`{ response: [user] }`, or
 * `{ error }` with a 200). VK does not say whether the email is verified.
 *
 * Docs: https://id.vk.com/about/business/go/docs/ru/vkid/latest/oauth-vkontakte/authcode-flow-user,
 * https://dev.vk.com/en/api/api-requests and https://dev.vk.com/en/reference/objects/user
 *
 * Callback URL: `<baseURL><basePath>/callback/vk`.
 *
 * @example
 * import VK from "gatehouse/providers/vk";
 * createAuth({ providers: [VK] }); // AUTH_VK_ID (app id) / AUTH_VK_SECRET (protected key)
 */
export default function VK(options: OAuthUserConfig<VkProfile> = {}): OAuthConfig<VkProfile> {
  return mergeProviderConfig<VkProfile>(
    {
      id: "vk",
      name: "VK",
      type: "oauth",
      authorization: "https://oauth.vk.com/authorize",
      token: "https://oauth.vk.com/access_token",
      userinfo: {
        url: "https://api.vk.com/method/users.get",
        async request({ tokens, provider, fetch }) {
          const url = new URL(provider.userinfoURL ?? "https://api.vk.com/method/users.get");
          if (!url.searchParams.has("fields")) url.searchParams.set("fields", "photo_100,screen_name");
          if (!url.searchParams.has("v")) url.searchParams.set("v", VK_API_VERSION);
          const response = await fetch(url, { headers: { authorization: `Bearer ${tokens.access_token}` } });
          const body = (await response.json().catch(() => ({}))) as {
            response?: VkProfile[];
            error?: { error_code?: number; error_msg?: string };
          };
          const user = body.response?.[0];
          if (!response.ok || !user)
            throw new Error(
              `VK users.get: ${body.error?.error_code ?? response.status} ${body.error?.error_msg ?? ""}`,
            );
          if (typeof tokens.email === "string") user.email = tokens.email;
          return user;
        },
      },
      scope: "email",
      client: { token_endpoint_auth_method: "client_secret_post" },
      profile(profile): ProviderUser {
        const name = [profile.first_name, profile.last_name].filter(Boolean).join(" ");
        return {
          id: String(profile.id),
          name: name || profile.screen_name || null,
          email: profile.email ?? null,
          emailVerified: false,
          image: profile.photo_100 ?? null,
        };
      },
      style: { bg: "#0077ff", text: "#fff" },
    },
    options,
  );
}
