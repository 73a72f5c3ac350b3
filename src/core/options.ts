import type { Adapter } from "../db/adapter.js";
import type { RedisClientLike } from "../http/rate-limit-redis.js";
import type { FieldDefinition } from "../db/schema.js";
import type { EmailMessage, MailTransport } from "../email/types.js";
import type { AuthHooks, DatabaseHooks } from "./hooks.js";
import type { Plugin } from "./plugin.js";
import type { SessionRecord, UserRecord } from "./types.js";
import type { SocialProviderOptions } from "../providers/resolve.js";
import type { Account, Profile, Provider } from "../providers/types.js";

/** Something that receives log lines. `console` fits. */
export interface Logger {
  info(message: string, ...rest: unknown[]): void;
  warn(message: string, ...rest: unknown[]): void;
  error(message: string, ...rest: unknown[]): void;
}

/** Email + password sign-in and sign-up. */
export interface EmailAndPasswordOptions {
  enabled: boolean;
  /** Refuse sign-in until the email is verified. Default false. */
  requireEmailVerification?: boolean;
  /** Sign the user in right after sign-up (unless verification is required). Default true. */
  autoSignIn?: boolean;
  /** Default 8. */
  minPasswordLength?: number;
  /** Default 128. */
  maxPasswordLength?: number;
  /**
   * Refuse the 10,000 most common passwords (compared case-insensitively) with
   * PASSWORD_TOO_COMMON wherever a password is set: sign-up, change and reset. Default true.
   */
  rejectCommonPasswords?: boolean;
  /**
   * Asks a breached-password service about each new password (sign-up, change, reset); `true`
   * refuses it with PASSWORD_COMPROMISED (400). If it throws, the password is refused with
   * PASSWORD_CHECK_UNAVAILABLE (503) and the error is logged: the check fails closed, so an
   * outage cannot let a breached password in. Better Auth's `isPasswordCompromised` (from
   * `better-auth/plugins/haveibeenpwned`) fits as it is.
   */
  isPasswordCompromised?: (password: string) => Promise<boolean>;
  /** Custom hashing; by default argon2id (m=19456, t=2, p=1). */
  password?: {
    hash?: (password: string) => Promise<string>;
    verify?: (args: { hash: string; password: string }) => Promise<boolean>;
  };
  /** Override the reset mail. */
  sendResetPassword?: (
    data: { user: UserRecord; url: string; token: string },
    request?: Request,
  ) => Promise<void>;
  /** Lifetime of a reset token in seconds. Default 3600. */
  resetPasswordTokenExpiresIn?: number;
  /** Revoke every session after a password reset. Default true. */
  revokeSessionsOnPasswordReset?: boolean;
  /** Turn off password reset (no mail needed then). Default: on. */
  resetPassword?: boolean;
}

/** Email verification. */
export interface EmailVerificationOptions {
  /** Send a verification mail on sign-up. Default: true when `requireEmailVerification`. */
  sendOnSignUp?: boolean;
  /** Sign the user in when the link is followed. Default false. */
  autoSignInAfterVerification?: boolean;
  /** Lifetime of the link in seconds. Default 3600. */
  expiresIn?: number;
  /** Override the verification mail. */
  sendVerificationEmail?: (
    data: { user: UserRecord; url: string; token: string },
    request?: Request,
  ) => Promise<void>;
}

/** Session lifetime and cookies. */
export interface SessionOptions {
  /**
   * "database" (default): a row per session, revocable at once. "jwt": the session lives in an
   * encrypted cookie in Auth.js's format (an Auth.js session cookie with the same secret is read
   * as it is); nothing is stored and a session cannot be revoked before it expires.
   */
  strategy?: "database" | "jwt";
  /** Seconds. Default 7 days. */
  expiresIn?: number;
  /** Seconds between sliding renewals. Default 1 day. */
  updateAge?: number;
  /** Seconds after sign-in during which a session may do sensitive actions. Default 1 day; 0 disables the check. */
  freshAge?: number;
  /** Signed cookie carrying session + user so reads skip the database. */
  cookieCache?: { enabled: boolean; maxAge?: number };
  additionalFields?: Record<string, FieldDefinition>;
}

/** What `database` accepts. */
export type DatabaseOption = unknown;

/** The session as the Auth.js dialect shows it (`GET /auth/session`, `getSession(req, config)`). */
export interface AuthJsSession {
  user: {
    id?: string;
    name?: string | null;
    email?: string | null;
    image?: string | null;
    [field: string]: unknown;
  };
  /** ISO date. */
  expires: string;
  [field: string]: unknown;
}

/** Auth.js's callbacks, for the browser routes (`ExpressAuth`). */
export interface AuthJsCallbacks {
  /** Return false to refuse a sign-in (AccessDenied), or a URL to send the browser there instead. */
  signIn?: (params: {
    user: UserRecord;
    account: Account | null;
    profile?: Profile | undefined;
    credentials?: Record<string, unknown> | undefined;
  }) => boolean | string | Promise<boolean | string>;
  /** Decides where a redirect may go; default: same-origin (or trusted) URLs, else `baseUrl`. */
  redirect?: (params: { url: string; baseUrl: string }) => string | Promise<string>;
  /**
   * JWT sessions: shapes the claims. Called with `trigger: "signIn"` and the user when a session
   * is issued (add your own claims then), and with the claims on every read; null ends the session.
   */
  jwt?: (params: {
    token: Record<string, unknown>;
    user?: UserRecord | undefined;
    trigger?: "signIn" | undefined;
  }) => Record<string, unknown> | null | Promise<Record<string, unknown> | null>;
  /** Shapes the session the browser routes and `getSession(req, config)` return. */
  session?: (params: {
    session: AuthJsSession;
    user: UserRecord;
    token?: Record<string, unknown> | undefined;
  }) => AuthJsSession | Promise<AuthJsSession>;
}

/** Auth.js's events: told after the fact, cannot change the outcome. */
export interface AuthJsEvents {
  signIn?: (message: {
    user: UserRecord;
    account: Account | null;
    isNewUser?: boolean;
  }) => void | Promise<void>;
  signOut?: (message: { session: SessionRecord | null }) => void | Promise<void>;
  createUser?: (message: { user: UserRecord }) => void | Promise<void>;
  linkAccount?: (message: { user: UserRecord | undefined; account: Account }) => void | Promise<void>;
  session?: (message: { session: AuthJsSession }) => void | Promise<void>;
}

/** Built-in pages a browser-routes app may replace with its own (paths or URLs). */
export interface AuthJsPages {
  signIn?: string;
  signOut?: string;
  error?: string;
  verifyRequest?: string;
  newUser?: string;
}

/** Options of {@link createAuth}. */
export interface AuthOptions {
  /** App name used in mails. Default "Gatehouse". */
  appName?: string;
  /** Secret(s) of at least 32 characters; the first signs, all verify. Default env AUTH_SECRET / BETTER_AUTH_SECRET. */
  secret?: string | string[];
  /** Public origin (and optional path) of the app. Default env AUTH_URL / BETTER_AUTH_URL, else from the request. */
  baseURL?: string;
  /** Mount path of the JSON API. Default "/api/auth". */
  basePath?: string;
  /** Trust X-Forwarded-Proto / X-Forwarded-Host. Default env AUTH_TRUST_HOST. */
  trustHost?: boolean;
  /** Origins allowed to send state-changing requests and to be redirect targets. Env AUTH_TRUSTED_ORIGINS (comma-separated) adds to them. */
  trustedOrigins?: string[];
  /**
   * Storage: a better-sqlite3 Database, a pg Pool, a mysql2 pool, a Kysely instance, a URL
   * (`sqlite:auth.db`, `postgres://…`, `mysql://…`) or an Adapter. Default: in memory.
   */
  database?: DatabaseOption | Adapter;
  emailAndPassword?: EmailAndPasswordOptions;
  emailVerification?: EmailVerificationOptions;
  session?: SessionOptions;
  user?: {
    additionalFields?: Record<string, FieldDefinition>;
    changeEmail?: { enabled: boolean };
    deleteUser?: { enabled: boolean };
  };
  /** Mail: sender and transport (SMTP URL, nodemailer transporter or function). */
  email?: { from?: string; transport?: MailTransport };
  /**
   * OAuth / OpenID Connect providers, Auth.js style: `[GitHub, Google({ clientId, clientSecret })]`.
   * A preset passed uncalled reads `AUTH_<ID>_ID`, `AUTH_<ID>_SECRET` and `AUTH_<ID>_ISSUER`.
   */
  providers?: readonly Provider[];
  /** The same, Better Auth style: `{ github: { clientId, clientSecret } }`; the key picks the preset. */
  socialProviders?: Record<string, SocialProviderOptions>;
  /** Linked accounts (credential and providers). */
  account?: {
    accountLinking?: {
      /** Link a new provider account to an existing user with the same email. Default true (see trustedProviders). */
      enabled?: boolean;
      /**
       * Providers whose verified emails are trusted to link to an existing user with that email.
       * Without this (or a provider's `allowDangerousEmailAccountLinking`), such a sign-in is
       * refused with `account_not_linked`.
       */
      trustedProviders?: string[];
      /** Let a signed-in user link a provider account whose email differs from theirs. Default false. */
      allowDifferentEmails?: boolean;
    };
    /** Encrypt access, refresh and ID tokens at rest with a key derived from the secret. Default true. */
    encryptOAuthTokens?: boolean;
  };
  /** Browser routes (Auth.js dialect): replace built-in pages with your own. */
  pages?: AuthJsPages;
  /** Browser routes: look of the built-in pages. */
  theme?: {
    colorScheme?: "auto" | "light" | "dark";
    logo?: string;
    brandColor?: string;
    buttonText?: string;
  };
  /** Browser routes: Auth.js's callbacks (`signIn`, `redirect`, `jwt`, `session`). */
  callbacks?: AuthJsCallbacks;
  /** Auth.js's events (`signIn`, `signOut`, `createUser`, `linkAccount`, `session`). */
  events?: AuthJsEvents;
  databaseHooks?: DatabaseHooks;
  hooks?: AuthHooks;
  plugins?: readonly Plugin[];
  /**
   * Rate limits, on by default in every environment. See {@link RateLimitOptions}.
   */
  rateLimit?: RateLimitOptions;
  advanced?: {
    /** Cookie name prefix. Default "gatehouse". */
    cookiePrefix?: string;
    /** Force Secure cookies on or off; default: on when the origin is https. */
    useSecureCookies?: boolean;
    /** Turn off the Origin checks (not recommended). */
    disableOriginCheck?: boolean;
    /** Where the client address (used by rate limits) comes from. */
    ipAddress?: {
      /**
       * Headers your proxy sets to the client's address, tried in order, e.g. `["x-real-ip"]`
       * or `["cf-connecting-ip"]`. Of a list (X-Forwarded-For) the last entry counts, the one
       * the nearest proxy added. Default none: the socket's address, or under Express
       * `req.ip`, which follows `app.set("trust proxy", …)`. Name a header only when a proxy
       * you control always sets it, else clients choose their own address.
       */
      ipAddressHeaders?: string[];
    };
  };
  logger?: Logger;
}

/** A rate-limit rule: at most `max` requests per `window` seconds per client address. */
export interface RateLimitRuleOptions {
  window: number;
  max: number;
}

/**
 * Rate limits (`rateLimit`), on by default in every environment.
 *
 * Per client address and path (an IPv6 client counts by its /64): a general rule for every
 * auth path, and stricter ones for paths that check a password or send mail. Defaults:
 *
 * | Paths | Window | Max |
 * | --- | --- | --- |
 * | every other path (`window`, `max`) | 10 s | 100 |
 * | `/sign-in/*`, `/sign-up/*`, `/change-password`, `/reset-password`, `/delete-user`; browser routes `/signup` and `/callback/<id>` of the password form and Credentials providers | 60 s | 10 |
 * | `/request-password-reset`, `/send-verification-email`, `/change-email`; browser `/signin/<id>` of Email providers | 60 s | 5 |
 *
 * Plugins add their own (username: `/sign-in/username` 3 per 10 s; magic link: 5 per minute).
 * Over the limit: `429 { code: "TOO_MANY_REQUESTS", message }` with `Retry-After` and
 * `X-Retry-After` (seconds). Paths are relative to where the routes are mounted (`basePath`
 * for the JSON API, the `ExpressAuth` mount for the browser routes).
 *
 * Per account: see {@link RateLimitOptions.passwordFailures}.
 *
 * Calls through `auth.api` skip the per-address rules (they come from your own server); the
 * per-account limits apply to them as well.
 */
export interface RateLimitOptions {
  /** Every limit here, per address and per account. Default true. */
  enabled?: boolean;
  /** Window of the general rule, in seconds. Default 10. */
  window?: number;
  /** Requests per window of the general rule. Default 100. */
  max?: number;
  /**
   * Rules by path: `{ "/sign-in/email": { window: 60, max: 3 } }`, a trailing `/*` for every
   * path under a prefix (`"/sign-in/*"`), or `false` to take a path out of every limit. They
   * replace the defaults' and plugins' rule for the same path; an exact path wins over a
   * prefix, a longer prefix over a shorter one.
   */
  customRules?: Record<string, RateLimitRuleOptions | false>;
  /**
   * Where the counters live. "memory" (default): this process only. "database": the
   * `rateLimit` table of `database` (create it with `auth.migrate()` / `npx gatehouse migrate`).
   * "redis": the client in `redis`. Database and Redis are shared by every instance and count
   * atomically.
   *
   * If the database or Redis cannot be reached (or takes over a second), requests are counted
   * in the process's memory instead: limits stay on, per process, and no request fails over
   * it or waits on it past that second. The outage is logged once (`logger.error`), its end once
   * (`logger.info`), and the shared store is used again as soon as it answers.
   */
  storage?: "memory" | "database" | "redis";
  /**
   * An ioredis client (`new Redis(url)`), for `storage: "redis"` (implied when given). Keys
   * start with `gatehouse:rate-limit:` (after the client's own `keyPrefix`). Gatehouse does
   * not close it.
   */
  redis?: RedisClientLike;
  /**
   * Per account: consecutive failed password sign-ins for one email (JSON `/sign-in/email`,
   * the username plugin, the browser password form and Credentials providers that take an
   * `email`), counted for unknown emails exactly as for known ones. After `slowDownAfter`
   * failures each attempt must wait (1 s, doubling per failure, at most 15 minutes) and is
   * answered `429 TOO_MANY_REQUESTS` with `Retry-After` until then, right password or not.
   * After `resetRequiredAfter` failures password sign-in answers
   * `403 PASSWORD_RESET_REQUIRED` until the password is reset (NIST SP 800-63B-4 §3.2.2: at
   * most 100 consecutive failures);
   * other sign-in methods keep working. A successful password sign-in, a password reset or a
   * password change clears the count; a count below the reset threshold is forgotten 30 days
   * after its last failure. Kept in the database (the `verification` table), so it survives
   * restarts and is shared by every instance. `false` turns it off.
   * Default `{ slowDownAfter: 5, resetRequiredAfter: 100 }`.
   */
  passwordFailures?: { slowDownAfter?: number; resetRequiredAfter?: number } | false;
}

/** Email message hook for tests and custom transports. */
export type { EmailMessage };

/** A session joined with its user, as `getSession` returns it. */
export interface SessionWithUser {
  session: SessionRecord;
  user: UserRecord;
  /** JWT strategy only: the session's claims (after `callbacks.jwt`). */
  token?: Record<string, unknown> | undefined;
}
