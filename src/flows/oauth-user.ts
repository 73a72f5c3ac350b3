import type { EndpointContext } from "../core/endpoint.js";
import type { Store } from "../core/store.js";
import type { AccountRecord, UserRecord } from "../core/types.js";
import { sealToken } from "../crypto/token-cipher.js";
import { ProviderFlowError } from "../providers/engine.js";
import type { ProviderClient } from "../providers/engine.js";
import type { ProviderUser, TokenSet } from "../providers/types.js";
import { normalizeEmail } from "./password.js";

type Ctx = EndpointContext<unknown, unknown>;

/** Key-derivation purpose of stored provider tokens. */
export const ACCOUNT_TOKEN_PURPOSE = "account-tokens";

/** Splits a stored or granted scope string (space- or comma-separated) into a list. */
export function parseScopes(scope: unknown): string[] {
  return typeof scope === "string" ? scope.split(/[\s,]+/).filter(Boolean) : [];
}

/** Account columns for a token set. A token the provider did not send again is left as it is. */
export async function accountTokenFields(
  ctx: Ctx,
  tokens: TokenSet,
  requestedScopes: readonly string[],
): Promise<Record<string, unknown>> {
  const seal = async (value: unknown): Promise<string | undefined> => {
    if (typeof value !== "string" || value === "") return undefined;
    return ctx.auth.accounts.encryptTokens
      ? sealToken(value, ctx.auth.secrets, ACCOUNT_TOKEN_PURPOSE)
      : value;
  };
  const refreshIn = tokens.refresh_token_expires_in;
  const granted = typeof tokens.scope === "string" ? parseScopes(tokens.scope) : [...requestedScopes];
  return {
    accessToken: await seal(tokens.access_token),
    refreshToken: await seal(tokens.refresh_token),
    idToken: await seal(tokens.id_token),
    accessTokenExpiresAt:
      typeof tokens.expires_at === "number" ? new Date(tokens.expires_at * 1000) : undefined,
    refreshTokenExpiresAt:
      typeof refreshIn === "number" && Number.isFinite(refreshIn)
        ? new Date(Date.now() + refreshIn * 1000)
        : undefined,
    // Comma-separated, as Better Auth stores it, so moved-over databases read the same.
    scope: granted.length > 0 ? granted.join(",") : undefined,
  };
}

/** What resolving a provider sign-in produced. */
export interface OAuthUserResult {
  user: UserRecord;
  isNewUser: boolean;
}

function fail(code: string, message: string): never {
  throw new ProviderFlowError(code, message);
}

/**
 * The account-linking rules, in one place:
 * - a known provider account signs in its user;
 * - a signed-in user linking (`link`) gets the account added to them (the emails must match
 *   unless `allowDifferentEmails`);
 * - a new provider account whose email belongs to an existing user is linked only when the
 *   provider says the email is verified AND the provider is trusted (`trustedProviders` or
 *   `allowDangerousEmailAccountLinking`), and never onto an unverified user that has a
 *   password (that could be an attacker's pre-registration); otherwise `account_not_linked`;
 * - otherwise a new user is created with the account, in one transaction.
 */
export async function resolveOAuthUser(
  ctx: Ctx,
  client: ProviderClient,
  profile: ProviderUser,
  tokens: TokenSet,
  options: { link?: { userId: string; email: string } | undefined; scopes: readonly string[] },
): Promise<OAuthUserResult> {
  const { store, accounts } = ctx.auth;
  const providerId = client.id;
  const accountId = profile.id;
  const fields = await accountTokenFields(ctx, tokens, options.scopes);
  const existing = (await store.findOne("account", [
    { field: "providerId", value: providerId },
    { field: "accountId", value: accountId },
  ])) as AccountRecord | null;

  if (options.link) {
    const owner = (await store.findOne("user", [
      { field: "id", value: options.link.userId },
    ])) as UserRecord | null;
    if (!owner) fail("user_not_found", "the signed-in user no longer exists");
    if (existing) {
      if (existing.userId !== owner.id)
        fail(
          "account_already_linked_to_different_user",
          `${providerId} account ${accountId} belongs to another user`,
        );
      await store.update("account", [{ field: "id", value: existing.id }], fields);
      return { user: owner, isNewUser: false };
    }
    const email = profile.email ? normalizeEmail(profile.email) : "";
    if (!accounts.allowDifferentEmails && email !== normalizeEmail(owner.email))
      fail("email_does_not_match", `the ${providerId} account's email differs from the user's`);
    await store.create("account", { userId: owner.id, providerId, accountId, ...fields });
    return { user: owner, isNewUser: false };
  }

  if (existing) {
    const user = (await store.findOne("user", [
      { field: "id", value: existing.userId },
    ])) as UserRecord | null;
    if (!user) fail("user_not_found", `account ${existing.id} points to a missing user`);
    await store.update("account", [{ field: "id", value: existing.id }], fields);
    return { user, isNewUser: false };
  }

  if (!profile.email) fail("email_not_found", `${providerId} returned no email address`);
  const email = normalizeEmail(profile.email);
  const sameEmail = (await store.findOne("user", [{ field: "email", value: email }])) as UserRecord | null;
  if (sameEmail) {
    const trusted =
      client.provider.allowDangerousEmailAccountLinking || accounts.trustedProviders.has(providerId);
    if (!accounts.linkingEnabled || !trusted || profile.emailVerified !== true)
      fail(
        "account_not_linked",
        `a user with this email exists and ${providerId} is not trusted to link to it`,
      );
    if (!sameEmail.emailVerified && (await hasPassword(store, sameEmail.id)))
      fail("account_not_linked", "the existing user has an unverified email and a password");
    await store.transaction(async (tx) => {
      await tx.create("account", { userId: sameEmail.id, providerId, accountId, ...fields });
      if (!sameEmail.emailVerified)
        await tx.update("user", [{ field: "id", value: sameEmail.id }], { emailVerified: true });
    });
    return { user: { ...sameEmail, emailVerified: true }, isNewUser: false };
  }

  if (client.provider.disableSignUp) fail("signup_disabled", `sign-up through ${providerId} is turned off`);
  const { id: _id, name, email: _email, emailVerified, image, ...extra } = profile;
  const userFields = ctx.auth.schema.user?.fields ?? {};
  const additional: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(extra)) if (k in userFields && v !== undefined) additional[k] = v;
  try {
    const user = await store.transaction(async (tx) => {
      const created = (await tx.create("user", {
        ...additional,
        name: name || email.split("@")[0],
        email,
        emailVerified: emailVerified === true,
        image: image ?? null,
      })) as UserRecord;
      await tx.create("account", { userId: created.id, providerId, accountId, ...fields });
      return created;
    });
    return { user, isNewUser: true };
  } catch (error) {
    if ((error as { code?: string }).code === "UNIQUE_VIOLATION")
      fail("unable_to_create_user", "the user or account was created at the same time by another request");
    throw error;
  }
}

async function hasPassword(store: Store, userId: string): Promise<boolean> {
  const credential = await store.findOne("account", [
    { field: "userId", value: userId },
    { field: "providerId", value: "credential" },
  ]);
  return typeof credential?.password === "string" && credential.password !== "";
}
