import { randomBytes, scrypt, timingSafeEqual } from "node:crypto";

// The argon2 addon and bcryptjs load on the first hash or check, not with the package: an app
// that only checks sessions (most requests, and every cold start) never needs them.
let argon2: Promise<typeof import("@node-rs/argon2")> | undefined;
const loadArgon2 = (): Promise<typeof import("@node-rs/argon2")> => {
  argon2 ??= import("@node-rs/argon2");
  return argon2;
};
const argon2Hash = async (password: string, options: import("@node-rs/argon2").Options): Promise<string> =>
  (await loadArgon2()).hash(password, options);
const argon2Verify = async (hash: string, password: string): Promise<boolean> =>
  (await loadArgon2()).verify(hash, password);
const bcryptCompare = async (password: string, hash: string): Promise<boolean> =>
  (await import("bcryptjs")).default.compare(password, hash);

/** Longest password {@link hashPassword} accepts, in UTF-16 code units. */
export const MAX_PASSWORD_LENGTH = 4096;

/** Argon2id parameters (OWASP / ASVS): 19 MiB, 2 passes, 1 lane. */
const ARGON2_PARAMS = { memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

/** A PHC string produced with exactly {@link ARGON2_PARAMS}. */
const CURRENT_PHC = /^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/;
const ARGON2_PHC = /^\$argon2(?:id|i|d)\$/;
const BCRYPT = /^\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}$/;
/** Better Auth: `<32 hex salt>:<128 hex key>` (scrypt N=16384, r=16, p=1, dkLen=64). */
const BETTER_AUTH_SCRYPT = /^([0-9a-f]{32}):([0-9a-f]{128})$/;
const SCRYPT_PARAMS = { N: 16384, r: 16, p: 1, maxmem: 64 * 1024 * 1024 } as const;

/**
 * Hashes a password with argon2id (m=19456 KiB, t=2, p=1) and returns the PHC string,
 * `$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`.
 *
 * The password is NFKC-normalised first, so the same password typed on different keyboards
 * (composed or decomposed accents) hashes the same.
 *
 * @throws {TypeError} When the password is not a string or is longer than 4096 characters.
 */
export async function hashPassword(password: string): Promise<string> {
  if (typeof password !== "string") throw new TypeError("hashPassword: password must be a string");
  if (password.length > MAX_PASSWORD_LENGTH) {
    throw new TypeError(`hashPassword: password longer than ${MAX_PASSWORD_LENGTH} characters`);
  }
  return argon2Hash(password.normalize("NFKC"), ARGON2_PARAMS);
}

/**
 * Checks a password against a stored hash. Accepts:
 * - argon2id / argon2i / argon2d PHC strings (ours, and imported ones);
 * - bcrypt `$2a$`, `$2b$`, `$2y$` hashes;
 * - Better Auth's scrypt format `saltHex:keyHex` (so its users can sign in after a move).
 *
 * Returns `false` for a wrong password and for any hash it does not recognise. Never throws.
 * Call {@link needsRehash} after a successful check to upgrade old hashes.
 */
export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  if (typeof hash !== "string" || typeof password !== "string") return false;
  try {
    if (ARGON2_PHC.test(hash)) return await withNormalisation(password, (p) => argon2Verify(hash, p));
    if (BCRYPT.test(hash)) return await withNormalisation(password, (p) => bcryptCompare(p, hash));
    const scryptMatch = BETTER_AUTH_SCRYPT.exec(hash);
    if (scryptMatch) return await verifyBetterAuthScrypt(scryptMatch[1]!, scryptMatch[2]!, password);
  } catch {
    return false;
  }
  return false;
}

/**
 * Tries the NFKC-normalised password, then the password as typed when that differs:
 * imported hashes may have been made without normalisation.
 */
async function withNormalisation(
  password: string,
  check: (candidate: string) => Promise<boolean>,
): Promise<boolean> {
  const normalised = password.normalize("NFKC");
  if (await check(normalised)) return true;
  return normalised !== password ? check(password) : false;
}

/** Better Auth passes the hex salt string itself (its UTF-8 bytes) to scrypt, not the decoded bytes. */
async function verifyBetterAuthScrypt(saltHex: string, keyHex: string, password: string): Promise<boolean> {
  const expected = Buffer.from(keyHex, "hex");
  const actual = await new Promise<Buffer>((resolve, reject) => {
    scrypt(password.normalize("NFKC"), saltHex, expected.length, SCRYPT_PARAMS, (error, key) => {
      if (error) reject(error);
      else resolve(key);
    });
  });
  return timingSafeEqual(actual, expected);
}

/**
 * `true` unless the hash is argon2id (v=19) with exactly our parameters (m=19456, t=2, p=1).
 * bcrypt, scrypt, other argon2 variants or parameters, and unrecognised strings all need a rehash.
 */
export function needsRehash(hash: string): boolean {
  return typeof hash !== "string" || !CURRENT_PHC.test(hash);
}

let dummyHash: Promise<string> | undefined;

/**
 * The hash {@link dummyVerify} checks against: argon2id with the same parameters as real
 * hashes, so it costs the same. Exported for tests.
 */
export function getDummyHash(): Promise<string> {
  dummyHash ??= argon2Hash(randomBytes(32).toString("base64url"), ARGON2_PARAMS);
  return dummyHash;
}

/**
 * Spends about the time of a real {@link verifyPassword} on an argon2id hash, and discards the
 * result. Call it when the user does not exist, so "unknown user" and "wrong password" take the
 * same time. The dummy hash (of a random string) is computed lazily, once per process.
 */
export async function dummyVerify(password: string): Promise<void> {
  try {
    await argon2Verify(await getDummyHash(), typeof password === "string" ? password.normalize("NFKC") : "");
  } catch {
    // The outcome is irrelevant; only the time spent matters.
  }
}
