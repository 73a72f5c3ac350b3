import type { EndpointContext } from "../core/endpoint.js";
import { AuthError } from "../core/errors.js";
import type { UserRecord } from "../core/types.js";
import { isSafeRedirect } from "../http/redirect.js";
import { linkBaseURL, trustedFor } from "../core/call.js";
import { issueSession } from "./issue-session.js";
import { consumeOneTimeToken, createOneTimeToken, type TokenPurpose } from "./verification-token.js";

type Ctx = EndpointContext<unknown, unknown>;

/** Throws INVALID_CALLBACK_URL unless the URL is relative or on a trusted origin. */
export function assertSafeCallback(ctx: Ctx, url: string | undefined, code = "INVALID_CALLBACK_URL"): void {
  if (url === undefined || url === "") return;
  if (!isSafeRedirect(url, trustedFor(ctx.auth, ctx.origin))) throw new AuthError(403, code);
}

/**
 * Sends the mail that carries a one-time token. When sending fails (the mail server is down,
 * a custom sender throws) the token is used up before the error goes on: no link went out,
 * so nothing half-made stays behind — no live token nobody received — and the retry the
 * user makes once mail works starts clean. Removing it is best effort (the database may be
 * down as well); the sending error is what the caller gets either way.
 */
export async function deliverOrDiscardToken(
  ctx: Ctx,
  purpose: TokenPurpose,
  token: string,
  send: () => void | Promise<void>,
): Promise<void> {
  try {
    await send();
  } catch (error) {
    await consumeOneTimeToken(ctx.auth.store, purpose, token).catch((discardError: unknown) =>
      ctx.auth.logger.warn("gatehouse: could not remove the token of an unsent mail", discardError),
    );
    throw error;
  }
}

/** Creates a verification token for the user's email and mails the link. */
export async function sendVerificationMail(
  ctx: Ctx,
  user: UserRecord,
  callbackURL: string | undefined,
): Promise<void> {
  assertSafeCallback(ctx, callbackURL);
  const base = linkBaseURL(ctx);
  const token = await createOneTimeToken(
    ctx.auth.store,
    "email-verification",
    { userId: user.id, email: user.email },
    ctx.auth.verification.expiresIn,
  );
  const url = new URL(`${base}/verify-email`);
  url.searchParams.set("token", token);
  if (callbackURL) url.searchParams.set("callbackURL", callbackURL);
  await deliverOrDiscardToken(ctx, "email-verification", token, () =>
    ctx.auth.mail.sendVerificationEmail({ user, url: url.href, token }, ctx.request),
  );
}

/** Resends the verification mail; the answer is the same whether or not the email is known. */
export async function resendVerification(
  ctx: Ctx,
  email: string,
  callbackURL: string | undefined,
): Promise<{ status: true }> {
  assertSafeCallback(ctx, callbackURL);
  const session = await ctx.getSession();
  const normalized = email.trim().toLowerCase();
  if (session && session.user.email !== normalized) throw new AuthError(400, "INVALID_EMAIL");
  const user = (await ctx.auth.store.findOne("user", [
    { field: "email", value: normalized },
  ])) as UserRecord | null;
  if (user?.emailVerified && session) throw new AuthError(400, "EMAIL_ALREADY_VERIFIED");
  if (user && !user.emailVerified) await sendVerificationMail(ctx, user, callbackURL);
  return { status: true };
}

function withError(target: string, code: string): string {
  const url = new URL(target, "http://placeholder.invalid");
  url.searchParams.set("error", code);
  return url.origin === "http://placeholder.invalid" ? url.pathname + url.search + url.hash : url.href;
}

/**
 * Follows a verification link: marks the email verified (or applies a pending email change),
 * optionally signs the user in, then redirects to callbackURL or answers JSON.
 */
export async function verifyEmail(
  ctx: Ctx,
  token: string,
  callbackURL: string | undefined,
): Promise<unknown> {
  assertSafeCallback(ctx, callbackURL);
  const { store } = ctx.auth;
  let result = await consumeOneTimeToken(store, "email-verification", token);
  let purpose: "verify" | "change" = "verify";
  if (!result.ok && result.reason === "INVALID_TOKEN") {
    const change = await consumeOneTimeToken(store, "change-email", token);
    if (change.ok || change.reason === "TOKEN_EXPIRED") {
      result = change;
      purpose = "change";
    }
  }
  if (!result.ok) {
    if (callbackURL) return ctx.redirect(withError(callbackURL, result.reason));
    throw new AuthError(401, result.reason);
  }
  const userId = String(result.payload.userId);
  const user = (await store.findOne("user", [{ field: "id", value: userId }])) as UserRecord | null;
  if (!user || (purpose === "verify" && user.email !== result.payload.email)) {
    if (callbackURL) return ctx.redirect(withError(callbackURL, "INVALID_TOKEN"));
    throw new AuthError(401, "INVALID_TOKEN");
  }
  let updated: UserRecord;
  if (purpose === "change") {
    const newEmail = String(result.payload.newEmail);
    if (await store.findOne("user", [{ field: "email", value: newEmail }])) {
      if (callbackURL) return ctx.redirect(withError(callbackURL, "USER_ALREADY_EXISTS"));
      throw new AuthError(422, "USER_ALREADY_EXISTS");
    }
    updated = (await store.update("user", [{ field: "id", value: userId }], {
      email: newEmail,
      emailVerified: true,
    })) as UserRecord;
  } else {
    updated = (await store.update("user", [{ field: "id", value: userId }], {
      emailVerified: true,
    })) as UserRecord;
  }
  if (ctx.auth.verification.autoSignInAfterVerification) {
    const current = await ctx.getSession();
    if (!current || current.user.id !== userId) await issueSession(ctx, store, updated);
  }
  if (callbackURL) return ctx.redirect(callbackURL);
  return { status: true, user: null };
}
