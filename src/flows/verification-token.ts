import type { Store } from "../core/store.js";
import { sha256Hex } from "../crypto/hash.js";
import { randomToken } from "../crypto/random.js";

/** What a one-time token is for; part of the stored identifier so tokens never cross purposes. */
export type TokenPurpose = "email-verification" | "reset-password" | "change-email" | (string & {});

/**
 * Creates a single-use token. Only its SHA-256 is stored, with a JSON payload and an expiry.
 */
export async function createOneTimeToken(
  store: Store,
  purpose: TokenPurpose,
  payload: Record<string, unknown>,
  expiresInSeconds: number,
): Promise<string> {
  const token = randomToken(32);
  // Expired tokens are useless; clear them out as new ones are made.
  await store.deleteMany("verification", [{ field: "expiresAt", value: new Date(), operator: "lt" }]);
  await store.create("verification", {
    identifier: `${purpose}:${sha256Hex(token)}`,
    value: JSON.stringify(payload),
    expiresAt: new Date(Date.now() + expiresInSeconds * 1000),
  });
  return token;
}

/** Outcome of consuming a token. */
export type ConsumeResult =
  | { ok: true; payload: Record<string, unknown> }
  | { ok: false; reason: "INVALID_TOKEN" | "TOKEN_EXPIRED" };

/**
 * Consumes a token: at most one caller ever gets `ok: true` for it (the delete decides).
 */
export async function consumeOneTimeToken(
  store: Store,
  purpose: TokenPurpose,
  token: string,
): Promise<ConsumeResult> {
  if (typeof token !== "string" || token.length < 16 || token.length > 256)
    return { ok: false, reason: "INVALID_TOKEN" };
  const row = await store.delete("verification", [
    { field: "identifier", value: `${purpose}:${sha256Hex(token)}` },
  ]);
  if (!row) return { ok: false, reason: "INVALID_TOKEN" };
  if ((row.expiresAt as Date).getTime() <= Date.now()) return { ok: false, reason: "TOKEN_EXPIRED" };
  try {
    return { ok: true, payload: JSON.parse(String(row.value)) as Record<string, unknown> };
  } catch {
    return { ok: false, reason: "INVALID_TOKEN" };
  }
}

/** Looks at a token without consuming it (for the GET step of a reset link). */
export async function peekOneTimeToken(store: Store, purpose: TokenPurpose, token: string): Promise<boolean> {
  if (typeof token !== "string" || token.length < 16 || token.length > 256) return false;
  const row = await store.findOne("verification", [
    { field: "identifier", value: `${purpose}:${sha256Hex(token)}` },
  ]);
  return Boolean(row && (row.expiresAt as Date).getTime() > Date.now());
}
