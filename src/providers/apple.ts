import { loadJose } from "../crypto/jose.js";
import { mergeProviderConfig, type OAuthConfig, type OAuthUserConfig, type ProviderUser } from "./types.js";

/** The claims of an Apple identity token (Sign in with Apple REST API). */
export interface AppleProfile {
  /** The user's stable id within your developer team. */
  sub: string;
  /** The user's email, or a private relay address (`...@privaterelay.appleid.com`). */
  email?: string;
  /** Apple sends a boolean or the string "true"; Apple only returns verified addresses. */
  email_verified?: boolean | "true" | "false";
  /** Whether `email` is a private relay address; a boolean or a string. */
  is_private_email?: boolean | "true" | "false";
  /** 0 unsupported, 1 unknown, 2 likely real. */
  real_user_status?: 0 | 1 | 2;
  /**
   * Apple never puts the name in the ID token: it sends it once, on the first authorization,
   * in the `user` form field of the callback. These are read when an integration adds them.
   */
  name?: string;
  user?: { name?: { firstName?: string; lastName?: string }; email?: string };
  iss: string;
  aud: string;
  iat: number;
  exp: number;
  nonce?: string;
  nonce_supported?: boolean;
  [claim: string]: unknown;
}

/**
 * Sign in with Apple (OpenID Connect, issuer `https://appleid.apple.com`). Apple answers with
 * `response_mode=form_post` (it requires it when the `name` or `email` scope is asked for), so
 * the callback arrives as a cross-site POST. The client secret is a JWT you sign with the key
 * from your developer account: make it with {@link appleClientSecret} and renew it before it
 * expires (at most six months).
 *
 * The user's name is not in the ID token: Apple sends it only on the first authorization, as
 * the `user` JSON form field of the callback.
 *
 * Callback URL: `<baseURL><basePath>/callback/apple` (Apple rejects localhost and plain http).
 *
 * @see https://developer.apple.com/documentation/signinwithapplerestapi/request-an-authorization-to-the-sign-in-with-apple-server.
 * @example
 * import Apple, { appleClientSecret } from "gatehouse/providers/apple";
 * const clientSecret = await appleClientSecret({
 *   clientId: "com.example.web", teamId: "ABCDE12345", keyId: "KEY1234567",
 *   privateKey: process.env.APPLE_PRIVATE_KEY!, // the .p8 file's PEM text
 * });
 * createAuth({ providers: [Apple({ clientId: "com.example.web", clientSecret })] });
 */
export default function Apple(options: OAuthUserConfig<AppleProfile> = {}): OAuthConfig<AppleProfile> {
  return mergeProviderConfig<AppleProfile>(
    {
      id: "apple",
      name: "Apple",
      type: "oidc",
      issuer: "https://appleid.apple.com",
      scope: "name email",
      responseMode: "form_post",
      // Apple's metadata lists client_secret_post as the only token endpoint authentication.
      client: { token_endpoint_auth_method: "client_secret_post" },
      profile(profile): ProviderUser {
        const given = profile.user?.name?.firstName;
        const family = profile.user?.name?.lastName;
        const fromUser = [given, family].filter(Boolean).join(" ");
        const email = profile.email ?? profile.user?.email ?? null;
        return {
          id: profile.sub,
          name: profile.name ?? (fromUser || email),
          email,
          emailVerified: profile.email_verified === true || profile.email_verified === "true",
          // Apple shares no picture.
          image: null,
        };
      },
      style: { bg: "#000", text: "#fff" },
    },
    options,
  );
}

/** What {@link appleClientSecret} needs, all from your Apple developer account. */
export interface AppleClientSecretOptions {
  /** The Services ID (web) or bundle id (app) you sign in with; the JWT's `sub`. */
  clientId: string;
  /** Your 10-character Team ID; the JWT's `iss`. */
  teamId: string;
  /** The 10-character id of the Sign in with Apple key; the JWT header's `kid`. */
  keyId: string;
  /** The key: the PEM text of the downloaded `.p8` file (PKCS #8), or a P-256 private CryptoKey. */
  privateKey: string | CryptoKey;
  /** Lifetime in seconds. Default and maximum: 15777000 (six months), Apple's limit. */
  expiresIn?: number;
}

/** Apple's limit on a client secret's lifetime, in seconds (six months). */
export const APPLE_CLIENT_SECRET_MAX_AGE = 15_777_000;

/**
 * Makes Apple's client secret: an ES256 JWT with `iss` = team id, `sub` = client id,
 * `aud` = `https://appleid.apple.com`, `iat` now and `exp` `expiresIn` seconds later, signed
 * with your Sign in with Apple key and carrying its `kid`. It runs locally; call it at start-up
 * (or on a schedule) and pass the result as `clientSecret`.
 *
 * @throws TypeError when an option is missing or `expiresIn` exceeds six months.
 */
export async function appleClientSecret(options: AppleClientSecretOptions): Promise<string> {
  const { clientId, teamId, keyId, privateKey } = options;
  const expiresIn = options.expiresIn ?? APPLE_CLIENT_SECRET_MAX_AGE;
  for (const [name, value] of Object.entries({ clientId, teamId, keyId }))
    if (typeof value !== "string" || value === "")
      throw new TypeError(`appleClientSecret: ${name} is required`);
  if (!Number.isInteger(expiresIn) || expiresIn <= 0 || expiresIn > APPLE_CLIENT_SECRET_MAX_AGE)
    throw new TypeError(
      `appleClientSecret: expiresIn must be a whole number of seconds from 1 to ${APPLE_CLIENT_SECRET_MAX_AGE} (six months)`,
    );
  const { importPKCS8, SignJWT } = await loadJose();
  const key = typeof privateKey === "string" ? await importPKCS8(privateKey, "ES256") : privateKey;
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: "ES256", kid: keyId })
    .setIssuer(teamId)
    .setSubject(clientId)
    .setAudience("https://appleid.apple.com")
    .setIssuedAt(now)
    .setExpirationTime(now + expiresIn)
    .sign(key);
}
