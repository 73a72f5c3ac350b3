import { baseSchema, mergeSchema, type SchemaExtension } from "./db/base-schema.js";
import type { Adapter } from "./db/adapter.js";
import { memoryAdapter } from "./db/memory-adapter.js";
import { resolveAdapter } from "./db/resolve-database.js";
import { Keyring } from "./crypto/signing.js";
import { dummyVerify, hashPassword, needsRehash, verifyPassword } from "./crypto/password.js";
import { createMailer } from "./email/mailer.js";
import { changeEmailVerification, resetPasswordEmail, verificationEmail } from "./email/templates.js";
import { jsonEndpoints } from "./dialects/json/endpoints.js";
import { oauthEndpoints } from "./dialects/json/oauth-endpoints.js";
import { ProviderClient } from "./providers/engine.js";
import { presets } from "./providers/registry.js";
import { fromSocialOptions, resolveProvider } from "./providers/resolve.js";
import type { CredentialsConfig, EmailConfig } from "./providers/types.js";
import { SessionManager } from "./session/manager.js";
import { normalizeOrigin } from "./http/origin.js";
import { rateLimitSchema } from "./http/rate-limit-database.js";
import { type Api, createApi } from "./core/api.js";
import type { AuthContext, MailHooks, PasswordPolicy } from "./core/context.js";
import type { AnyEndpoint } from "./core/endpoint.js";
import { createHandler } from "./core/handler.js";
import type { AuthHooks, DatabaseHooks } from "./core/hooks.js";
import type { PluginEndpoints } from "./core/plugin.js";
import type { AuthOptions, Logger, SessionWithUser } from "./core/options.js";
import type { UserRecord } from "./core/types.js";
import { Router } from "./core/router.js";
import { resolveRateLimit } from "./core/rate-limit-options.js";
import { resolveSecrets } from "./core/secret.js";
import { Store } from "./core/store.js";

/*
 * The composition root: createAuth wires the core (endpoint model, router, store) to the JSON
 * dialect's route table, the session manager, storage and mail. It sits above every layer so
 * that none of them imports another upward.
 */

/** The core endpoints every instance has. */
export type CoreEndpoints = typeof jsonEndpoints & typeof oauthEndpoints;

/** What `createAuth` returns. */
export interface Auth<Endpoints extends Record<string, AnyEndpoint> = CoreEndpoints> {
  /** Web handler: `Request` in, `Response` out. Mount it with `toNodeHandler(auth)`. */
  handler(request: Request): Promise<Response>;
  /** Every endpoint as a server-side function. */
  api: Api<Endpoints>;
  /** The options as given (never mutated). */
  options: AuthOptions;
  /** Resolved internals, for the Express glue and plugins. */
  $context: AuthContext;
  /** Creates missing tables, columns and indexes; returns the statements run. */
  migrate(): Promise<string[]>;
  /** The SQL `migrate()` would run now. */
  planMigration(): Promise<string[]>;
  /** Closes connections Gatehouse opened itself. */
  close(): Promise<void>;
}

const DAY = 86_400;

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new TypeError(`${name}: must be a non-negative number of seconds, got ${String(value)}`);
  }
  return value;
}

function resolveBaseURL(option: string | undefined, env: NodeJS.ProcessEnv): URL | undefined {
  const raw = option ?? env.AUTH_URL ?? env.BETTER_AUTH_URL;
  if (!raw) return undefined;
  try {
    const url = new URL(raw);
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error("scheme");
    return url;
  } catch {
    throw new TypeError(`baseURL: "${raw}" is not an absolute http(s) URL (e.g. "https://example.com")`);
  }
}

function resolveBasePath(option: string | undefined): string {
  const path = option ?? "/api/auth";
  if (
    typeof path !== "string" ||
    (path !== "" && !path.startsWith("/")) ||
    path.includes("?") ||
    path.includes("#")
  ) {
    throw new TypeError(`basePath: must start with "/" (e.g. "/api/auth"), got ${JSON.stringify(path)}`);
  }
  return path === "/" ? "" : path.replace(/\/+$/, "");
}

function resolveTrustedOrigins(
  option: string[] | undefined,
  env: NodeJS.ProcessEnv,
  baseURL: URL | undefined,
): string[] {
  const list = [
    ...(option ?? []),
    ...(env.AUTH_TRUSTED_ORIGINS ?? env.BETTER_AUTH_TRUSTED_ORIGINS ?? "").split(","),
  ]
    .map((s) => s.trim())
    .filter(Boolean);
  const out = list.map((entry, i) => {
    const origin = normalizeOrigin(entry);
    if (!origin) throw new TypeError(`trustedOrigins[${i}]: "${entry}" is not an http(s) origin`);
    return origin;
  });
  if (baseURL) out.push(baseURL.origin);
  return [...new Set(out)];
}

/**
 * Creates an auth instance. Options are validated here, once; a wrong option throws a
 * `TypeError` naming it.
 *
 * @example
 * const auth = createAuth({ database: new Database("auth.db"), emailAndPassword: { enabled: true } });
 * app.all("/api/auth/*", toNodeHandler(auth));
 */
export function createAuth<const Options extends AuthOptions>(
  options: Options = {} as Options,
): Auth<CoreEndpoints & PluginEndpoints<Options["plugins"]>> {
  if (options === null || typeof options !== "object")
    throw new TypeError("createAuth: options must be an object");
  const env = process.env;
  const production = env.NODE_ENV === "production";
  const logger: Logger = options.logger ?? console;
  const secrets = resolveSecrets(options.secret, env);
  const baseURL = resolveBaseURL(options.baseURL, env);
  const basePath = resolveBasePath(options.basePath);
  const trustHost =
    options.trustHost ?? ["1", "true"].includes(String(env.AUTH_TRUST_HOST ?? "").toLowerCase());
  const trustedOrigins = resolveTrustedOrigins(options.trustedOrigins, env, baseURL);

  const plugins = options.plugins ?? [];
  const seen = new Set<string>();
  for (const [i, plugin] of plugins.entries()) {
    if (!plugin || typeof plugin.id !== "string")
      throw new TypeError(`plugins[${i}]: not a plugin (missing id)`);
    if (seen.has(plugin.id)) throw new TypeError(`plugins[${i}]: plugin "${plugin.id}" is listed twice`);
    seen.add(plugin.id);
  }

  const extensions: SchemaExtension[] = [];
  if (options.user?.additionalFields) {
    extensions.push({
      user: {
        fields: Object.fromEntries(
          Object.entries(options.user.additionalFields).map(([k, f]) => [k, { input: true, ...f }]),
        ),
      },
    });
  }
  if (options.session?.additionalFields)
    extensions.push({ session: { fields: options.session.additionalFields } });
  for (const p of plugins) if (p.schema) extensions.push(p.schema);
  if (options.rateLimit?.storage === "database") extensions.push(rateLimitSchema);
  const schema = mergeSchema(baseSchema, ...extensions);

  const adapter: Adapter =
    options.database === undefined ? memoryAdapter(schema) : resolveAdapter(options.database, schema);
  const databaseHooks: DatabaseHooks[] = [
    options.databaseHooks ?? {},
    ...plugins.map((p) => p.databaseHooks ?? {}),
  ];
  // Auth.js's createUser and linkAccount events, told after the row is written. An event
  // cannot change the outcome: its errors are logged, not thrown.
  const events = options.events;
  const tell = async (name: string, fn: () => unknown): Promise<void> => {
    try {
      await fn();
    } catch (error) {
      (options.logger ?? console).error(`gatehouse: events.${name} threw`, error);
    }
  };
  if (events?.createUser || events?.linkAccount) {
    databaseHooks.push({
      user: events.createUser
        ? {
            create: {
              after: (user) => tell("createUser", () => events.createUser?.({ user: user as UserRecord })),
            },
          }
        : undefined,
      account: events.linkAccount
        ? {
            create: {
              after: async (row) => {
                if (row.providerId === "credential") return;
                await tell("linkAccount", () =>
                  events.linkAccount?.({
                    user: undefined,
                    account: {
                      provider: String(row.providerId),
                      providerAccountId: String(row.accountId),
                      type: providers.get(String(row.providerId))?.provider.type ?? "oauth",
                      userId: String(row.userId),
                    },
                  }),
                );
              },
            },
          }
        : undefined,
    });
  }
  const store = new Store(adapter, schema, databaseHooks);

  const s = options.session ?? {};
  const strategy = s.strategy ?? "database";
  if (strategy !== "database" && strategy !== "jwt")
    throw new TypeError(`session.strategy: must be "database" or "jwt", got ${JSON.stringify(strategy)}`);
  const sessionConfig = {
    strategy,
    expiresIn: positive("session.expiresIn", s.expiresIn, 7 * DAY),
    updateAge: positive("session.updateAge", s.updateAge, DAY),
    freshAge: positive("session.freshAge", s.freshAge, DAY),
    cookieCache: {
      enabled: s.cookieCache?.enabled === true,
      maxAge: positive("session.cookieCache.maxAge", s.cookieCache?.maxAge, 300),
    },
  };
  const sessions = new SessionManager(
    store,
    new Keyring(secrets, "session-token"),
    new Keyring(secrets, "session-data"),
    sessionConfig,
    secrets,
    options.callbacks?.jwt,
  );

  const ep = options.emailAndPassword;
  const minLen = ep?.minPasswordLength ?? 8;
  const maxLen = ep?.maxPasswordLength ?? 128;
  if (!Number.isInteger(minLen) || minLen < 1)
    throw new TypeError("emailAndPassword.minPasswordLength: must be a positive integer");
  if (!Number.isInteger(maxLen) || maxLen < minLen || maxLen > 4096) {
    throw new TypeError(
      "emailAndPassword.maxPasswordLength: must be an integer between minPasswordLength and 4096",
    );
  }
  if (ep?.rejectCommonPasswords !== undefined && typeof ep.rejectCommonPasswords !== "boolean")
    throw new TypeError("emailAndPassword.rejectCommonPasswords: must be a boolean");
  if (ep?.isPasswordCompromised !== undefined && typeof ep.isPasswordCompromised !== "function") {
    throw new TypeError(
      "emailAndPassword.isPasswordCompromised: must be a function (password) => Promise<boolean>",
    );
  }
  const customHash = ep?.password?.hash;
  const customVerify = ep?.password?.verify;
  const password: PasswordPolicy = {
    enabled: ep?.enabled === true,
    requireEmailVerification: ep?.requireEmailVerification === true,
    autoSignIn: ep?.autoSignIn !== false,
    minPasswordLength: minLen,
    maxPasswordLength: maxLen,
    rejectCommonPasswords: ep?.rejectCommonPasswords !== false,
    isPasswordCompromised: ep?.isPasswordCompromised,
    resetPassword: ep?.resetPassword !== false,
    resetPasswordTokenExpiresIn: positive(
      "emailAndPassword.resetPasswordTokenExpiresIn",
      ep?.resetPasswordTokenExpiresIn,
      3600,
    ),
    revokeSessionsOnPasswordReset: ep?.revokeSessionsOnPasswordReset !== false,
    hash: customHash ?? hashPassword,
    verify: customVerify ? (hash, plain) => customVerify({ hash, password: plain }) : verifyPassword,
    needsRehash: customHash ? () => false : needsRehash,
    dummyVerify: customVerify
      ? async (plain) => void (await customVerify({ hash: "x", password: plain }).catch(() => false))
      : dummyVerify,
  };
  const ev = options.emailVerification ?? {};
  const verification = {
    sendOnSignUp: ev.sendOnSignUp ?? password.requireEmailVerification,
    autoSignInAfterVerification: ev.autoSignInAfterVerification === true,
    expiresIn: positive("emailVerification.expiresIn", ev.expiresIn, 3600),
  };

  const appName = options.appName ?? "Gatehouse";
  const mailer = createMailer({
    from: options.email?.from ?? `${appName} <no-reply@localhost>`,
    transport: options.email?.transport,
    logger,
    production,
  });
  const needsResetMail = password.enabled && password.resetPassword && !ep?.sendResetPassword;
  const needsVerifyMail =
    (verification.sendOnSignUp || password.requireEmailVerification) && !ev.sendVerificationEmail;
  if (production && !mailer.configured && (needsResetMail || needsVerifyMail)) {
    const feature = needsVerifyMail ? "email verification" : "password reset";
    throw new TypeError(
      `email.transport: ${feature} sends mail, but no transport is configured. Set email.transport (an SMTP URL, a nodemailer transporter or a function)` +
        (needsVerifyMail
          ? ", or provide emailVerification.sendVerificationEmail."
          : ", provide emailAndPassword.sendResetPassword, or set emailAndPassword.resetPassword: false."),
    );
  }
  const mail: MailHooks = {
    async sendVerificationEmail(data, request) {
      if (ev.sendVerificationEmail) return ev.sendVerificationEmail(data, request);
      await mailer.send({
        to: data.user.email,
        ...verificationEmail({ url: data.url, user: data.user, appName }),
      });
    },
    async sendResetPassword(data, request) {
      if (ep?.sendResetPassword) return ep.sendResetPassword(data, request);
      await mailer.send({
        to: data.user.email,
        ...resetPasswordEmail({ url: data.url, user: data.user, appName }),
      });
    },
    async sendChangeEmailVerification(data) {
      await mailer.send({
        to: data.newEmail,
        ...changeEmailVerification({ url: data.url, user: data.user, newEmail: data.newEmail, appName }),
      });
    },
  };

  const providers = new Map<string, ProviderClient>();
  const credentialProviders = new Map<string, CredentialsConfig>();
  const emailProviders = new Map<string, EmailConfig>();
  const claimId = (id: unknown, where: string): string => {
    if (typeof id !== "string" || !/^[a-z0-9][a-z0-9_-]*$/i.test(id))
      throw new TypeError(
        `${where}: provider id must be letters, digits, "-" or "_", got ${JSON.stringify(id)}`,
      );
    if (providers.has(id) || credentialProviders.has(id) || emailProviders.has(id))
      throw new TypeError(`${where}: provider id "${id}" is configured twice`);
    return id;
  };
  const addProvider = (input: Parameters<typeof resolveProvider>[0], where: string) => {
    const resolved = resolveProvider(input, where, env);
    providers.set(claimId(resolved.id, where), new ProviderClient(resolved));
  };
  if (options.providers !== undefined && !Array.isArray(options.providers))
    throw new TypeError("providers: must be an array, e.g. [GitHub, Google({ clientId, clientSecret })]");
  for (const [i, p] of (options.providers ?? []).entries()) {
    const where = `providers[${i}]`;
    const config = typeof p === "function" ? p({}) : p;
    if (config && config.type === "credentials") {
      if (typeof config.authorize !== "function")
        throw new TypeError(`${where}: authorize must be a function`);
      credentialProviders.set(claimId(config.id, where), config);
    } else if (config && config.type === "email") {
      emailProviders.set(claimId(config.id, where), config);
    } else {
      addProvider(config as Parameters<typeof resolveProvider>[0], where);
    }
  }
  for (const [key, value] of Object.entries(options.socialProviders ?? {})) {
    if (!value || typeof value !== "object") throw new TypeError(`socialProviders.${key}: must be an object`);
    if ((value as { enabled?: unknown }).enabled === false) continue;
    addProvider(fromSocialOptions(key, value, presets), `socialProviders.${key}`);
  }
  const linking = options.account?.accountLinking ?? {};

  const endpoints: Record<string, AnyEndpoint> = { ...jsonEndpoints, ...oauthEndpoints };
  for (const p of plugins) {
    for (const [name, endpoint] of Object.entries(p.endpoints ?? {})) {
      if (name in endpoints)
        throw new TypeError(`plugins: "${p.id}" defines endpoint "${name}", which already exists`);
      endpoints[name] = endpoint;
    }
  }
  const hooks: AuthHooks[] = [options.hooks ?? {}, ...plugins.map((p) => p.hooks ?? {})];

  const rateLimit = resolveRateLimit(options.rateLimit, {
    plugins,
    adapter: options.database === undefined ? undefined : adapter,
    credentialProviders: [
      ...credentialProviders.keys(),
      ...(password.enabled && !credentialProviders.has("password") ? ["password"] : []),
    ],
    emailProviders: emailProviders.keys(),
    logger,
  });
  const ipAddressHeaders = options.advanced?.ipAddress?.ipAddressHeaders ?? [];
  if (!Array.isArray(ipAddressHeaders) || ipAddressHeaders.some((h) => typeof h !== "string" || !h.trim()))
    throw new TypeError(
      'advanced.ipAddress.ipAddressHeaders: must be a list of header names, e.g. ["x-real-ip"]',
    );

  const context: AuthContext = {
    options,
    appName,
    basePath,
    baseURL,
    trustHost,
    trustedOrigins,
    secrets,
    schema,
    adapter,
    store,
    sessions,
    mailer,
    mail,
    logger,
    password,
    verification,
    cookiePrefix: options.advanced?.cookiePrefix ?? "gatehouse",
    useSecureCookies: options.advanced?.useSecureCookies,
    disableOriginCheck: options.advanced?.disableOriginCheck === true,
    hooks,
    endpoints,
    production,
    rateLimitRules: rateLimit.rules,
    rateLimiter: rateLimit.limiter,
    ipAddressHeaders: ipAddressHeaders.map((h) => h.trim().toLowerCase()),
    passwordFailures: rateLimit.passwordFailures,
    providers,
    credentialProviders,
    emailProviders,
    accounts: {
      linkingEnabled: linking.enabled !== false,
      trustedProviders: new Set(linking.trustedProviders ?? []),
      allowDifferentEmails: linking.allowDifferentEmails === true,
      encryptTokens: options.account?.encryptOAuthTokens !== false,
    },
    errorMessages: Object.assign({}, ...plugins.map((p) => p.errorCodes ?? {})),
  };
  for (const p of plugins) p.init?.(context);
  const router = new Router(endpoints);
  return {
    handler: createHandler(context, router),
    api: createApi(context, endpoints) as Api<CoreEndpoints & PluginEndpoints<Options["plugins"]>>,
    options,
    $context: context,
    migrate: () => adapter.migrate(),
    planMigration: () => adapter.planMigration(),
    close: () => adapter.close(),
  };
}

export type { SessionWithUser };
