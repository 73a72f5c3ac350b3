import {
  mergeProviderConfig,
  type OAuthConfig,
  type OAuthUserConfig,
  type ProviderUser,
  type UserinfoRequestContext,
} from "./types.js";

/**
 * Claims of a Microsoft identity platform v2.0 ID token, and of Microsoft Graph's OIDC
 * userinfo (`https://graph.microsoft.com/oidc/userinfo`), which carries the same `sub`.
 */
export interface MicrosoftEntraIDProfile {
  /** Pairwise user id: the same user has a different `sub` in each application. */
  sub: string;
  /** The user's object id in the tenant (the same for every application). */
  oid?: string;
  /** The tenant the user signed in from (`9188040d-6c67-4c5b-b112-36a304b66dad`: personal accounts). */
  tid?: string;
  name?: string;
  given_name?: string;
  family_name?: string;
  /** The sign-in name (often an email or UPN); mutable, not an identifier. */
  preferred_username?: string;
  /** Optional claim; not verified unless `email_verified` or `xms_edov` says so. */
  email?: string;
  email_verified?: boolean;
  /** Optional claim "email domain owner verified". */
  xms_edov?: boolean;
  /** Added by the preset: the profile photo as a data: URL, when the user has one. */
  picture?: string;
  iss?: string;
  [claim: string]: unknown;
}

/** Sizes Microsoft Graph serves profile photos in. */
export type MicrosoftProfilePhotoSize = 48 | 64 | 96 | 120 | 240 | 360 | 432 | 504 | 648;

export interface MicrosoftEntraIDOptions extends OAuthUserConfig<MicrosoftEntraIDProfile> {
  /**
   * The directory: a tenant id (GUID), a verified domain of the tenant, or "common" (any work,
   * school or personal account), "organizations" or "consumers". Default "common". Ignored when
   * `issuer` is given.
   */
  tenantId?: string;
  /** Size of the profile photo fetched from Graph, or `false` not to fetch it. Default 48. */
  profilePhotoSize?: MicrosoftProfilePhotoSize | false;
  /** Same as `profilePhotoSize: false` (Better Auth's name for it). */
  disableProfilePhoto?: boolean;
}

const LOGIN = "https://login.microsoftonline.com";
const GRAPH_USERINFO = "https://graph.microsoft.com/oidc/userinfo";
/** A tenant id; its metadata's issuer is `<LOGIN>/<tenant id>/v2.0`, as the ID tokens say. */
const TENANT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Microsoft Entra ID (work and school accounts, and personal Microsoft accounts with
 * "common" or "consumers"), through the Microsoft identity platform v2.0.
 *
 * With a tenant id (GUID) or an `issuer` (`https://login.microsoftonline.com/<tenant-id>/v2.0`),
 * it is an OpenID Connect provider: discovery, and the ID token is validated against that
 * issuer.
 *
 * With a multi-tenant alias ("common", the default, "organizations", "consumers") there is no
 * single issuer to check: the alias's metadata says `{tenantid}` and each ID token's `iss` names
 * the user's own tenant. A tenant's domain name has the same mismatch (its metadata names the
 * GUID). In both cases the preset works as an OAuth 2 client of those endpoints and reads the
 * user from Microsoft Graph's OIDC userinfo with the access token (the ID token is not used).
 * Microsoft enforces the tenant at sign-in; to let in users of one tenant only, give its id.
 *
 * The profile photo (Graph `/v1.0/me/photos/<size>/$value`, needs `User.Read`) becomes a
 * data: URL in `image`.
 *
 * Callback URL: `<baseURL><basePath>/callback/microsoft-entra-id`.
 *
 * @see https://learn.microsoft.com/entra/identity-platform/v2-protocols-oidc
 * @see https://learn.microsoft.com/entra/identity-platform/id-token-claims-reference
 * @example
 * import MicrosoftEntraID from "gatehouse/providers/microsoft-entra-id";
 * createAuth({ providers: [MicrosoftEntraID({ tenantId: process.env.AZURE_TENANT_ID })] });
 */
export default function MicrosoftEntraID(
  options: MicrosoftEntraIDOptions = {},
): OAuthConfig<MicrosoftEntraIDProfile> {
  const { tenantId = "common", disableProfilePhoto, ...rest } = options;
  const { profilePhotoSize = disableProfilePhoto ? false : 48, ...overrides } = rest;
  const withoutIssuer = overrides.issuer === undefined && !TENANT_ID.test(tenantId);
  const tenant = encodeURIComponent(tenantId);

  async function request(context: UserinfoRequestContext): Promise<MicrosoftEntraIDProfile> {
    const { tokens, provider, fetch } = context;
    const base = provider.userinfoURL ?? GRAPH_USERINFO;
    const headers = { authorization: `Bearer ${tokens.access_token}` };
    let profile = {} as MicrosoftEntraIDProfile;
    if (withoutIssuer) {
      const response = await fetch(base, { headers: { ...headers, accept: "application/json" } });
      if (!response.ok) throw new Error(`Microsoft Graph userinfo answered ${response.status}`);
      profile = (await response.json()) as MicrosoftEntraIDProfile;
      // Graph's `picture` is an API URL that needs the access token; no use as an image.
      delete profile.picture;
    }
    if (profilePhotoSize !== false) {
      const size = `${profilePhotoSize}x${profilePhotoSize}`;
      const photo = await fetch(new URL(`/v1.0/me/photos/${size}/$value`, base), { headers });
      // No photo (404) or no User.Read consent (403) leaves the image empty.
      if (photo.ok) {
        const type = photo.headers.get("content-type") ?? "image/jpeg";
        const bytes = Buffer.from(await photo.arrayBuffer());
        profile.picture = `data:${type};base64,${bytes.toString("base64")}`;
      }
    }
    return profile;
  }

  return mergeProviderConfig<MicrosoftEntraIDProfile>(
    {
      id: "microsoft-entra-id",
      name: "Microsoft Entra ID",
      ...(withoutIssuer
        ? {
            type: "oauth" as const,
            authorization: `${LOGIN}/${tenant}/oauth2/v2.0/authorize`,
            token: `${LOGIN}/${tenant}/oauth2/v2.0/token`,
          }
        : { type: "oidc" as const, issuer: `${LOGIN}/${tenant}/v2.0` }),
      userinfo: { url: GRAPH_USERINFO, request },
      scope: "openid profile email User.Read",
      profile(profile): ProviderUser {
        return {
          id: profile.sub,
          name: profile.name ?? profile.preferred_username ?? profile.email ?? null,
          email: profile.email ?? null,
          emailVerified: profile.email_verified === true || profile.xms_edov === true,
          image: profile.picture ?? null,
        };
      },
      style: { bg: "#0072c6", text: "#fff" },
    },
    overrides,
  );
}
