import { linkBaseURL, modeForContext } from "../core/call.js";
import type { EndpointContext } from "../core/endpoint.js";
import { AuthError } from "../core/errors.js";
import type { UserRecord } from "../core/types.js";
import { sha256Hex } from "../crypto/hash.js";
import { assertSafeCallback, deliverOrDiscardToken } from "./email-verification.js";
import { clearSessionCookies, issueSession } from "./issue-session.js";
import {
  checkPasswordPolicy,
  credentialAccount,
  inputUserFields,
  normalizeEmail,
  userJSON,
} from "./password.js";
import { clearPasswordFailures } from "./password-failures.js";
import { createOneTimeToken } from "./verification-token.js";

type Ctx = EndpointContext<unknown, unknown>;

/** Updates the signed-in user's name, image and client-settable additional fields. */
export async function updateUser(ctx: Ctx, input: Record<string, unknown>): Promise<{ status: true }> {
  const { user } = await ctx.requireSession();
  if (input.email !== undefined) throw new AuthError(400, "EMAIL_CAN_NOT_BE_UPDATED");
  const update: Record<string, unknown> = { ...inputUserFields(ctx, input) };
  if (input.name !== undefined) update.name = input.name;
  if (input.image !== undefined) update.image = input.image;
  if (Object.keys(update).length === 0)
    throw new AuthError(400, "VALIDATION_ERROR", { message: "No fields to update" });
  await ctx.auth.store.update("user", [{ field: "id", value: user.id }], update);
  return { status: true };
}

/** Changes the password after checking the current one; optionally revokes other sessions. */
export async function changePassword(
  ctx: Ctx,
  input: { currentPassword: string; newPassword: string; revokeOtherSessions?: boolean | undefined },
): Promise<{ token: string | null; user: UserRecord }> {
  const { user, session } = await ctx.requireSession({ fresh: false });
  await checkPasswordPolicy(ctx, input.newPassword);
  const { store, password } = ctx.auth;
  const account = await credentialAccount(store, user.id);
  if (!account || typeof account.password !== "string")
    throw new AuthError(400, "CREDENTIAL_ACCOUNT_NOT_FOUND");
  if (!(await password.verify(account.password, input.currentPassword)))
    throw new AuthError(400, "INVALID_PASSWORD");
  const hash = await password.hash(input.newPassword);
  let token: string | null = null;
  await store.transaction(async (tx) => {
    await tx.update("account", [{ field: "id", value: account.id }], { password: hash });
    if (input.revokeOtherSessions) {
      await tx.deleteMany("session", [{ field: "userId", value: user.id }]);
      token = (await issueSession(ctx, tx, user)).token;
    }
  });
  // A new password makes earlier guesses at the old one moot.
  await clearPasswordFailures(ctx.auth, normalizeEmail(user.email));
  void session;
  return { token, user: userJSON(ctx, user) };
}

/** Starts an email change: a link to the new address applies it when followed. */
export async function changeEmail(
  ctx: Ctx,
  input: { newEmail: string; callbackURL?: string | undefined },
): Promise<{ status: true }> {
  if (ctx.auth.options.user?.changeEmail?.enabled === false)
    throw new AuthError(400, "EMAIL_CAN_NOT_BE_UPDATED");
  assertSafeCallback(ctx, input.callbackURL);
  const { user } = await ctx.requireSession({ fresh: true });
  const newEmail = normalizeEmail(input.newEmail);
  if (newEmail === user.email)
    throw new AuthError(400, "EMAIL_CAN_NOT_BE_UPDATED", { message: "Email is the same" });
  const base = linkBaseURL(ctx);
  const { store } = ctx.auth;
  if (await store.findOne("user", [{ field: "email", value: newEmail }])) {
    // Same answer as success, so the endpoint does not reveal who is registered.
    return { status: true };
  }
  const token = await createOneTimeToken(
    store,
    "change-email",
    { userId: user.id, newEmail },
    ctx.auth.verification.expiresIn,
  );
  const url = new URL(`${base}/verify-email`);
  url.searchParams.set("token", token);
  if (input.callbackURL) url.searchParams.set("callbackURL", input.callbackURL);
  await deliverOrDiscardToken(ctx, "change-email", token, () =>
    ctx.auth.mail.sendChangeEmailVerification({ user, newEmail, url: url.href, token }, ctx.request),
  );
  return { status: true };
}

/** Deletes the signed-in user (fresh session, or the current password), and all its data. */
export async function deleteUser(
  ctx: Ctx,
  input: { password?: string | undefined; callbackURL?: string | undefined },
): Promise<{ success: true; message: string }> {
  if (ctx.auth.options.user?.deleteUser?.enabled === false) throw new AuthError(404, "NOT_FOUND");
  assertSafeCallback(ctx, input.callbackURL);
  const { store, password } = ctx.auth;
  let user: UserRecord;
  if (input.password !== undefined) {
    user = (await ctx.requireSession()).user;
    const account = await credentialAccount(store, user.id);
    if (
      !account ||
      typeof account.password !== "string" ||
      !(await password.verify(account.password, input.password))
    ) {
      throw new AuthError(400, "INVALID_PASSWORD");
    }
  } else {
    user = (await ctx.requireSession({ fresh: true })).user;
  }
  await store.transaction(async (tx) => {
    await tx.deleteMany("session", [{ field: "userId", value: user.id }]);
    await tx.deleteMany("account", [{ field: "userId", value: user.id }]);
    await tx.delete("user", [{ field: "id", value: user.id }]);
  });
  clearSessionCookies(ctx);
  return { success: true, message: "User deleted" };
}

/** Lists the signed-in user's active sessions. `token` is the stored SHA-256, safe to show. */
export async function listSessions(ctx: Ctx): Promise<Record<string, unknown>[]> {
  const { user } = await ctx.requireSession();
  const rows = await ctx.auth.store.findMany("session", [{ field: "userId", value: user.id }], {
    sortBy: { field: "createdAt", direction: "desc" },
  });
  const now = Date.now();
  return rows.filter((r) => (r.expiresAt as Date).getTime() > now);
}

/** Revokes one of the user's sessions, named by its listed token (hash) or the raw token. */
export async function revokeSession(ctx: Ctx, token: string): Promise<{ status: true }> {
  const { user } = await ctx.requireSession();
  const candidates = [token, sha256Hex(token)];
  for (const value of candidates) {
    await ctx.auth.store.deleteMany("session", [
      { field: "token", value },
      { field: "userId", value: user.id },
    ]);
  }
  return { status: true };
}

/** Revokes all of the user's sessions, or all but the current one. */
export async function revokeSessions(ctx: Ctx, options: { keepCurrent: boolean }): Promise<{ status: true }> {
  const { user, session } = await ctx.requireSession();
  const where = [{ field: "userId", value: user.id }];
  if (options.keepCurrent) where.push({ field: "id", value: session.id, operator: "ne" } as never);
  await ctx.auth.store.deleteMany("session", where);
  if (!options.keepCurrent) clearSessionCookies(ctx);
  return { status: true };
}

/** Signs out: deletes the current session and clears the cookies (works even with no session). */
export async function signOut(ctx: Ctx): Promise<{ success: true }> {
  const { sessions, store } = ctx.auth;
  const token = sessions.tokenFromCookie(ctx.getCookie(modeForContext(ctx).names.sessionToken));
  if (token) await sessions.revokeToken(store, token);
  clearSessionCookies(ctx);
  return { success: true };
}
