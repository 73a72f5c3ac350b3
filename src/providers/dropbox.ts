import { mergeProviderConfig, type OAuthConfig, type OAuthUserConfig, type ProviderUser } from "./types.js";

/** The body of `POST /2/users/get_current_account` (the fields we read). */
export interface DropboxProfile {
  account_id: string;
  name: { given_name?: string; surname?: string; familiar_name?: string; display_name?: string };
  email: string;
  email_verified: boolean;
  profile_photo_url?: string;
  disabled?: boolean;
  [member: string]: unknown;
}

/**
 * Dropbox. Asks for `token_access_type=offline` so a refresh token comes with the short-lived
 * access token, and reads the account with `POST /2/users/get_current_account` (an RPC
 * endpoint: POST, no body), which needs the `account_info.read` scope.
 *
 * Docs: https://developers.dropbox.com/oauth-guide and
 * https://www.dropbox.com/developers/documentation/http/documentation#users-get_current_account
 *
 * Callback URL: `<baseURL><basePath>/callback/dropbox`.
 *
 * @example
 * import Dropbox from "gatehouse/providers/dropbox";
 * createAuth({ providers: [Dropbox] }); // AUTH_DROPBOX_ID / AUTH_DROPBOX_SECRET
 */
export default function Dropbox(options: OAuthUserConfig<DropboxProfile> = {}): OAuthConfig<DropboxProfile> {
  return mergeProviderConfig<DropboxProfile>(
    {
      id: "dropbox",
      name: "Dropbox",
      type: "oauth",
      authorization: {
        url: "https://www.dropbox.com/oauth2/authorize",
        params: { token_access_type: "offline" },
      },
      token: "https://api.dropboxapi.com/oauth2/token",
      userinfo: {
        url: "https://api.dropboxapi.com/2/users/get_current_account",
        async request({ tokens, provider, fetch }) {
          const url = provider.userinfoURL ?? "https://api.dropboxapi.com/2/users/get_current_account";
          const response = await fetch(url, {
            method: "POST",
            headers: { authorization: `Bearer ${tokens.access_token}` },
          });
          if (!response.ok) throw new Error(`Dropbox get_current_account answered ${response.status}`);
          return (await response.json()) as DropboxProfile;
        },
      },
      scope: "account_info.read",
      profile(profile): ProviderUser {
        return {
          id: profile.account_id,
          name: profile.name?.display_name ?? profile.email ?? null,
          email: profile.email ?? null,
          emailVerified: profile.email_verified === true,
          image: profile.profile_photo_url ?? null,
        };
      },
      style: { bg: "#0061fe", text: "#fff" },
    },
    options,
  );
}
