import type { Adapter } from "../db/adapter.js";
import type { RateLimiter, RateLimitWindow } from "../http/rate-limit.js";
import type { Schema } from "../db/schema.js";
import type { ProviderClient } from "../providers/engine.js";
import type { CredentialsConfig, EmailConfig } from "../providers/types.js";
import type { Mailer } from "../email/types.js";
import type { SessionManager } from "../session/manager.js";
import type { AnyEndpoint } from "./endpoint.js";
import type { AuthHooks } from "./hooks.js";
import type { AuthOptions, Logger } from "./options.js";
import type { Store } from "./store.js";
import type { UserRecord } from "./types.js";

/** Resolved email + password settings. */
export interface PasswordPolicy {
  enabled: boolean;
  requireEmailVerification: boolean;
  autoSignIn: boolean;
  minPasswordLength: number;
  maxPasswordLength: number;
  rejectCommonPasswords: boolean;
  /** The app's breached-password check, if any. */
  isPasswordCompromised: ((password: string) => Promise<boolean>) | undefined;
  resetPassword: boolean;
  resetPasswordTokenExpiresIn: number;
  revokeSessionsOnPasswordReset: boolean;
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
  needsRehash(hash: string): boolean;
  /** Spends the time of one verify, for unknown users. */
  dummyVerify(password: string): Promise<void>;
}

/** Resolved per-account limits on failed password sign-ins (`rateLimit.passwordFailures`). */
export interface PasswordFailurePolicy {
  /** Consecutive failures answered without delay; each one after that waits longer. */
  slowDownAfter: number;
  /** Consecutive failures after which password sign-in needs a password reset. */
  resetRequiredAfter: number;
}

/** Resolved email verification settings. */
export interface VerificationPolicy {
  sendOnSignUp: boolean;
  autoSignInAfterVerification: boolean;
  expiresIn: number;
}

/** Mail hooks: the app's overrides or the built-in templates. */
export interface MailHooks {
  sendVerificationEmail(
    data: { user: UserRecord; url: string; token: string },
    request?: Request,
  ): Promise<void>;
  sendResetPassword(data: { user: UserRecord; url: string; token: string }, request?: Request): Promise<void>;
  sendChangeEmailVerification(
    data: { user: UserRecord; newEmail: string; url: string; token: string },
    request?: Request,
  ): Promise<void>;
}

/** Resolved account settings. */
export interface AccountPolicy {
  linkingEnabled: boolean;
  trustedProviders: ReadonlySet<string>;
  allowDifferentEmails: boolean;
  encryptTokens: boolean;
}

/**
 * Everything one `auth` instance resolved at startup. Built once by `createAuth`; flows and
 * endpoints read it, nothing writes it.
 */
export interface AuthContext {
  readonly options: AuthOptions;
  readonly appName: string;
  readonly basePath: string;
  /** Configured public URL, if any (else the origin comes from each request). */
  readonly baseURL: URL | undefined;
  readonly trustHost: boolean;
  /** Configured trusted origins (the request's own origin is added per call). */
  readonly trustedOrigins: readonly string[];
  readonly secrets: readonly string[];
  readonly schema: Schema;
  readonly adapter: Adapter;
  readonly store: Store;
  readonly sessions: SessionManager;
  readonly mailer: Mailer;
  readonly mail: MailHooks;
  readonly logger: Logger;
  readonly password: PasswordPolicy;
  readonly verification: VerificationPolicy;
  readonly cookiePrefix: string;
  readonly useSecureCookies: boolean | undefined;
  readonly disableOriginCheck: boolean;
  readonly hooks: readonly AuthHooks[];
  readonly endpoints: Readonly<Record<string, AnyEndpoint>>;
  readonly production: boolean;
  /**
   * Rate-limit rules by path (relative to where each route table is mounted; `false`: off),
   * from the defaults, plugins and `customRules`. Empty when rate limiting is off.
   */
  readonly rateLimitRules: ReadonlyMap<string, RateLimitWindow | false>;
  /** The per-client, per-path limiter; undefined when rate limiting is off. */
  readonly rateLimiter: RateLimiter | undefined;
  /** Request headers a trusted proxy sets to the client's address (`advanced.ipAddress`). */
  readonly ipAddressHeaders: readonly string[];
  /** Per-account limits on failed password sign-ins; undefined when off. */
  readonly passwordFailures: PasswordFailurePolicy | undefined;
  /** Configured OAuth / OIDC providers by id. */
  readonly providers: ReadonlyMap<string, ProviderClient>;
  /** Credentials providers (Auth.js dialect) by id. */
  readonly credentialProviders: ReadonlyMap<string, CredentialsConfig>;
  /** Email (magic link) providers (Auth.js dialect) by id. */
  readonly emailProviders: ReadonlyMap<string, EmailConfig>;
  /** Account linking and token storage settings. */
  readonly accounts: AccountPolicy;
  /** Messages of plugin error codes, used when an AuthError carries a code but no message. */
  readonly errorMessages: Readonly<Record<string, string>>;
}
