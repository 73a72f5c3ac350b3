import type { EndpointContext } from "../core/endpoint.js";
import { AuthError } from "../core/errors.js";
import type { AccountRecord, UserRecord } from "../core/types.js";
import type { AuthorizedUser } from "../providers/types.js";
import { normalizeEmail } from "./password.js";
import { passwordAttemptSucceeded, startPasswordAttempt } from "./password-failures.js";

type Ctx = EndpointContext<unknown, unknown>;

/** Why a credentials sign-in was refused: Auth.js's `CredentialsSignin` with its `code`. */
export class CredentialsRefused extends Error {
  constructor(readonly code: string) {
    super(`credentials sign-in refused (${code})`);
    this.name = "CredentialsRefused";
  }
}

function refusalCode(error: unknown): string | null {
  if (!error || typeof error !== "object") return null;
  const e = error as { name?: unknown; code?: unknown; type?: unknown };
  const isSignin =
    e.name === "CredentialsSignin" ||
    e.type === "CredentialsSignin" ||
    error.constructor?.name === "CredentialsSignin";
  let proto = Object.getPrototypeOf(error);
  let inherits = false;
  while (proto && !inherits) {
    inherits = proto.constructor?.name === "CredentialsSignin";
    proto = Object.getPrototypeOf(proto);
  }
  if (!isSignin && !inherits) return null;
  return typeof e.code === "string" && /^[\w-]{1,64}$/.test(e.code) ? e.code : "credentials";
}

/**
 * Runs a Credentials provider's `authorize` and turns its answer into a stored user: found by
 * this provider's account, then by email, else created with the account, in one transaction.
 * So credentials work with database sessions as well as JWT ones.
 *
 * @throws {CredentialsRefused} When `authorize` returns null or throws `CredentialsSignin`.
 */
export async function authorizeCredentials(
  ctx: Ctx,
  providerId: string,
  fields: Record<string, string>,
): Promise<{ user: UserRecord; isNewUser: boolean; authorized: AuthorizedUser }> {
  const provider = ctx.auth.credentialProviders.get(providerId);
  if (!provider) throw new AuthError(404, "PROVIDER_NOT_FOUND");
  // A form with an email counts its failures with that email's password sign-ins.
  const attempt = fields.email?.trim()
    ? await startPasswordAttempt(ctx.auth, normalizeEmail(fields.email))
    : null;
  let authorized: AuthorizedUser | null;
  try {
    authorized = await provider.authorize(fields, ctx.request);
  } catch (error) {
    const code = refusalCode(error);
    if (code) throw new CredentialsRefused(code);
    throw error;
  }
  if (!authorized || typeof authorized !== "object") throw new CredentialsRefused("credentials");
  await passwordAttemptSucceeded(ctx.auth, attempt);

  const { store } = ctx.auth;
  const accountId = authorized.id !== undefined && authorized.id !== null ? String(authorized.id) : undefined;
  const email =
    typeof authorized.email === "string" && authorized.email ? normalizeEmail(authorized.email) : undefined;
  if (accountId) {
    const account = (await store.findOne("account", [
      { field: "providerId", value: providerId },
      { field: "accountId", value: accountId },
    ])) as AccountRecord | null;
    const user = account
      ? ((await store.findOne("user", [{ field: "id", value: account.userId }])) as UserRecord | null)
      : null;
    if (user) return { user, isNewUser: false, authorized };
  }
  if (email) {
    const user = (await store.findOne("user", [{ field: "email", value: email }])) as UserRecord | null;
    if (user) {
      if (accountId) await store.create("account", { userId: user.id, providerId, accountId });
      return { user, isNewUser: false, authorized };
    }
  }
  if (!email) {
    throw new AuthError(400, "EMAIL_REQUIRED", {
      message: `Credentials provider "${providerId}": authorize() must return an email for a user not seen before`,
    });
  }
  const user = await store.transaction(async (tx) => {
    const created = (await tx.create("user", {
      name: authorized.name || email.split("@")[0],
      email,
      emailVerified: false,
      image: authorized.image ?? null,
    })) as UserRecord;
    await tx.create("account", { userId: created.id, providerId, accountId: accountId ?? created.id });
    return created;
  });
  return { user, isNewUser: true, authorized };
}
