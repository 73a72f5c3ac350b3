import type { EndpointContext } from "../core/endpoint.js";
import { AuthError } from "../core/errors.js";
import type { UserRecord } from "../core/types.js";
import { linkBaseURL } from "../core/call.js";
import { assertSafeCallback, deliverOrDiscardToken } from "./email-verification.js";
import { checkPasswordPolicy, credentialAccount, normalizeEmail } from "./password.js";
import { clearPasswordFailures } from "./password-failures.js";
import { consumeOneTimeToken, createOneTimeToken, peekOneTimeToken } from "./verification-token.js";

type Ctx = EndpointContext<unknown, unknown>;

const SENT = "If this email exists in our system, check your email for the reset link";

/**
 * Starts a password reset. The answer is the same for known and unknown emails; the mail
 * goes out only for known ones.
 */
export async function requestPasswordReset(
  ctx: Ctx,
  email: string,
  redirectTo: string | undefined,
): Promise<{ status: true; message: string }> {
  if (!ctx.auth.password.enabled || !ctx.auth.password.resetPassword)
    throw new AuthError(400, "EMAIL_AND_PASSWORD_DISABLED");
  assertSafeCallback(ctx, redirectTo, "INVALID_REDIRECT_URL");
  // Checked before the user lookup: an untrusted Host is refused the same way for any email.
  const base = linkBaseURL(ctx);
  const { store } = ctx.auth;
  const user = (await store.findOne("user", [
    { field: "email", value: normalizeEmail(email) },
  ])) as UserRecord | null;
  if (!user) return { status: true, message: SENT };
  const token = await createOneTimeToken(
    store,
    "reset-password",
    { userId: user.id },
    ctx.auth.password.resetPasswordTokenExpiresIn,
  );
  const url = new URL(`${base}/reset-password/${token}`);
  url.searchParams.set("callbackURL", redirectTo ?? "/");
  await deliverOrDiscardToken(ctx, "reset-password", token, () =>
    ctx.auth.mail.sendResetPassword({ user, url: url.href, token }, ctx.request),
  );
  return { status: true, message: SENT };
}

/** The GET step of a reset link: redirect to the app's page with the token, or with an error. */
export async function resetPasswordLink(ctx: Ctx, token: string, callbackURL: string): Promise<unknown> {
  assertSafeCallback(ctx, callbackURL);
  const url = new URL(callbackURL, ctx.origin);
  if (await peekOneTimeToken(ctx.auth.store, "reset-password", token)) url.searchParams.set("token", token);
  else url.searchParams.set("error", "INVALID_TOKEN");
  return ctx.redirect(callbackURL.startsWith("/") ? url.pathname + url.search + url.hash : url.href);
}

/** Sets a new password with a reset token (single use); revokes the user's sessions. */
export async function resetPassword(ctx: Ctx, token: string, newPassword: string): Promise<{ status: true }> {
  await checkPasswordPolicy(ctx, newPassword);
  const { store, password } = ctx.auth;
  const hash = await password.hash(newPassword);
  const userId = await store.transaction(async (tx) => {
    const result = await consumeOneTimeToken(tx, "reset-password", token);
    if (!result.ok) throw new AuthError(400, "INVALID_TOKEN");
    const userId = String(result.payload.userId);
    const account = await credentialAccount(tx, userId);
    if (account) await tx.update("account", [{ field: "id", value: account.id }], { password: hash });
    else await tx.create("account", { userId, accountId: userId, providerId: "credential", password: hash });
    if (ctx.auth.password.revokeSessionsOnPasswordReset)
      await tx.deleteMany("session", [{ field: "userId", value: userId }]);
    return userId;
  });
  // After the transaction: the count lives outside it (see password-failures.ts).
  const user = (await store.findOne("user", [{ field: "id", value: userId }])) as UserRecord | null;
  if (user) await clearPasswordFailures(ctx.auth, normalizeEmail(user.email));
  return { status: true };
}
