/** One rate-limit rule: at most `max` requests per `window` seconds, per client and path. */
export interface RateLimitWindow {
  window: number;
  max: number;
}

/** Outcome of one check. */
export type RateLimitDecision = { allowed: true } | { allowed: false; retryAfter: number };

interface Bucket {
  count: number;
  resetAt: number;
}

/**
 * Fixed-window counters kept in this process's memory. Enough for one process; shared storage
 * (database, Redis) comes with the rate-limit work of the security issue.
 */
export class MemoryRateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  /** Counts one request for `key` under `rule`; refuses it when the window is full. */
  hit(key: string, rule: RateLimitWindow, now = Date.now()): RateLimitDecision {
    let bucket = this.buckets.get(key);
    if (!bucket || bucket.resetAt <= now) {
      if (this.buckets.size > 10_000) this.sweep(now);
      bucket = { count: 0, resetAt: now + rule.window * 1000 };
      this.buckets.set(key, bucket);
    }
    bucket.count += 1;
    if (bucket.count > rule.max)
      return { allowed: false, retryAfter: Math.max(1, Math.ceil((bucket.resetAt - now) / 1000)) };
    return { allowed: true };
  }

  private sweep(now: number): void {
    for (const [key, bucket] of this.buckets) if (bucket.resetAt <= now) this.buckets.delete(key);
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
