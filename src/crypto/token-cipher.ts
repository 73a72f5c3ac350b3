import { loadJose } from "./jose.js";
import { deriveKey } from "./signing.js";

/** Marks values sealed by {@link sealToken}; anything without it is a legacy plaintext value. */
const PREFIX = "gh1.";
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Encrypts a provider token (access, refresh or ID token) for storage: a compact JWE
 * (`dir`, `A256GCM`) under a key derived from `secrets[0]` for `purpose`, prefixed with `gh1.`.
 *
 * @throws {TypeError} When there is no secret.
 */
export async function sealToken(value: string, secrets: readonly string[], purpose: string): Promise<string> {
  const secret = secrets[0];
  if (!secret) throw new TypeError("sealToken: at least one secret is required");
  const { CompactEncrypt } = await loadJose();
  const jwe = await new CompactEncrypt(encoder.encode(value))
    .setProtectedHeader({ alg: "dir", enc: "A256GCM" })
    .encrypt(deriveKey(secret, purpose));
  return PREFIX + jwe;
}

/**
 * Decrypts a value made by {@link sealToken}, trying every secret (rotation). A value without
 * the prefix is returned as it is: databases moved over from Better Auth hold plaintext tokens.
 * Returns null when a sealed value opens with none of the secrets.
 */
export async function openToken(
  value: string | null | undefined,
  secrets: readonly string[],
  purpose: string,
): Promise<string | null> {
  if (typeof value !== "string" || value === "") return null;
  if (!value.startsWith(PREFIX)) return value;
  const jwe = value.slice(PREFIX.length);
  const { compactDecrypt } = await loadJose();
  for (const secret of secrets) {
    try {
      const { plaintext } = await compactDecrypt(jwe, deriveKey(secret, purpose), {
        keyManagementAlgorithms: ["dir"],
        contentEncryptionAlgorithms: ["A256GCM"],
      });
      return decoder.decode(plaintext);
    } catch {}
  }
  return null;
}
