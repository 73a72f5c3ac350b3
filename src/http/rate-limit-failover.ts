import { MemoryRateLimitStore, type RateLimitLogger, type RateLimitStore } from "./rate-limit.js";

/** A shared store that may know it is unreachable before it is asked. */
export interface SharedRateLimitStore extends RateLimitStore {
  available?(): boolean;
}

/** How long a shared store may take to count one request before the fallback answers. */
const TIMEOUT_MS = 1000;

/**
 * A shared store (database, Redis) with this process's memory behind it. When the shared store
 * fails, is disconnected or takes longer than a second, the request is counted in memory
 * instead: limits stay on, per process, and no request fails over it or waits on it past that
 * second (fail open to local limits). The outage is logged once, and its end once; every request
 * tries the shared store again, so recovery needs nothing.
 */
export class FailoverRateLimitStore implements RateLimitStore {
  private readonly fallback = new MemoryRateLimitStore();
  private down = false;

  constructor(
    private readonly shared: SharedRateLimitStore,
    private readonly name: string,
    private readonly logger: RateLimitLogger,
  ) {}

  async count(key: string, limits: { ttlMs: number; max: number }): Promise<number> {
    if (this.shared.available && !this.shared.available()) {
      this.markDown(new Error(`${this.name} is not connected`));
      return this.fallback.count(key, limits);
    }
    let timer: NodeJS.Timeout | undefined;
    try {
      const count = await Promise.race([
        this.shared.count(key, limits),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`${this.name} took over ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
          timer.unref();
        }),
      ]);
      if (this.down) {
        this.down = false;
        this.logger.info(`gatehouse: rate limits are kept in ${this.name} again`);
      }
      return count;
    } catch (error) {
      this.markDown(error);
      return this.fallback.count(key, limits);
    } finally {
      clearTimeout(timer);
    }
  }

  private markDown(error: unknown): void {
    if (this.down) return;
    this.down = true;
    this.logger.error(
      `gatehouse: rate-limit storage (${this.name}) is unavailable; counting in this process's memory until it is back`,
      error,
    );
  }
}
