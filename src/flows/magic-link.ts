import type { EndpointContext } from "../core/endpoint.js";
import { AuthError, isAuthError } from "../core/errors.js";
import type { Store } from "../core/store.js";
import type { SessionRecord, UserRecord } from "../core/types.js";
import { sha256Hex } from "../crypto/hash.js";
import { magicLinkEmail } from "../email/templates.js";
import { assertSafeCallback, deliverOrDiscardToken } from "./email-verification.js";
import { issueSession } from "./issue-session.js";
import { normalizeEmail } from "./password.js";
import { consumeOneTimeToken, createOneTimeToken } from "./verification-token.js";

type Ctx = EndpointContext<unknown, unknown>;

/** Purpose of magic-link tokens in the verification table (`magic-link:<sha256 of the token>`). */
export const MAGIC_LINK_PURPOSE = "magic-link";

/** The codes the magic-link flow answers with, and their messages. */
export const MAGIC_LINK_ERROR_CODES = {
  INVALID_TOKEN: "Invalid token",
  EXPIRED_TOKEN: "Token expired",
  NEW_USER_SIGNUP_DISABLED: "Sign-up is disabled: no user has this email",
  FAILED_TO_CREATE_USER: "Failed to create user",
  INVALID_CALLBACK_URL: "Invalid callbackURL",
  INVALID_NEW_USER_CALLBACK_URL: "Invalid newUserCallbackURL",
  INVALID_ERROR_CALLBACK_URL: "Invalid errorCallbackURL",
} as const;

/** What a custom sender receives: the same fields as Better Auth's `sendMagicLink`. */
export interface MagicLinkMail {
  /** Normalised recipient address. */
  readonly email: string;
  /** The link to send; it opens the confirmation step, which signs the user in. */
  readonly url: string;
  /** The raw token inside `url`, for apps that build their own link. Only its hash is stored. */
  readonly token: string;
  /** What the client passed as `metadata` to the sign-in call. */
  readonly metadata?: Record<string, unknown> | undefined;
}

/** Sends a magic link instead of the built-in email (e.g. through an email API or SMS). */
export type SendMagicLinkFunction = (data: MagicLinkMail, request?: Request) => void | Promise<void>;

/** Where the user goes after the link, as given to the sign-in call. */
export interface MagicLinkCallbacks {
  readonly callbackURL?: string | undefined;
  /** Used instead of `callbackURL` when the link created the user. */
  readonly newUserCallbackURL?: string | undefined;
  /** Where failures go, with `?error=CODE`; `callbackURL` when absent. */
  readonly errorCallbackURL?: string | undefined;
}

/** A sign-in request: who, and where the link leads. */
export interface MagicLinkRequest extends MagicLinkCallbacks {
  readonly email: string;
  /** Name of the user if the link ends up creating one. */
  readonly name?: string | undefined;
  readonly metadata?: Record<string, unknown> | undefined;
  /** Absolute URL the link opens; the token and the callback URLs are added as query parameters. */
  readonly verifyURL: string;
}

/** Settings of {@link sendMagicLink}, resolved once by the caller. */
export interface SendMagicLinkOptions {
  /** Lifetime of the link in seconds. */
  readonly expiresIn: number;
  /** Replaces the built-in email sent through the instance's mailer. */
  readonly sendMagicLink?: SendMagicLinkFunction | undefined;
}

/** Settings of {@link verifyMagicLink}. */
export interface VerifyMagicLinkOptions {
  /** Refuse links for emails that have no user yet (`NEW_USER_SIGNUP_DISABLED`). */
  readonly disableSignUp: boolean;
}

/** A link that signed somebody in. */
export interface MagicLinkSignIn {
  readonly ok: true;
  readonly user: UserRecord;
  readonly session: SessionRecord;
  /** The raw session token (also in the session cookie). */
  readonly token: string;
  /** The link created the user. */
  readonly isNewUser: boolean;
}

/** A link that did not: the error to answer with (a stable code from {@link MAGIC_LINK_ERROR_CODES} or a database hook's). */
export interface MagicLinkFailure {
  readonly ok: false;
  readonly error: AuthError;
}

/** What following a magic link led to; an unusable link is a value, not an exception. */
export type MagicLinkResult = MagicLinkSignIn | MagicLinkFailure;

/** A live link seen without using it up. */
export interface MagicLinkPreview {
  readonly ok: true;
  /** Whom the link signs in (or signs up). */
  readonly email: string;
}

function failure(status: number, code: keyof typeof MAGIC_LINK_ERROR_CODES): MagicLinkFailure {
  return { ok: false, error: new AuthError(status, code, { message: MAGIC_LINK_ERROR_CODES[code] }) };
}

/**
 * Refuses (403) callback URLs that are neither relative nor on a trusted origin, each with
 * its own code (`INVALID_CALLBACK_URL`, `INVALID_NEW_USER_CALLBACK_URL`,
 * `INVALID_ERROR_CALLBACK_URL`), as Better Auth does.
 */
export function assertSafeMagicLinkCallbacks(ctx: Ctx, callbacks: MagicLinkCallbacks): void {
  const checks = [
    [callbacks.callbackURL, "INVALID_CALLBACK_URL"],
    [callbacks.newUserCallbackURL, "INVALID_NEW_USER_CALLBACK_URL"],
    [callbacks.errorCallbackURL, "INVALID_ERROR_CALLBACK_URL"],
  ] as const;
  for (const [url, code] of checks) {
    try {
      assertSafeCallback(ctx, url, code);
    } catch (error) {
      throw new AuthError(403, code, { message: MAGIC_LINK_ERROR_CODES[code], cause: error });
    }
  }
}

/**
 * Creates a single-use sign-in token for `email` (only its SHA-256 is stored) and sends the
 * link, through `sendMagicLink` when given, else as the built-in email through the instance's
 * mailer. The link is made whether or not a user has the email, so the answer and the work
 * done are the same for both: nothing tells a caller which addresses have accounts.
 *
 * When sending fails the token is removed again (see {@link deliverOrDiscardToken}).
 *
 * @throws {AuthError} 403 for an unsafe callback URL; `EMAIL_DELIVERY_FAILED` when the mailer fails.
 */
export async function sendMagicLink(
  ctx: Ctx,
  input: MagicLinkRequest,
  options: SendMagicLinkOptions,
): Promise<{ status: true }> {
  assertSafeMagicLinkCallbacks(ctx, input);
  const email = normalizeEmail(input.email);
  const payload: Record<string, unknown> = { email };
  if (input.name) payload.name = input.name;
  const token = await createOneTimeToken(ctx.auth.store, MAGIC_LINK_PURPOSE, payload, options.expiresIn);
  const url = new URL(input.verifyURL);
  url.searchParams.set("token", token);
  if (input.callbackURL) url.searchParams.set("callbackURL", input.callbackURL);
  if (input.newUserCallbackURL) url.searchParams.set("newUserCallbackURL", input.newUserCallbackURL);
  if (input.errorCallbackURL) url.searchParams.set("errorCallbackURL", input.errorCallbackURL);
  const { sendMagicLink: custom } = options;
  await deliverOrDiscardToken(ctx, MAGIC_LINK_PURPOSE, token, () =>
    custom
      ? custom({ email, url: url.href, token, metadata: input.metadata }, ctx.request)
      : ctx.auth.mailer.send({
          to: email,
          ...magicLinkEmail({
            url: url.href,
            user: { email },
            appName: ctx.auth.appName,
            expiresIn: options.expiresIn,
          }),
        }),
  );
  return { status: true };
}

function tokenShapeOk(token: unknown): token is string {
  return typeof token === "string" && token.length >= 16 && token.length <= 256;
}

/**
 * Looks at a link without using it up, for the confirmation step that mail scanners may
 * open: whom it signs in, or why it cannot (`INVALID_TOKEN`, `EXPIRED_TOKEN`). Reads only.
 */
export async function previewMagicLink(
  ctx: Ctx,
  token: string,
): Promise<MagicLinkPreview | MagicLinkFailure> {
  if (!tokenShapeOk(token)) return failure(401, "INVALID_TOKEN");
  // The identifier createOneTimeToken stores: purpose and the token's SHA-256.
  const row = await ctx.auth.store.findOne("verification", [
    { field: "identifier", value: `${MAGIC_LINK_PURPOSE}:${sha256Hex(token)}` },
  ]);
  if (!row) return failure(401, "INVALID_TOKEN");
  if ((row.expiresAt as Date).getTime() <= Date.now()) return failure(401, "EXPIRED_TOKEN");
  const email = readEmail(String(row.value));
  return email === null ? failure(401, "INVALID_TOKEN") : { ok: true, email };
}

function readEmail(value: string): string | null {
  try {
    const parsed = JSON.parse(value) as { email?: unknown };
    return typeof parsed.email === "string" && parsed.email !== "" ? parsed.email : null;
  } catch {
    return null;
  }
}

/**
 * Takes the proof of mailbox control a link carries to an account that never had it: an
 * unverified user's accounts (a password, OAuth links) and sessions could belong to whoever
 * registered the address first, so they are removed before the email is marked verified,
 * as Better Auth does. The mailbox owner keeps the user, its id and its data.
 */
async function claimUnverifiedUser(tx: Store, user: UserRecord): Promise<UserRecord> {
  await tx.deleteMany("account", [{ field: "userId", value: user.id }]);
  await tx.deleteMany("session", [{ field: "userId", value: user.id }]);
  const updated = await tx.update("user", [{ field: "id", value: user.id }], { emailVerified: true });
  return (updated ?? { ...user, emailVerified: true }) as UserRecord;
}

/**
 * Uses up a magic-link token and signs its owner in:
 * - a known, verified user gets a new session;
 * - a known, unverified user is verified (see the note on claiming below) and signed in;
 * - an unknown email becomes a new user with `emailVerified: true`, unless `disableSignUp`.
 *
 * Consuming the token and writing the user happen in one transaction: a refused write leaves
 * no half-made user and the link unused. The session is made by {@link issueSession}.
 * An unverified user's accounts and sessions are removed when the link claims it (whoever
 * registered the address before its owner proved control must not keep a way in).
 *
 * Returns a failure value for an unknown, used or expired token (`INVALID_TOKEN`,
 * `EXPIRED_TOKEN`), for refused sign-ups (`NEW_USER_SIGNUP_DISABLED`), for a user created by a
 * concurrent request (`FAILED_TO_CREATE_USER`) and for an `AuthError` a database hook threw.
 */
export async function verifyMagicLink(
  ctx: Ctx,
  token: string,
  options: VerifyMagicLinkOptions,
): Promise<MagicLinkResult> {
  if (!tokenShapeOk(token)) return failure(401, "INVALID_TOKEN");
  const { store } = ctx.auth;
  let outcome: { user: UserRecord; isNewUser: boolean } | MagicLinkFailure;
  try {
    outcome = await store.transaction(async (tx) => {
      const consumed = await consumeOneTimeToken(tx, MAGIC_LINK_PURPOSE, token);
      if (!consumed.ok)
        return failure(401, consumed.reason === "TOKEN_EXPIRED" ? "EXPIRED_TOKEN" : "INVALID_TOKEN");
      const { email, name } = consumed.payload;
      if (typeof email !== "string" || email === "") return failure(401, "INVALID_TOKEN");
      const existing = (await tx.findOne("user", [{ field: "email", value: email }])) as UserRecord | null;
      if (existing) {
        const user = existing.emailVerified ? existing : await claimUnverifiedUser(tx, existing);
        return { user, isNewUser: false };
      }
      // The used token stays used: a refused sign-up is an answer, not a failed write.
      if (options.disableSignUp) return failure(403, "NEW_USER_SIGNUP_DISABLED");
      const user = (await tx.create("user", {
        name: typeof name === "string" ? name : "",
        email,
        emailVerified: true,
      })) as UserRecord;
      return { user, isNewUser: true };
    });
  } catch (error) {
    if ((error as { code?: unknown } | null)?.code === "UNIQUE_VIOLATION")
      return failure(409, "FAILED_TO_CREATE_USER");
    if (isAuthError(error)) return { ok: false, error };
    throw error;
  }
  if ("ok" in outcome) return outcome;
  const { token: sessionToken, session } = await issueSession(ctx, store, outcome.user);
  return { ok: true, user: outcome.user, session, token: sessionToken, isNewUser: outcome.isNewUser };
}
