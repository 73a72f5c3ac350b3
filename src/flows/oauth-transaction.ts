import { modeForContext } from "../core/call.js";
import type { EndpointContext } from "../core/endpoint.js";
import { sha256Hex } from "../crypto/hash.js";
import { decryptJSON, encryptJSON } from "../crypto/signing.js";

type Ctx = EndpointContext<unknown, unknown>;

/** Lifetime of a sign-in attempt at the provider, in seconds. */
export const TRANSACTION_TTL = 600;
const PURPOSE = "oauth-transaction";

/**
 * One OAuth sign-in or link in flight. It travels in an encrypted, short-lived cookie, so it
 * is bound to the browser that started it and needs no server-side session; its `state` is
 * also recorded (as a hash) so that the callback can be used once only.
 */
export interface OAuthTransaction {
  provider: string;
  state: string;
  verifier: string;
  nonce?: string | undefined;
  redirectURI: string;
  scopes: string[];
  callbackURL?: string | undefined;
  errorCallbackURL?: string | undefined;
  newUserCallbackURL?: string | undefined;
  /** Set when a signed-in user links a provider account to their user. */
  link?: { userId: string; email: string } | undefined;
}

function cookieName(ctx: Ctx): string {
  const secure = modeForContext(ctx).secure;
  return `${secure ? "__Secure-" : ""}${ctx.auth.cookiePrefix}.oauth_transaction`;
}

function stateIdentifier(state: string): string {
  return `oauth-state:${sha256Hex(state)}`;
}

/** Stores the transaction: the encrypted cookie on the response, the state's hash in the store. */
export async function saveTransaction(ctx: Ctx, transaction: OAuthTransaction): Promise<void> {
  const value = await encryptJSON(transaction, {
    secrets: ctx.auth.secrets,
    purpose: PURPOSE,
    maxAge: TRANSACTION_TTL,
  });
  const { store } = ctx.auth;
  await store.deleteMany("verification", [{ field: "expiresAt", value: new Date(), operator: "lt" }]);
  await store.create("verification", {
    identifier: stateIdentifier(transaction.state),
    value: transaction.provider,
    expiresAt: new Date(Date.now() + TRANSACTION_TTL * 1000),
  });
  ctx.setCookie(cookieName(ctx), value, { maxAge: TRANSACTION_TTL, sameSite: "lax", httpOnly: true });
}

/** Reads the transaction cookie; null when it is missing, tampered with or expired. */
export async function readTransaction(ctx: Ctx): Promise<OAuthTransaction | null> {
  const raw = ctx.getCookie(cookieName(ctx));
  if (!raw) return null;
  const transaction = await decryptJSON<OAuthTransaction>(raw, {
    secrets: ctx.auth.secrets,
    purpose: PURPOSE,
  });
  if (!transaction || typeof transaction.state !== "string" || typeof transaction.verifier !== "string")
    return null;
  return transaction;
}

/** Removes the transaction cookie. */
export function clearTransaction(ctx: Ctx): void {
  ctx.setCookie(cookieName(ctx), "", { maxAge: 0 });
}

/**
 * Marks the state as used. Exactly one caller gets true for a state (the delete decides), so a
 * replayed callback fails even when it carries the original cookie.
 */
export async function consumeState(ctx: Ctx, state: string): Promise<boolean> {
  const row = await ctx.auth.store.delete("verification", [
    { field: "identifier", value: stateIdentifier(state) },
  ]);
  return row !== null && (row.expiresAt as Date).getTime() > Date.now();
}
