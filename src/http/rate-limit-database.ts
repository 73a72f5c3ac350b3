import { generateId } from "../crypto/random.js";
import type { Adapter } from "../db/adapter.js";
import type { SchemaExtension } from "../db/base-schema.js";
import type { RateLimitStore } from "./rate-limit.js";

const MODEL = "rateLimit";

/**
 * The `rateLimit` model, added to the schema (and so to migrations) when
 * `rateLimit.storage` is "database". Better Auth's table and field names: `key`, `count`,
 * `lastRequest` (epoch milliseconds). Here a key names one client, path and window.
 */
export const rateLimitSchema: SchemaExtension = {
  [MODEL]: {
    fields: {
      key: { type: "string", unique: true },
      count: { type: "number" },
      lastRequest: { type: "number", index: true },
    },
  },
};

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === "UNIQUE_VIOLATION";
}

/**
 * Counters in the app's database, shared by every instance using it. Counting is a
 * compare-and-set through the Adapter interface: the update applies only while `count` still
 * holds the value read, and a lost race reads again. Every engine does that atomically, so
 * concurrent instances never lose a request; the first request of a window is an insert, and
 * a duplicate insert (the unique `key`) reads again too.
 */
export class DatabaseRateLimitStore implements RateLimitStore {
  private nextCleanup = 0;

  constructor(
    private readonly adapter: Adapter,
    /** Rows idle for longer than this belong to finished windows and are deleted. */
    private readonly longestWindowMs: number,
  ) {}

  async count(key: string, limits: { max: number }): Promise<number> {
    const now = Date.now();
    this.cleanup(now);
    const where = [{ field: "key", value: key }];
    // Each lost race means another request was counted, so this ends within max + 1 rounds.
    for (let round = 0; round < limits.max + 16; round++) {
      const row = await this.adapter.findOne({ model: MODEL, where });
      if (!row) {
        try {
          await this.adapter.create({
            model: MODEL,
            data: { id: generateId(), key, count: 1, lastRequest: now },
          });
          return 1;
        } catch (error) {
          if (isUniqueViolation(error)) continue;
          throw error;
        }
      }
      const count = Number(row.count);
      // Past the limit the request is refused anyway: no write.
      if (count > limits.max) return count;
      const updated = await this.adapter.updateMany({
        model: MODEL,
        where: [...where, { field: "count", value: count }],
        update: { count: count + 1, lastRequest: now },
      });
      if (updated > 0) return count + 1;
    }
    return limits.max + 1;
  }

  /** Deletes counters of finished windows, at most once a minute, without holding the request. */
  private cleanup(now: number): void {
    if (now < this.nextCleanup) return;
    this.nextCleanup = now + 60_000;
    this.adapter
      .deleteMany({
        model: MODEL,
        where: [{ field: "lastRequest", value: now - this.longestWindowMs, operator: "lt" }],
      })
      .catch(() => {
        // A failed cleanup is retried a minute later; the counting itself reports outages.
      });
  }
}
