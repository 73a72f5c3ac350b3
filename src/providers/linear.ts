import { mergeProviderConfig, type OAuthConfig, type OAuthUserConfig, type ProviderUser } from "./types.js";

/** Linear's `viewer` (the signed-in user), the fields the preset asks for. */
export interface LinearProfile {
  id: string;
  name?: string | null;
  displayName?: string | null;
  email?: string | null;
  avatarUrl?: string | null;
  [member: string]: unknown;
}

/** The GraphQL query the preset sends for the profile. */
const VIEWER_QUERY = "query Viewer { viewer { id name displayName email avatarUrl } }";

/**
 * Linear. Linear has no REST userinfo: the preset posts a GraphQL query for `viewer` to
 * `https://api.linear.app/graphql`. The `read` scope is enough. Linear documents its scope
 * list as comma-separated, while scopes are sent space-separated here: check that Linear takes
 * your list before adding scopes. Linear does not say whether the email is verified.
 *
 * Docs: https://linear.app/developers/oauth-2-0-authentication and
 * https://linear.app/developers/graphql
 *
 * Callback URL: `<baseURL><basePath>/callback/linear`.
 *
 * @example
 * import Linear from "gatehouse/providers/linear";
 * createAuth({ providers: [Linear] }); // AUTH_LINEAR_ID / AUTH_LINEAR_SECRET
 */
export default function Linear(options: OAuthUserConfig<LinearProfile> = {}): OAuthConfig<LinearProfile> {
  return mergeProviderConfig<LinearProfile>(
    {
      id: "linear",
      name: "Linear",
      type: "oauth",
      authorization: "https://linear.app/oauth/authorize",
      token: "https://api.linear.app/oauth/token",
      userinfo: {
        url: "https://api.linear.app/graphql",
        async request({ tokens, provider, fetch }) {
          const response = await fetch(provider.userinfoURL ?? "https://api.linear.app/graphql", {
            method: "POST",
            headers: {
              authorization: `Bearer ${tokens.access_token}`,
              "content-type": "application/json",
              accept: "application/json",
            },
            body: JSON.stringify({ query: VIEWER_QUERY }),
          });
          if (!response.ok) throw new Error(`Linear GraphQL answered ${response.status}`);
          const body = (await response.json()) as {
            data?: { viewer?: LinearProfile };
            errors?: { message: string }[];
          };
          if (!body.data?.viewer)
            throw new Error(`Linear GraphQL: ${body.errors?.[0]?.message ?? "no viewer"}`);
          return body.data.viewer;
        },
      },
      scope: "read",
      client: { token_endpoint_auth_method: "client_secret_post" },
      profile(profile): ProviderUser {
        return {
          id: profile.id,
          name: profile.name ?? profile.displayName ?? null,
          email: profile.email ?? null,
          emailVerified: false,
          image: profile.avatarUrl ?? null,
        };
      },
      style: { bg: "#5e6ad2", text: "#fff" },
    },
    options,
  );
}
