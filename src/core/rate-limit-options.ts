import type { Adapter } from "../db/adapter.js";
import {
  checkRule,
  MemoryRateLimitStore,
  RateLimiter,
  type RateLimitStore,
  type RateLimitWindow,
} from "../http/rate-limit.js";
import { DatabaseRateLimitStore } from "../http/rate-limit-database.js";
import { FailoverRateLimitStore } from "../http/rate-limit-failover.js";
import { RedisRateLimitStore } from "../http/rate-limit-redis.js";
import { checkRulePath, defaultRules, GENERAL_RULE, RateLimitRules } from "../http/rate-limit-rules.js";
import type { PasswordFailurePolicy } from "./context.js";
import type { Logger, RateLimitOptions } from "./options.js";
import type { Plugin } from "./plugin.js";

/** What `rateLimit` resolves to, once, when `createAuth` runs. */
export interface ResolvedRateLimit {
  /** Rules by path (empty when off). */
  rules: ReadonlyMap<string, RateLimitWindow | false>;
  limiter: RateLimiter | undefined;
  passwordFailures: PasswordFailurePolicy | undefined;
}

function positiveInteger(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1)
    throw new TypeError(`${name}: must be a positive integer, got ${String(value)}`);
  return value;
}

function resolvePasswordFailures(
  option: RateLimitOptions["passwordFailures"],
): PasswordFailurePolicy | undefined {
  if (option === false) return undefined;
  if (option !== undefined && (option === null || typeof option !== "object"))
    throw new TypeError("rateLimit.passwordFailures: must be an object or false");
  const slowDownAfter = positiveInteger("rateLimit.passwordFailures.slowDownAfter", option?.slowDownAfter, 5);
  const resetRequiredAfter = positiveInteger(
    "rateLimit.passwordFailures.resetRequiredAfter",
    option?.resetRequiredAfter,
    100,
  );
  if (resetRequiredAfter <= slowDownAfter)
    throw new TypeError("rateLimit.passwordFailures: resetRequiredAfter must be greater than slowDownAfter");
  return { slowDownAfter, resetRequiredAfter };
}

function resolveStore(
  option: RateLimitOptions,
  adapter: Adapter | undefined,
  longestWindow: number,
  logger: Logger,
): RateLimitStore {
  const storage = option.storage ?? (option.redis !== undefined ? "redis" : "memory");
  if (storage === "memory") {
    if (option.redis !== undefined) throw new TypeError('rateLimit.redis: only used with storage "redis"');
    return new MemoryRateLimitStore();
  }
  if (storage === "database") {
    if (option.redis !== undefined) throw new TypeError('rateLimit.redis: only used with storage "redis"');
    if (!adapter)
      throw new TypeError(
        'rateLimit.storage: "database" needs the `database` option (the rateLimit table lives there)',
      );
    return new FailoverRateLimitStore(
      new DatabaseRateLimitStore(adapter, longestWindow * 1000),
      `the ${adapter.id} database`,
      logger,
    );
  }
  if (storage === "redis") {
    const client = option.redis;
    if (!client || typeof (client as { eval?: unknown }).eval !== "function")
      throw new TypeError(
        'rateLimit.redis: storage "redis" needs an ioredis client, e.g. new Redis(process.env.REDIS_URL)',
      );
    return new FailoverRateLimitStore(new RedisRateLimitStore(client), "Redis", logger);
  }
  throw new TypeError(
    `rateLimit.storage: must be "memory", "database" or "redis", got ${JSON.stringify(storage)}`,
  );
}

/**
 * Resolves `rateLimit`: the rule table (defaults, then plugins' rules, then `customRules`), the
 * store and the per-account policy. A wrong option throws a TypeError naming it.
 */
export function resolveRateLimit(
  option: RateLimitOptions | undefined,
  deps: {
    plugins: readonly Plugin[];
    /** The app's database, when one is configured. */
    adapter: Adapter | undefined;
    /** Provider ids whose browser callback checks credentials. */
    credentialProviders: Iterable<string>;
    /** Email provider ids (their browser sign-in sends mail). */
    emailProviders: Iterable<string>;
    logger: Logger;
  },
): ResolvedRateLimit {
  if (option !== undefined && (option === null || typeof option !== "object"))
    throw new TypeError("rateLimit: must be an object, e.g. { enabled: true }");
  const o = option ?? {};
  if (o.enabled !== undefined && typeof o.enabled !== "boolean")
    throw new TypeError("rateLimit.enabled: must be a boolean");
  const general = checkRule("rateLimit", {
    window: o.window ?? GENERAL_RULE.window,
    max: o.max ?? GENERAL_RULE.max,
  });
  const rules = new Map<string, RateLimitWindow | false>(
    defaultRules({ credentials: deps.credentialProviders, email: deps.emailProviders }),
  );
  for (const p of deps.plugins) {
    for (const [i, rule] of (p.rateLimit ?? []).entries()) {
      const where = `plugins: "${p.id}" rateLimit[${i}]`;
      rules.set(checkRulePath(where, rule.path), checkRule(where, rule));
    }
  }
  if (o.customRules !== undefined && (o.customRules === null || typeof o.customRules !== "object"))
    throw new TypeError(
      'rateLimit.customRules: must be an object, e.g. { "/sign-in/email": { window: 60, max: 5 } }',
    );
  for (const [path, rule] of Object.entries(o.customRules ?? {})) {
    const where = `rateLimit.customRules["${path}"]`;
    rules.set(checkRulePath(where, path), rule === false ? false : checkRule(where, rule));
  }
  const passwordFailures = resolvePasswordFailures(o.passwordFailures);
  const table = new RateLimitRules(rules, general);
  const store = resolveStore(o, deps.adapter, table.longestWindow, deps.logger);
  if (o.enabled === false) return { rules: new Map(), limiter: undefined, passwordFailures: undefined };
  return { rules, limiter: new RateLimiter(table, store, deps.logger), passwordFailures };
}
