import { hkdfSync } from "node:crypto";
import { loadJose } from "./jose.js";
import { hmacSha256Base64url, timingSafeEqualString } from "./hash.js";

/**
 * Derives a purpose-bound key from a secret with HKDF-SHA256 (RFC 5869).
 *
 * The input keying material is the UTF-8 secret, the salt is empty and the info is
 * `gatehouse:<purpose>`, so the same secret yields unrelated keys for unrelated purposes.
 * Use a distinct purpose for every distinct use (signing cookies, encrypting the cookie
 * cache, ...), never the same purpose for two algorithms.
 *
 * @param secret The application secret (rotation list entry).
 * @param purpose A short label such as `"cookie"` or `"session-cache"`.
 * @param length Output length in bytes; 32 by default.
 * @throws {TypeError} When the secret or purpose is empty, or the length is out of range.
 */
export function deriveKey(secret: string, purpose: string, length = 32): Uint8Array {
  if (typeof secret !== "string" || secret.length === 0) {
    throw new TypeError("deriveKey: secret must be a non-empty string");
  }
  if (typeof purpose !== "string" || purpose.length === 0) {
    throw new TypeError("deriveKey: purpose must be a non-empty string");
  }
  if (!Number.isInteger(length) || length <= 0 || length > 255 * 32) {
    throw new TypeError(`deriveKey: length must be an integer in 1..8160, got ${String(length)}`);
  }
  const key = hkdfSync("sha256", secret, new Uint8Array(0), `gatehouse:${purpose}`, length);
  return new Uint8Array(key);
}

function assertSecrets(secrets: readonly string[], caller: string): void {
  if (!Array.isArray(secrets) || secrets.length === 0) {
    throw new TypeError(`${caller}: secrets must be a non-empty array (secrets[0] is the current one)`);
  }
  for (const secret of secrets) {
    if (typeof secret !== "string" || secret.length === 0) {
      throw new TypeError(`${caller}: every secret must be a non-empty string`);
    }
  }
}

/**
 * Signs and verifies strings with HMAC-SHA256, with secret rotation.
 *
 * A keyring is bound to one purpose at construction: each secret is turned into a signing key
 * with {@link deriveKey}`(secret, purpose)`. `secrets[0]` signs; every secret in the list
 * verifies, so rotating is "prepend the new secret, drop the old one once its values expired".
 *
 * Signed values look like `value.signature` where the signature is base64url (43 characters).
 *
 * @example
 * const cookies = new Keyring([process.env.AUTH_SECRET!], "cookie");
 * const signed = cookies.sign(token); // "token.Xy3..."
 * cookies.unsign(signed); // token, or null when tampered with
 */
export class Keyring {
  readonly #keys: readonly Uint8Array[];

  /**
   * @param secrets Secrets, newest first. Minimum strength is checked where options are validated.
   * @param purpose Label mixed into key derivation (`gatehouse:<purpose>`); e.g. `"cookie"`.
   * @throws {TypeError} When the list is empty or holds an empty secret, or purpose is empty.
   */
  constructor(secrets: readonly string[], purpose: string) {
    assertSecrets(secrets, "Keyring");
    this.#keys = secrets.map((secret) => deriveKey(secret, purpose));
  }

  /** Returns `value.signature`, signed with the current (first) secret. */
  sign(value: string): string {
    return `${value}.${hmacSha256Base64url(this.#keys[0]!, value)}`;
  }

  /**
   * Returns the original value when `signed` carries a valid signature from any secret in the
   * ring, otherwise `null`. Never throws.
   */
  unsign(signed: string): string | null {
    if (typeof signed !== "string") return null;
    const dot = signed.lastIndexOf(".");
    if (dot < 0) return null;
    const value = signed.slice(0, dot);
    const signature = signed.slice(dot + 1);
    let valid = false;
    // Check every key (no early exit) so timing does not reveal which secret matched.
    for (const key of this.#keys) {
      if (timingSafeEqualString(hmacSha256Base64url(key, value), signature)) valid = true;
    }
    return valid ? value : null;
  }
}

/** Options for {@link encryptJSON}. */
export interface EncryptJSONOptions {
  /** Secrets, newest first; `secrets[0]` encrypts. */
  readonly secrets: readonly string[];
  /** Key-derivation purpose, e.g. `"session-cache"`. Use one not used for signing. */
  readonly purpose: string;
  /** Lifetime in seconds; the payload is refused by {@link decryptJSON} afterwards. */
  readonly maxAge: number;
}

/** Options for {@link decryptJSON}. */
export interface DecryptJSONOptions {
  /** Secrets, newest first; each one is tried. */
  readonly secrets: readonly string[];
  /** The purpose the value was encrypted with. */
  readonly purpose: string;
}

interface Envelope {
  readonly exp: number;
  readonly payload: unknown;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Encrypts a JSON-serialisable value as a compact JWE (`alg: "dir"`, `enc: "A256GCM"`) with a key
 * derived from `secrets[0]` and `purpose`. The plaintext is `{ exp, payload }` where `exp` is
 * seconds since the epoch, `now + maxAge`.
 *
 * @throws {TypeError} On misuse (no secrets, empty purpose, non-positive maxAge).
 */
export async function encryptJSON(payload: unknown, options: EncryptJSONOptions): Promise<string> {
  assertSecrets(options.secrets, "encryptJSON");
  if (!Number.isFinite(options.maxAge) || options.maxAge <= 0) {
    throw new TypeError("encryptJSON: maxAge must be a positive number of seconds");
  }
  const envelope: Envelope = { exp: Math.floor(Date.now() / 1000) + Math.floor(options.maxAge), payload };
  const key = deriveKey(options.secrets[0]!, options.purpose);
  const { CompactEncrypt } = await loadJose();
  return new CompactEncrypt(encoder.encode(JSON.stringify(envelope)))
    .setProtectedHeader({ alg: "dir", enc: "A256GCM" })
    .encrypt(key);
}

/**
 * Decrypts a value made by {@link encryptJSON}, trying every secret in turn.
 *
 * Returns `null` when no secret decrypts it, when it is malformed, or when it has expired.
 * Never throws for a bad token. The payload is not validated: `T` is the caller's assertion.
 */
export async function decryptJSON<T = unknown>(
  token: string,
  options: DecryptJSONOptions,
): Promise<T | null> {
  assertSecrets(options.secrets, "decryptJSON");
  if (typeof token !== "string" || token.length === 0) return null;
  const { compactDecrypt } = await loadJose();
  for (const secret of options.secrets) {
    let plaintext: Uint8Array;
    try {
      const result = await compactDecrypt(token, deriveKey(secret, options.purpose), {
        keyManagementAlgorithms: ["dir"],
        contentEncryptionAlgorithms: ["A256GCM"],
      });
      plaintext = result.plaintext;
    } catch {
      continue;
    }
    return openEnvelope<T>(plaintext);
  }
  return null;
}

function openEnvelope<T>(plaintext: Uint8Array): T | null {
  let envelope: unknown;
  try {
    envelope = JSON.parse(decoder.decode(plaintext));
  } catch {
    return null;
  }
  if (typeof envelope !== "object" || envelope === null || !("exp" in envelope)) return null;
  const { exp, payload } = envelope as Envelope;
  if (typeof exp !== "number" || exp <= Math.floor(Date.now() / 1000)) return null;
  return payload as T;
}
