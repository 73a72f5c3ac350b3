import * as oauth from "oauth4webapi";
import type { EndpointContext, Redirect } from "../core/endpoint.js";
import { AuthError } from "../core/errors.js";
import type { UserRecord } from "../core/types.js";
import { timingSafeEqualString } from "../crypto/hash.js";
import { randomToken } from "../crypto/random.js";
import { type ProviderClient, ProviderFlowError } from "../providers/engine.js";
import type { ProviderUser, TokenSet } from "../providers/types.js";
import { assertSafeCallback } from "./email-verification.js";
import { issueSession } from "./issue-session.js";
import {
  clearTransaction,
  consumeState,
  type OAuthTransaction,
  readTransaction,
  saveTransaction,
} from "./oauth-transaction.js";
import { resolveOAuthUser } from "./oauth-user.js";
import { userJSON } from "./password.js";

type Ctx = EndpointContext<unknown, unknown>;

/** Input of a social sign-in or link (Better Auth's body names). */
export interface StartOAuthInput {
  provider: string;
  callbackURL?: string | undefined;
  errorCallbackURL?: string | undefined;
  newUserCallbackURL?: string | undefined;
  disableRedirect?: boolean | undefined;
  scopes?: string[] | undefined;
  loginHint?: string | undefined;
  /** Extra authorization parameters (Auth.js passes the sign-in request's query on). */
  authorizationParams?: Record<string, string> | undefined;
}

/** Finds a configured provider or answers 404 PROVIDER_NOT_FOUND. */
export function providerClient(ctx: Ctx, id: string): ProviderClient {
  const client = ctx.auth.providers.get(id);
  if (!client)
    throw new AuthError(404, "PROVIDER_NOT_FOUND", { message: `Provider "${id}" is not configured` });
  return client;
}

/**
 * Starts the authorization code flow: makes state, PKCE verifier and nonce, stores them in the
 * transaction, and returns the provider URL for the browser.
 */
export async function startOAuth(
  ctx: Ctx,
  input: StartOAuthInput,
  link?: { userId: string; email: string },
): Promise<{ url: string; redirect: boolean }> {
  const client = providerClient(ctx, input.provider);
  assertSafeCallback(ctx, input.callbackURL);
  assertSafeCallback(ctx, input.errorCallbackURL);
  assertSafeCallback(ctx, input.newUserCallbackURL);
  const p = client.provider;
  const verifier = oauth.generateRandomCodeVerifier();
  const transaction: OAuthTransaction = {
    provider: p.id,
    state: randomToken(32),
    verifier,
    nonce: p.nonce ? randomToken(32) : undefined,
    redirectURI: p.redirectURI ?? `${ctx.apiURL}/callback/${encodeURIComponent(p.id)}`,
    scopes: [...new Set([...p.scopes, ...(input.scopes ?? [])])],
    callbackURL: input.callbackURL,
    errorCallbackURL: input.errorCallbackURL,
    newUserCallbackURL: input.newUserCallbackURL,
    link,
  };
  let url: URL;
  try {
    url = await client.authorizationURL({
      redirectURI: transaction.redirectURI,
      state: transaction.state,
      codeChallenge: await oauth.calculatePKCECodeChallenge(verifier),
      nonce: transaction.nonce,
      scopes: transaction.scopes,
      loginHint: input.loginHint,
      extraParams: input.authorizationParams,
    });
  } catch (error) {
    if (error instanceof ProviderFlowError) {
      ctx.auth.logger.warn(`gatehouse: ${error.message}`);
      throw new AuthError(502, "PROVIDER_UNAVAILABLE", {
        message: `Could not reach ${p.name}`,
        cause: error,
      });
    }
    throw error;
  }
  await saveTransaction(ctx, transaction);
  return { url: url.href, redirect: input.disableRedirect !== true };
}

function withError(target: string, origin: string, code: string): string {
  const url = new URL(target, origin);
  url.searchParams.set("error", code);
  return url.href;
}

/**
 * Apple sends the user's name only once, on the first authorization, as a `user` JSON field of
 * the callback (it is not in the ID token). It is added to the raw profile as `user` for the
 * preset's `profile()`; the ID token's claims still decide the account id and the email.
 */
function withFormUser(raw: Record<string, unknown>, params: URLSearchParams): Record<string, unknown> {
  const field = params.get("user");
  if (!field || raw.user !== undefined || field.length > 4096) return raw;
  try {
    const user: unknown = JSON.parse(field);
    return user && typeof user === "object" && !Array.isArray(user) ? { ...raw, user } : raw;
  } catch {
    return raw;
  }
}

/**
 * A `form_post` answer arrives as a cross-site POST, which carries none of our SameSite=Lax
 * cookies; its string fields move to a GET on the same callback path, where they do arrive.
 */
export function formPostToQuery(ctx: Ctx, providerId: string, body: unknown): Redirect {
  const target = new URL(`${ctx.apiURL}/callback/${encodeURIComponent(providerId)}`);
  if (body && typeof body === "object") {
    for (const [k, v] of Object.entries(body)) if (typeof v === "string") target.searchParams.set(k, v);
  }
  return ctx.redirect(target.href);
}

/** What a sign-in callback is told before the session is issued (Auth.js's `signIn` callback). */
export interface OAuthSignInCheck {
  /** The user as the provider describes them (not yet stored for a new user). */
  profileUser: ProviderUser;
  /** The raw profile. */
  profile: Record<string, unknown>;
  providerId: string;
  providerType: "oauth" | "oidc";
  tokens: TokenSet;
}

/** Hooks a dialect adds to the callback. */
export interface OAuthCallbackOptions {
  /** Builds the error redirect; default `<errorCallbackURL or basePath/error>?error=<code>`. */
  errorURL?: (code: string, errorCallbackURL: string | undefined) => string;
  /** Asked before anything is stored: true goes on, false refuses (`access_denied`), a URL redirects there. */
  allowSignIn?: (check: OAuthSignInCheck) => Promise<boolean | string>;
  /** Told after a sign-in (or link) succeeded. */
  afterSignIn?: (result: {
    user: UserRecord;
    isNewUser: boolean;
    providerId: string;
    linked: boolean;
  }) => Promise<void>;
}

/**
 * Handles the provider's redirect back. Every outcome is a redirect: to the callbackURL (or
 * newUserCallbackURL for a new user) on success, else to errorCallbackURL or the error page
 * with a stable `error` code. The transaction is single-use whatever happens.
 */
export async function handleOAuthCallback(
  ctx: Ctx,
  providerId: string,
  params: URLSearchParams,
  options: OAuthCallbackOptions = {},
): Promise<Redirect> {
  const transaction = await readTransaction(ctx);
  clearTransaction(ctx);
  const fail = (code: string, tx: OAuthTransaction | null) =>
    ctx.redirect(
      options.errorURL
        ? options.errorURL(code, tx?.errorCallbackURL)
        : withError(tx?.errorCallbackURL ?? `${ctx.apiURL}/error`, ctx.origin, code),
    );

  const client = ctx.auth.providers.get(providerId);
  if (!client) return fail("oauth_provider_not_found", null);
  if (!transaction) return fail("please_restart_the_process", null);
  const state = params.get("state");
  if (!state || transaction.provider !== providerId || !timingSafeEqualString(state, transaction.state))
    return fail("state_mismatch", null);
  // From here the transaction is ours: its error target may be used.
  if (!(await consumeState(ctx, state))) return fail("state_already_used", transaction);

  try {
    const exchange = await client.exchangeCode({
      params,
      state: transaction.state,
      verifier: transaction.verifier,
      nonce: transaction.nonce,
      redirectURI: transaction.redirectURI,
    });
    const raw = withFormUser(await client.fetchProfile(exchange), params);
    const profile = await client.mapProfile(raw, exchange.tokens);
    if (options.allowSignIn) {
      const verdict = await options.allowSignIn({
        profileUser: profile,
        profile: raw,
        providerId,
        providerType: client.provider.type,
        tokens: exchange.tokens,
      });
      if (verdict === false) return fail("access_denied", transaction);
      if (typeof verdict === "string") return ctx.redirect(verdict);
    }
    const { user, isNewUser } = await resolveOAuthUser(ctx, client, profile, exchange.tokens, {
      link: transaction.link,
      scopes: transaction.scopes,
    });
    if (!transaction.link) await issueSession(ctx, ctx.auth.store, user);
    await options.afterSignIn?.({ user, isNewUser, providerId, linked: Boolean(transaction.link) });
    const target = (isNewUser ? transaction.newUserCallbackURL : undefined) ?? transaction.callbackURL ?? "/";
    return ctx.redirect(target);
  } catch (error) {
    if (error instanceof ProviderFlowError) {
      ctx.auth.logger.warn(`gatehouse: OAuth callback failed (${error.code}): ${error.message}`);
      return fail(error.code, transaction);
    }
    ctx.auth.logger.error("gatehouse: OAuth callback failed", error);
    return fail("internal_error", transaction);
  }
}

/** HTTP status and SCREAMING_SNAKE code of a flow error answered as JSON (ID token sign-in). */
function jsonError(error: ProviderFlowError): AuthError {
  const status =
    error.code === "provider_unavailable"
      ? 502
      : error.code === "signup_disabled" || error.code === "account_not_linked"
        ? 403
        : error.code === "email_not_found" || error.code === "id_token_not_supported"
          ? 400
          : 401;
  return new AuthError(status, error.code.toUpperCase(), { message: error.message, cause: error });
}

/**
 * Sign-in with an ID token the client got from the provider itself (Google One Tap, native
 * Apple sign-in): the token is verified against the provider's keys, then the same account
 * rules as the redirect flow apply.
 */
export async function signInWithIdToken(
  ctx: Ctx,
  providerId: string,
  idToken: {
    token: string;
    nonce?: string | undefined;
    accessToken?: string | undefined;
    refreshToken?: string | undefined;
    expiresAt?: number | undefined;
    user?: unknown;
  },
  options: { callbackURL?: string | undefined },
): Promise<{ redirect: false; token: string; url: string | undefined; user: UserRecord }> {
  const client = providerClient(ctx, providerId);
  assertSafeCallback(ctx, options.callbackURL);
  try {
    const claims = await client.verifyIdToken(idToken.token, idToken.nonce);
    const tokens: TokenSet = {
      id_token: idToken.token,
      access_token: idToken.accessToken,
      refresh_token: idToken.refreshToken,
      expires_at: idToken.expiresAt,
    };
    const raw: Record<string, unknown> = idToken.user ? { ...claims, user: idToken.user } : { ...claims };
    const profile = await client.mapProfile(raw, tokens);
    const { user } = await resolveOAuthUser(ctx, client, profile, tokens, { scopes: [] });
    const { token } = await issueSession(ctx, ctx.auth.store, user);
    return { redirect: false, token, url: options.callbackURL, user: userJSON(ctx, user) };
  } catch (error) {
    if (error instanceof ProviderFlowError) throw jsonError(error);
    throw error;
  }
}
