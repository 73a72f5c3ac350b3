import type { AuthContext } from "../core/context.js";
import type { EndpointContext } from "../core/endpoint.js";
import { AuthError } from "../core/errors.js";
import type { AccountRecord, UserRecord } from "../core/types.js";
import { openToken } from "../crypto/token-cipher.js";
import { ProviderFlowError } from "../providers/engine.js";
import type { Account } from "../providers/types.js";
import { providerClient } from "./oauth.js";
import { ACCOUNT_TOKEN_PURPOSE, accountTokenFields, parseScopes } from "./oauth-user.js";

type Ctx = EndpointContext<unknown, unknown>;

/** An account as `list-accounts` returns it (Better Auth's shape: no tokens). */
export interface AccountJSON {
  id: string;
  providerId: string;
  accountId: string;
  userId: string;
  scopes: string[];
  createdAt: Date;
  updatedAt: Date;
}

/**
 * Which account a call is about: `accountId` is the account row's id (Better Auth 1.7) or the
 * provider's account id; `providerId` narrows to one provider (earlier Better Auth clients
 * select by it alone).
 */
export interface AccountSelector {
  providerId?: string | undefined;
  accountId?: string | undefined;
  /** Server-side calls only (`auth.api` without a request): act for this user. */
  userId?: string | undefined;
}

/**
 * The user a call acts for: the session's user, or `userId` when the server calls `auth.api`
 * without a request. Over HTTP a `userId` other than the caller's is refused.
 */
async function actingUserId(ctx: Ctx, userId: string | undefined): Promise<string> {
  if (userId && !ctx.request && !ctx.headers.get("cookie")) return userId;
  const { user } = await ctx.requireSession();
  if (userId && userId !== user.id)
    throw new AuthError(403, "FORBIDDEN", { message: "userId is for server calls" });
  return user.id;
}

/** The signed-in user's linked accounts. */
export async function listAccounts(ctx: Ctx): Promise<AccountJSON[]> {
  const { user } = await ctx.requireSession();
  const rows = (await ctx.auth.store.findMany("account", [
    { field: "userId", value: user.id },
  ])) as AccountRecord[];
  return rows.map((a) => ({
    id: a.id,
    providerId: a.providerId,
    accountId: a.accountId,
    userId: a.userId,
    scopes: parseScopes(a.scope),
    createdAt: a.createdAt,
    updatedAt: a.updatedAt,
  }));
}

/** Finds the selected account among a user's accounts. */
function pick(accounts: readonly AccountRecord[], selector: AccountSelector): AccountRecord | undefined {
  return accounts.find(
    (a) =>
      (selector.providerId === undefined || a.providerId === selector.providerId) &&
      (selector.accountId === undefined || a.id === selector.accountId || a.accountId === selector.accountId),
  );
}

/** Removes a linked account, unless it is the user's last way to sign in. */
export async function unlinkAccount(ctx: Ctx, input: AccountSelector): Promise<{ status: true }> {
  const { user } = await ctx.requireSession({ fresh: true });
  const { store } = ctx.auth;
  const accounts = (await store.findMany("account", [
    { field: "userId", value: user.id },
  ])) as AccountRecord[];
  // Checked first, as Better Auth does: a user with one account learns nothing about ids.
  if (accounts.length <= 1) throw new AuthError(400, "FAILED_TO_UNLINK_LAST_ACCOUNT");
  const target = pick(accounts, input);
  if (!target) throw new AuthError(400, "ACCOUNT_NOT_FOUND");
  await store.delete("account", [{ field: "id", value: target.id }]);
  return { status: true };
}

async function findAccount(ctx: Ctx, selector: AccountSelector): Promise<AccountRecord> {
  const userId = await actingUserId(ctx, selector.userId);
  const accounts = (await ctx.auth.store.findMany("account", [
    { field: "userId", value: userId },
  ])) as AccountRecord[];
  const account = pick(accounts, selector);
  if (!account || account.providerId === "credential") throw new AuthError(400, "ACCOUNT_NOT_FOUND");
  return account;
}

async function open(ctx: Ctx, value: unknown): Promise<string | null> {
  return openToken(typeof value === "string" ? value : null, ctx.auth.secrets, ACCOUNT_TOKEN_PURPOSE);
}

/** Tokens of an account after a refresh, in Better Auth's `refresh-token` shape. */
export interface RefreshedTokens {
  accessToken: string | null;
  refreshToken: string | null;
  accessTokenExpiresAt: Date | null;
  refreshTokenExpiresAt: Date | null;
  scope: string | null;
  idToken: string | null;
  providerId: string;
  accountId: string;
}

async function refreshAccount(ctx: Ctx, account: AccountRecord): Promise<RefreshedTokens> {
  const client = providerClient(ctx, account.providerId);
  const refreshToken = await open(ctx, account.refreshToken);
  if (!refreshToken)
    throw new AuthError(400, "REFRESH_TOKEN_NOT_FOUND", { message: "The account has no refresh token" });
  let tokens: Awaited<ReturnType<typeof client.refresh>>;
  try {
    tokens = await client.refresh(refreshToken);
  } catch (error) {
    if (error instanceof ProviderFlowError) {
      ctx.auth.logger.warn(`gatehouse: ${error.message}`);
      throw new AuthError(400, "FAILED_TO_REFRESH_ACCESS_TOKEN", { cause: error });
    }
    throw error;
  }
  const fields = await accountTokenFields(ctx, tokens, parseScopes(account.scope));
  const updated = ((await ctx.auth.store.update("account", [{ field: "id", value: account.id }], fields)) ??
    account) as AccountRecord;
  return {
    accessToken: tokens.access_token ?? null,
    refreshToken: tokens.refresh_token ?? refreshToken,
    accessTokenExpiresAt: (updated.accessTokenExpiresAt as Date | null) ?? null,
    refreshTokenExpiresAt: (updated.refreshTokenExpiresAt as Date | null) ?? null,
    scope: (updated.scope as string | null) ?? null,
    idToken: tokens.id_token ?? (await open(ctx, updated.idToken)),
    providerId: account.providerId,
    // The account row's id, as Better Auth 1.7 answers (the provider's id is in list-accounts).
    accountId: account.id,
  };
}

/** Refreshes an account's access token now. */
export async function refreshToken(ctx: Ctx, selector: AccountSelector): Promise<RefreshedTokens> {
  return refreshAccount(ctx, await findAccount(ctx, selector));
}

/** A valid access token for an account, refreshed first when it has expired (or is about to). */
export async function getAccessToken(
  ctx: Ctx,
  selector: AccountSelector,
): Promise<{
  accessToken: string | null;
  accessTokenExpiresAt: Date | null;
  scopes: string[];
  idToken: string | null;
}> {
  const account = await findAccount(ctx, selector);
  const expiresAt = account.accessTokenExpiresAt;
  const expiring = expiresAt instanceof Date && expiresAt.getTime() - Date.now() < 5_000;
  if (expiring && account.refreshToken) {
    const r = await refreshAccount(ctx, account).catch((error: unknown) => {
      if (error instanceof AuthError && error.code === "FAILED_TO_REFRESH_ACCESS_TOKEN")
        throw new AuthError(400, "FAILED_TO_GET_ACCESS_TOKEN", { cause: error });
      throw error;
    });
    return {
      accessToken: r.accessToken,
      accessTokenExpiresAt: r.accessTokenExpiresAt,
      scopes: parseScopes(r.scope),
      idToken: r.idToken,
    };
  }
  return {
    accessToken: await open(ctx, account.accessToken),
    accessTokenExpiresAt: expiresAt ?? null,
    scopes: parseScopes(account.scope),
    idToken: await open(ctx, account.idToken),
  };
}

/** The provider's current view of a linked account: the mapped user, the raw profile, the account. */
export async function accountInfo(
  ctx: Ctx,
  selector: AccountSelector,
): Promise<{
  user: Pick<UserRecord, "id" | "name" | "email" | "image" | "emailVerified">;
  data: Record<string, unknown>;
  account: { id: string; providerId: string; accountId: string };
}> {
  const account = await findAccount(ctx, selector);
  const client = providerClient(ctx, account.providerId);
  const { accessToken } = await getAccessToken(ctx, { accountId: account.id, userId: selector.userId });
  if (!accessToken) throw new AuthError(400, "ACCESS_TOKEN_NOT_FOUND");
  try {
    const raw = await client.fetchProfile({
      tokens: { access_token: accessToken ?? undefined, token_type: "bearer" },
      claims: undefined,
    });
    const mapped = await client.mapProfile(raw, { access_token: accessToken ?? undefined });
    return {
      user: {
        id: mapped.id,
        name: (mapped.name ?? "") as string,
        email: (mapped.email ?? "") as string,
        image: mapped.image ?? null,
        emailVerified: mapped.emailVerified === true,
      },
      data: raw,
      account: { id: account.id, providerId: account.providerId, accountId: account.accountId },
    };
  } catch (error) {
    if (error instanceof ProviderFlowError) {
      ctx.auth.logger.warn(`gatehouse: ${error.message}`);
      throw new AuthError(502, "FAILED_TO_GET_ACCOUNT_INFO", { cause: error });
    }
    throw error;
  }
}

/**
 * Maps a stored account row to Auth.js's {@link Account} shape, with its tokens decrypted.
 * `type` is "credentials" for email + password, else the provider's type.
 */
export async function toAccount(auth: AuthContext, row: AccountRecord): Promise<Account> {
  const provider = row.providerId === "credential" ? undefined : auth.providers.get(row.providerId);
  const open = (value: unknown) =>
    openToken(typeof value === "string" ? value : null, auth.secrets, ACCOUNT_TOKEN_PURPOSE);
  const expires = row.accessTokenExpiresAt;
  const account: Account = {
    provider: row.providerId,
    providerAccountId: row.accountId,
    type: row.providerId === "credential" ? "credentials" : (provider?.provider.type ?? "oauth"),
    userId: row.userId,
  };
  const access = await open(row.accessToken);
  const refresh = await open(row.refreshToken);
  const id = await open(row.idToken);
  if (access) account.access_token = access;
  if (refresh) account.refresh_token = refresh;
  if (id) account.id_token = id;
  if (expires instanceof Date) account.expires_at = Math.floor(expires.getTime() / 1000);
  if (typeof row.scope === "string") account.scope = parseScopes(row.scope).join(" ");
  return account;
}
