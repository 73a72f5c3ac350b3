import { hkdfSync, randomUUID } from "node:crypto";
import type { JWTPayload } from "jose";
import { loadJose } from "../crypto/jose.js";

/**
 * Session JWTs in Auth.js's wire format, so a session cookie issued by Auth.js (`@auth/core`,
 * `@auth/express`, `next-auth` v5) with the same AUTH_SECRET is read by Gatehouse, and one
 * issued by Gatehouse is read by Auth.js.
 *
 * The format: a compact JWE with `alg: "dir"` and `enc: "A256CBC-HS512"`; the 64-byte key is
 * HKDF-SHA256 with the secret as input keying material, the session cookie name as salt and
 * `Auth.js Generated Encryption Key (<salt>)` as info; the protected header carries a `kid`,
 * the RFC 7638 thumbprint (SHA-512) of that key as an `oct` JWK; the claims get `iat`,
 * `exp = iat + maxAge` and a random UUID `jti`. Decoding allows 15 seconds of clock skew and
 * also accepts `enc: "A256GCM"` (32-byte key, same derivation), as Auth.js does.
 *
 * @module
 */

/** Auth.js's default session lifetime in seconds: 30 days. */
export const AUTHJS_SESSION_MAX_AGE = 30 * 24 * 60 * 60;

/** Clock skew, in seconds, that Auth.js allows when checking `exp` and `nbf` on decode. */
export const AUTHJS_CLOCK_TOLERANCE = 15;

/** The names of the cookies Auth.js sets, for one security mode. */
export interface AuthjsCookieNames {
  /** The session: the JWE itself (JWT strategy) or a session id (database strategy). */
  readonly sessionToken: string;
  readonly callbackUrl: string;
  /** `__Host-` rather than `__Secure-` on https. */
  readonly csrfToken: string;
  readonly pkceCodeVerifier: string;
  readonly state: string;
  readonly nonce: string;
  readonly webauthnChallenge: string;
}

/**
 * Auth.js's default cookie names. `secure` is used when the site is served over https
 * (`useSecureCookies`); `plain` otherwise (e.g. `http://localhost` in development). The
 * session cookie name is also the salt of its JWE key, so a token is bound to its cookie.
 */
export const AUTHJS_COOKIE_NAMES: { readonly plain: AuthjsCookieNames; readonly secure: AuthjsCookieNames } =
  {
    plain: {
      sessionToken: "authjs.session-token",
      callbackUrl: "authjs.callback-url",
      csrfToken: "authjs.csrf-token",
      pkceCodeVerifier: "authjs.pkce.code_verifier",
      state: "authjs.state",
      nonce: "authjs.nonce",
      webauthnChallenge: "authjs.challenge",
    },
    secure: {
      sessionToken: "__Secure-authjs.session-token",
      callbackUrl: "__Secure-authjs.callback-url",
      csrfToken: "__Host-authjs.csrf-token",
      pkceCodeVerifier: "__Secure-authjs.pkce.code_verifier",
      state: "__Secure-authjs.state",
      nonce: "__Secure-authjs.nonce",
      webauthnChallenge: "__Secure-authjs.challenge",
    },
  };

/** The claims of an Auth.js session JWT; Auth.js puts the user's image in `picture`. */
export interface SessionJWT extends JWTPayload {
  name?: string | null;
  email?: string | null;
  picture?: string | null;
}

/** Input of {@link encodeSessionJWT}. */
export interface EncodeSessionJWTParams {
  /** The claims to seal; `iat`, `exp` and `jti` are set here and override any given. */
  token: Record<string, unknown>;
  /** The secret, or a rotation list whose first entry encrypts. */
  secret: string | readonly string[];
  /** The session cookie name, e.g. `authjs.session-token`; see {@link AUTHJS_COOKIE_NAMES}. */
  salt: string;
  /** Lifetime in seconds; {@link AUTHJS_SESSION_MAX_AGE} by default. */
  maxAge?: number;
}

/** Input of {@link decodeSessionJWT}. */
export interface DecodeSessionJWTParams {
  /** The cookie value (already reassembled from chunks); anything, including nothing. */
  token: string | null | undefined;
  /** The secret, or a rotation list: every entry is tried. */
  secret: string | readonly string[];
  /** The session cookie name the token was issued under. */
  salt: string;
}

const ALG = "dir";
const ENC_DEFAULT = "A256CBC-HS512";
/** Content encryption Auth.js accepts on decode, with the key length each needs. */
const KEY_LENGTHS: Readonly<Record<string, number>> = { "A256CBC-HS512": 64, A256GCM: 32 };

/**
 * Seals session claims as an Auth.js session JWT (compact JWE).
 *
 * @example
 * const cookie = await encodeSessionJWT({
 *   token: { sub: user.id, name: user.name, email: user.email, picture: user.image },
 *   secret: process.env.AUTH_SECRET!,
 *   salt: AUTHJS_COOKIE_NAMES.plain.sessionToken,
 * });
 * @throws {TypeError} When there is no secret or salt, or `maxAge` is not a positive integer.
 */
export async function encodeSessionJWT(params: EncodeSessionJWTParams): Promise<string> {
  const secrets = secretList(params.secret, "encodeSessionJWT");
  assertSalt(params.salt, "encodeSessionJWT");
  const maxAge = params.maxAge ?? AUTHJS_SESSION_MAX_AGE;
  if (!Number.isSafeInteger(maxAge) || maxAge <= 0) {
    throw new TypeError(
      `encodeSessionJWT: maxAge must be a positive integer (seconds), got ${String(maxAge)}`,
    );
  }
  const { key, kid } = await encryptionKey(secrets[0]!, params.salt, ENC_DEFAULT);
  const iat = Math.floor(Date.now() / 1000);
  const { EncryptJWT } = await loadJose();
  return new EncryptJWT({ ...params.token })
    .setProtectedHeader({ alg: ALG, enc: ENC_DEFAULT, kid })
    .setIssuedAt(iat)
    .setExpirationTime(iat + maxAge)
    .setJti(randomUUID())
    .encrypt(key);
}

/**
 * Opens an Auth.js session JWT. The secret whose key thumbprint matches the token's `kid` is
 * used; a token without `kid` (older Auth.js releases) is tried with every secret in turn.
 *
 * Returns null, never throws, for anything that is not a valid, unexpired token for these
 * secrets and this salt: garbage, tampered, expired, another secret or cookie name, a JWS or an
 * unsecured JWT. Unlike Auth.js, a token without `exp` is refused too: Auth.js never issues one.
 *
 * @throws {TypeError} When there is no secret or salt (misuse, not a bad token).
 */
export async function decodeSessionJWT(params: DecodeSessionJWTParams): Promise<SessionJWT | null> {
  const secrets = secretList(params.secret, "decodeSessionJWT");
  assertSalt(params.salt, "decodeSessionJWT");
  const { token, salt } = params;
  if (typeof token !== "string" || token === "") return null;
  const { decodeProtectedHeader, jwtDecrypt } = await loadJose();

  let kid: unknown;
  let enc: unknown;
  try {
    ({ kid, enc } = decodeProtectedHeader(token));
  } catch {
    return null;
  }
  if (typeof enc !== "string" || KEY_LENGTHS[enc] === undefined) return null;

  const candidates: Uint8Array[] = [];
  for (const secret of secrets) {
    const derived = await encryptionKey(secret, salt, enc);
    if (kid === undefined) {
      candidates.push(derived.key);
    } else if (kid === derived.kid) {
      candidates.push(derived.key);
      break;
    }
  }
  for (const key of candidates) {
    try {
      const { payload } = await jwtDecrypt<SessionJWT>(token, key, {
        keyManagementAlgorithms: [ALG],
        contentEncryptionAlgorithms: [enc],
        clockTolerance: AUTHJS_CLOCK_TOLERANCE,
        requiredClaims: ["exp"],
      });
      return payload;
    } catch {}
  }
  return null;
}

/** A derived key and its thumbprint (the JWE `kid`). */
interface DerivedKey {
  key: Uint8Array;
  kid: string;
}

/**
 * Derived keys by enc, salt and secret. HKDF plus the SHA-512 thumbprint cost about a sixth of
 * a whole decode, and their inputs are configuration (the secrets, the cookie name, one of two
 * encs), so each is computed once. The limit only guards callers of the exported functions
 * that pass ever-new secrets or salts.
 */
const derivedKeys = new Map<string, Promise<DerivedKey>>();
const DERIVED_KEYS_LIMIT = 64;

function encryptionKey(secret: string, salt: string, enc: string): Promise<DerivedKey> {
  const id = `${enc}\u0000${salt}\u0000${secret}`;
  let derived = derivedKeys.get(id);
  if (!derived) {
    if (derivedKeys.size >= DERIVED_KEYS_LIMIT) derivedKeys.clear();
    const key = deriveEncryptionKey(secret, salt, enc);
    derived = thumbprint(key).then((kid) => ({ key, kid }));
    derivedKeys.set(id, derived);
  }
  return derived;
}

/** HKDF-SHA256(ikm = secret, salt = cookie name, info = Auth.js's label), sized for `enc`. */
function deriveEncryptionKey(secret: string, salt: string, enc: string): Uint8Array {
  const info = `Auth.js Generated Encryption Key (${salt})`;
  return new Uint8Array(hkdfSync("sha256", secret, salt, info, KEY_LENGTHS[enc]!));
}

/** RFC 7638 thumbprint of the key as an `oct` JWK, with SHA-(key bits), as Auth.js computes it. */
async function thumbprint(key: Uint8Array): Promise<string> {
  const digest = key.byteLength === 64 ? "sha512" : "sha256";
  const { base64url, calculateJwkThumbprint } = await loadJose();
  return calculateJwkThumbprint({ kty: "oct", k: base64url.encode(key) }, digest);
}

function secretList(secret: string | readonly string[], caller: string): readonly string[] {
  const list = typeof secret === "string" ? [secret] : secret;
  if (!Array.isArray(list) || list.length === 0) {
    throw new TypeError(`${caller}: secret must be a non-empty string or a non-empty list of them`);
  }
  for (const entry of list) {
    if (typeof entry !== "string" || entry.length === 0) {
      throw new TypeError(`${caller}: every secret must be a non-empty string`);
    }
  }
  return list;
}

function assertSalt(salt: string, caller: string): void {
  if (typeof salt !== "string" || salt.length === 0) {
    throw new TypeError(`${caller}: salt must be the session cookie name, e.g. "authjs.session-token"`);
  }
}
