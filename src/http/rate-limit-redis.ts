import type { RateLimitStore } from "./rate-limit.js";

/**
 * What Gatehouse needs of a Redis client: an ioredis `Redis` (or `Cluster`) instance fits.
 * Typed by shape, so the package does not load ioredis; apps without Redis never need it.
 */
export interface RedisClientLike {
  /** ioredis's connection state ("ready", "reconnecting", "end" ...). */
  readonly status?: string;
  eval(script: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
}

// INCR and the expiry in one script, so a counter can never be left without its expiry.
const COUNT_SCRIPT = `local n = redis.call("INCR", KEYS[1])
if n == 1 then redis.call("PEXPIRE", KEYS[1], ARGV[1]) end
return n`;

/** States in which ioredis would only queue a command until a reconnect that may not come. */
const DISCONNECTED = new Set(["reconnecting", "close", "end"]);

/**
 * Counters in Redis, shared by every instance using it: one atomic script per request (INCR,
 * and PEXPIRE to the end of the window on the first). Keys are `gatehouse:rate-limit:<key>`
 * (an ioredis `keyPrefix` goes in front).
 */
export class RedisRateLimitStore implements RateLimitStore {
  constructor(
    private readonly client: RedisClientLike,
    private readonly prefix = "gatehouse:rate-limit:",
  ) {}

  /** False while the client is disconnected: asking it then would only wait. */
  available(): boolean {
    const status = this.client.status;
    return status === undefined || !DISCONNECTED.has(status);
  }

  async count(key: string, limits: { ttlMs: number }): Promise<number> {
    const ttl = Math.max(1, Math.ceil(limits.ttlMs));
    const count = Number(await this.client.eval(COUNT_SCRIPT, 1, this.prefix + key, ttl));
    if (!Number.isFinite(count)) throw new Error(`unexpected answer from Redis: ${String(count)}`);
    return count;
  }
}
