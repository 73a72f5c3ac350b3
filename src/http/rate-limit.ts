import { clientBucket } from "./client-bucket.js";
import type { RateLimitRules } from "./rate-limit-rules.js";

/** Where the limiter reports (an instance's `logger` fits). */
export interface RateLimitLogger {
  info(message: string, ...rest: unknown[]): void;
  warn(message: string, ...rest: unknown[]): void;
  error(message: string, ...rest: unknown[]): void;
}

/** One rate-limit rule: at most `max` requests per `window` seconds, per client and path. */
export interface RateLimitWindow {
  window: number;
  max: number;
}

/** Outcome of one check. */
export type RateLimitDecision = { allowed: true } | { allowed: false; retryAfter: number };

/**
 * Where request counters live. `count` adds one request to the counter `key`, which a store
 * creates with a lifetime of `ttlMs` (the rest of its window), and resolves to the count after
 * it. A store may stop counting once the count is past `max` (the answer stays above `max`).
 * Stores shared by several processes (database, Redis) must count atomically.
 */
export interface RateLimitStore {
  count(key: string, limits: { ttlMs: number; max: number }): Promise<number>;
}

interface Counter {
  count: number;
  expiresAt: number;
}

/** Counters in this process's memory: the default, and the fallback of shared stores. */
export class MemoryRateLimitStore implements RateLimitStore {
  private readonly counters = new Map<string, Counter>();
  private nextSweep = 0;

  async count(key: string, limits: { ttlMs: number }): Promise<number> {
    return this.countNow(key, limits.ttlMs, Date.now());
  }

  /** The synchronous core of {@link count}, with the clock passed in. */
  countNow(key: string, ttlMs: number, now: number): number {
    let counter = this.counters.get(key);
    if (!counter || counter.expiresAt <= now) {
      // Dead counters are dropped at most every 10 s, so the map cannot grow past the
      // windows in flight, and a busy map is not walked on every new key.
      if (now >= this.nextSweep) this.sweep(now);
      counter = { count: 0, expiresAt: now + ttlMs };
      this.counters.set(key, counter);
    }
    counter.count += 1;
    return counter.count;
  }

  private sweep(now: number): void {
    this.nextSweep = now + 10_000;
    for (const [key, counter] of this.counters) if (counter.expiresAt <= now) this.counters.delete(key);
  }
}

/** Validates a rule from options or a plugin; throws a TypeError naming it. */
export function checkRule(name: string, rule: RateLimitWindow): RateLimitWindow {
  const ok = (n: unknown): boolean => typeof n === "number" && Number.isFinite(n) && n > 0;
  if (!rule || !ok(rule.window) || !ok(rule.max)) {
    throw new TypeError(`${name}: a rule needs a positive "window" (seconds) and "max" (requests)`);
  }
  return { window: rule.window, max: Math.floor(rule.max) };
}

/** What the limiter needs to know about one routed request. */
export interface RateLimitRequest {
  /** The client's address (IPv4 or IPv6). */
  client: string;
  /** The mount path of the route table that matched ("/api/auth", "/auth"). */
  basePath: string;
  /** The matched route's path pattern, e.g. "/callback/:provider". */
  route: string;
  /** The route's params, decoded. */
  params: Readonly<Record<string, string>>;
}

/**
 * The per-client, per-path limiter of one auth instance, shared by its JSON API and browser
 * routes. Windows are fixed and aligned to the clock (a counter per client, path and window),
 * so any store only needs an atomic "add one, expiring at the end of the window".
 */
export class RateLimiter {
  private warnedNoClient = false;

  constructor(
    /** The rules, by path pattern. */
    readonly rules: RateLimitRules,
    private readonly store: RateLimitStore,
    private readonly logger: RateLimitLogger,
  ) {}

  /** Counts one request; refuses it when its window is full. */
  async hit(request: RateLimitRequest, now = Date.now()): Promise<RateLimitDecision> {
    const match = this.rules.match(request.route, request.params);
    if (!match) return { allowed: true };
    const { rule, bucket } = match;
    const windowMs = rule.window * 1000;
    const index = Math.floor(now / windowMs);
    const resetAt = (index + 1) * windowMs;
    const key = `${clientBucket(request.client)}|${request.basePath}${bucket}|${windowMs}:${index}`;
    const count = await this.store.count(key, { ttlMs: resetAt - now, max: rule.max });
    if (count <= rule.max) return { allowed: true };
    return { allowed: false, retryAfter: Math.max(1, Math.ceil((resetAt - now) / 1000)) };
  }

  /**
   * Told when a request arrives without a client address (the Web handler called directly,
   * not through toNodeHandler / ExpressAuth): such requests are not limited, and this says so
   * once.
   */
  noClientAddress(): void {
    if (this.warnedNoClient) return;
    this.warnedNoClient = true;
    this.logger.warn(
      "gatehouse: rate limits skip requests without a client address. Mount the handler with toNodeHandler(auth) or ExpressAuth, or name the header your proxy sets in advanced.ipAddress.ipAddressHeaders.",
    );
  }
}
