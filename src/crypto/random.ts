import { randomBytes } from "node:crypto";

const ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const ID_LENGTH = 32;
/** Largest multiple of 62 that fits in a byte (248): bytes at or above it are rejected. */
const ID_REJECT_FROM = 256 - (256 % ID_ALPHABET.length);

/**
 * Returns `bytes` cryptographically random bytes encoded as base64url (no padding).
 *
 * The default of 32 bytes gives 256 bits of entropy, the size used for session tokens.
 *
 * @param bytes Number of random bytes; a positive integer.
 * @throws {TypeError} When `bytes` is not a positive integer.
 */
export function randomToken(bytes = 32): string {
  if (!Number.isInteger(bytes) || bytes <= 0) {
    throw new TypeError(`randomToken: bytes must be a positive integer, got ${String(bytes)}`);
  }
  return randomBytes(bytes).toString("base64url");
}

/**
 * Returns a 32-character identifier over `[A-Za-z0-9]`.
 *
 * Each character is drawn uniformly: random bytes at or above 248 are discarded
 * (rejection sampling) so that `byte % 62` carries no modulo bias. About 190 bits of entropy.
 */
export function generateId(): string {
  let id = "";
  while (id.length < ID_LENGTH) {
    // Ask for a little more than needed; about 3% of bytes are rejected.
    const pool = randomBytes(ID_LENGTH + 8);
    for (const byte of pool) {
      if (byte >= ID_REJECT_FROM) continue;
      id += ID_ALPHABET[byte % ID_ALPHABET.length];
      if (id.length === ID_LENGTH) break;
    }
  }
  return id;
}
