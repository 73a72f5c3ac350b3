import type { EndpointContext } from "../core/endpoint.js";
import { AuthError } from "../core/errors.js";
import { publicRow, type Store } from "../core/store.js";
import type { UserRecord } from "../core/types.js";
import type { FieldDefinition } from "../db/schema.js";
import { isCommonPassword } from "./common-passwords.js";
import { issueSession } from "./issue-session.js";
import { passwordAttemptSucceeded, startPasswordAttempt } from "./password-failures.js";
import { assertSafeCallback, sendVerificationMail } from "./email-verification.js";

type Ctx = EndpointContext<unknown, unknown>;

/** Fields of sign-up besides the credentials (additional user fields with `input !== false`). */
export interface SignUpInput {
  name: string;
  email: string;
  password: string;
  image?: string | undefined;
  callbackURL?: string | undefined;
  rememberMe?: boolean | undefined;
  [field: string]: unknown;
}

/** Lower-cases and trims an email; emails are compared this way everywhere. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

function requireEnabled(ctx: Ctx): void {
  if (!ctx.auth.password.enabled) throw new AuthError(400, "EMAIL_AND_PASSWORD_DISABLED");
}

/**
 * Checks a password about to be set: its length (PASSWORD_TOO_SHORT / PASSWORD_TOO_LONG), the
 * common-password list (PASSWORD_TOO_COMMON), then the app's breached-password check, if any
 * (PASSWORD_COMPROMISED; PASSWORD_CHECK_UNAVAILABLE, 503, when that check throws).
 */
export async function checkPasswordPolicy(ctx: Ctx, password: string): Promise<void> {
  const policy = ctx.auth.password;
  if (password.length < policy.minPasswordLength) throw new AuthError(400, "PASSWORD_TOO_SHORT");
  if (password.length > policy.maxPasswordLength) throw new AuthError(400, "PASSWORD_TOO_LONG");
  if (policy.rejectCommonPasswords && (await isCommonPassword(password)))
    throw new AuthError(400, "PASSWORD_TOO_COMMON");
  if (!policy.isPasswordCompromised) return;
  let compromised: boolean;
  try {
    compromised = Boolean(await policy.isPasswordCompromised(password));
  } catch (error) {
    // Fails closed: letting the password through would keep a possibly breached password in
    // use long after the outage; refusing only delays this one action.
    ctx.auth.logger.error("emailAndPassword.isPasswordCompromised failed", error);
    throw new AuthError(503, "PASSWORD_CHECK_UNAVAILABLE");
  }
  if (compromised) throw new AuthError(400, "PASSWORD_COMPROMISED");
}

/** Picks the additional user fields a client may set. */
export function inputUserFields(ctx: Ctx, input: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  // Fields of the user model a client may set: app additionalFields and plugin fields marked `input: true`.
  const fields = ctx.auth.schema.user?.fields ?? {};
  for (const [name, field] of Object.entries(fields)) {
    if (field.input !== true || input[name] === undefined) continue;
    out[name] = checkFieldValue(name, field, input[name]);
  }
  return out;
}

/**
 * Client values reach the database as they are, so their type is checked here: an object in a
 * string column was a 500 on SQL adapters and "[object Object]" in memory. Dates may be given
 * as ISO strings or epoch milliseconds.
 */
function checkFieldValue(name: string, field: FieldDefinition, value: unknown): unknown {
  if (value === null && field.required === false) return null;
  const ok =
    (field.type === "string" && typeof value === "string") ||
    (field.type === "number" && typeof value === "number" && Number.isFinite(value)) ||
    (field.type === "boolean" && typeof value === "boolean") ||
    (field.type === "date" &&
      (typeof value === "string" || typeof value === "number") &&
      !Number.isNaN(new Date(value).getTime())) ||
    field.type === "json";
  if (!ok) {
    throw new AuthError(400, "VALIDATION_ERROR", {
      message: `[body.${name}] expected ${field.type}`,
      details: { field: `body.${name}` },
    });
  }
  return field.type === "date" ? new Date(value as string | number) : value;
}

/** Shapes a user row for a response (no hidden fields). */
export function userJSON(ctx: Ctx, row: Record<string, unknown>): UserRecord {
  return publicRow(ctx.auth.schema, "user", row) as UserRecord;
}

/**
 * Sign-up with email and password: the user and its credential account are created in one
 * transaction, so a failure leaves neither.
 */
export async function signUpWithPassword(
  ctx: Ctx,
  input: SignUpInput,
  extraFields: Record<string, unknown> = {},
): Promise<{ token: string | null; user: UserRecord }> {
  requireEnabled(ctx);
  // Checked before anything is written: refusing it later (when the verification mail is
  // built) would leave a created user behind a 403.
  assertSafeCallback(ctx, input.callbackURL);
  await checkPasswordPolicy(ctx, input.password);
  const email = normalizeEmail(input.email);
  const { store, password } = ctx.auth;
  const hash = await password.hash(input.password);
  const { rememberMe, callbackURL, name, image, password: _omit, email: _e, ...rest } = input;
  let user: UserRecord;
  try {
    user = await store.transaction(async (tx) => {
      if (await tx.findOne("user", [{ field: "email", value: email }])) {
        throw new AuthError(422, "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL");
      }
      const created = (await tx.create("user", {
        ...inputUserFields(ctx, rest),
        ...extraFields,
        name,
        email,
        image: image ?? null,
        emailVerified: false,
      })) as UserRecord;
      await tx.create("account", {
        userId: created.id,
        accountId: created.id,
        providerId: "credential",
        password: hash,
      });
      return created;
    });
  } catch (error) {
    if ((error as { code?: string }).code === "UNIQUE_VIOLATION")
      throw new AuthError(422, "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL");
    throw error;
  }
  const policy = ctx.auth.password;
  if (ctx.auth.verification.sendOnSignUp || policy.requireEmailVerification) {
    await sendVerificationMail(ctx, user, callbackURL);
  }
  if (policy.requireEmailVerification || !policy.autoSignIn)
    return { token: null, user: userJSON(ctx, user) };
  const { token } = await issueSession(ctx, store, user, { rememberMe: rememberMe !== false });
  return { token, user: userJSON(ctx, user) };
}

/** Finds the credential account of a user. */
export function credentialAccount(store: Store, userId: string): Promise<Record<string, unknown> | null> {
  return store.findOne("account", [
    { field: "userId", value: userId },
    { field: "providerId", value: "credential" },
  ]);
}

/**
 * Verifies an email/password pair. Unknown email and wrong password take the same path
 * (a dummy verify) and give the same error.
 */
export async function verifyCredentials(
  ctx: Ctx,
  user: UserRecord | null,
  plain: string,
): Promise<UserRecord> {
  const { store, password } = ctx.auth;
  const account = user ? await credentialAccount(store, user.id) : null;
  const hash = typeof account?.password === "string" ? account.password : null;
  if (!user || !account || !hash) {
    await password.dummyVerify(plain);
    throw new AuthError(401, "INVALID_EMAIL_OR_PASSWORD");
  }
  if (!(await password.verify(hash, plain))) throw new AuthError(401, "INVALID_EMAIL_OR_PASSWORD");
  if (password.needsRehash(hash)) {
    await store.update("account", [{ field: "id", value: account.id }], {
      password: await password.hash(plain),
    });
  }
  return user;
}

/**
 * The password check of a sign-in, inside the per-account limits: refused while `identifier`
 * (a normalized email) must wait or needs a reset, counted as a failure until the password
 * proves right, cleared then. Unknown and known identifiers go the same way.
 */
export async function verifyPasswordSignIn(
  ctx: Ctx,
  input: { identifier: string; user: UserRecord | null; password: string },
): Promise<UserRecord> {
  const attempt = await startPasswordAttempt(ctx.auth, input.identifier);
  const user = await verifyCredentials(ctx, input.user, input.password);
  await passwordAttemptSucceeded(ctx.auth, attempt);
  return user;
}

/** Sign-in with email and password. */
export async function signInWithPassword(
  ctx: Ctx,
  input: {
    email: string;
    password: string;
    rememberMe?: boolean | undefined;
    callbackURL?: string | undefined;
  },
): Promise<{ redirect: boolean; token: string; url: string | undefined; user: UserRecord }> {
  requireEnabled(ctx);
  const email = normalizeEmail(input.email);
  const { store } = ctx.auth;
  const found = (await store.findOne("user", [{ field: "email", value: email }])) as UserRecord | null;
  const user = await verifyPasswordSignIn(ctx, { identifier: email, user: found, password: input.password });
  if (ctx.auth.password.requireEmailVerification && !user.emailVerified) {
    if (ctx.auth.verification.sendOnSignUp) await sendVerificationMail(ctx, user, input.callbackURL);
    throw new AuthError(403, "EMAIL_NOT_VERIFIED");
  }
  const { token } = await issueSession(ctx, store, user, { rememberMe: input.rememberMe !== false });
  return { redirect: Boolean(input.callbackURL), token, url: input.callbackURL, user: userJSON(ctx, user) };
}
