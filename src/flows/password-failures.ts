import type { AuthContext, PasswordFailurePolicy } from "../core/context.js";
import { AuthError } from "../core/errors.js";
import { sha256Hex } from "../crypto/hash.js";
import type { Adapter, Row } from "../db/adapter.js";

/*
 * Per-account limits on failed password sign-ins (`rateLimit.passwordFailures`).
 *
 * Where the count lives: a row of the `verification` model in the app's database, not the
 * rate-limit storage. The reset requirement (NIST SP 800-63B: at most 100 consecutive
 * failures) must outlive restarts, memory fallbacks and Redis evictions, and bind every
 * instance; only the database does all of that whenever one is configured. `verification` is
 * a core model every Gatehouse and Better Auth database already has (nothing to migrate), its
 * rows carry an expiry that the existing cleanup of expired rows honours, and without a
 * database the users themselves live in the same memory as the count.
 *
 * The row is reached by a fixed id derived from the normalized email, so the first failures
 * of two instances cannot make two rows (the second insert breaks the primary key and reads
 * again). Rows are written through the adapter, not the Store: they are bookkeeping, not user
 * data, and the app's `databaseHooks` on `verification` must not be able to refuse them.
 *
 * Every attempt is counted as a failure *before* the password is checked, by a
 * compare-and-set on the row; success then deletes the row. So concurrent attempts each take
 * their own place in the count, and a burst of parallel guesses gets no more tries than
 * sequential ones.
 */

const MODEL = "verification";
const DAY_MS = 86_400_000;
/** A count below the reset threshold is forgotten this long after its last failure. */
const FORGET_AFTER_MS = 30 * DAY_MS;
/** Longest wait between attempts, in seconds. */
const MAX_DELAY_S = 15 * 60;
/** Kept until a reset: the expiry of a count that reached the reset threshold. */
const NEVER = new Date(Date.UTC(9999, 0, 1));

interface FailureCount {
  /** Consecutive failures (attempts in flight included). */
  failures: number;
  /** When the last one started, epoch ms. */
  last: number;
}

/** An attempt that may go ahead: settle it with {@link passwordAttemptSucceeded} on success. */
export interface PasswordAttempt {
  readonly id: string;
}

function rowId(identifier: string): string {
  // 4 + 56 characters: fits the 64-character id columns of MySQL databases.
  return `pwf_${sha256Hex(`password-failures:${identifier}`).slice(0, 56)}`;
}

function parse(row: Row | null, now: number): FailureCount | null {
  if (!row) return null;
  if (row.expiresAt instanceof Date && row.expiresAt.getTime() <= now) return null;
  try {
    const value = JSON.parse(String(row.value)) as Partial<FailureCount>;
    if (typeof value.failures === "number" && typeof value.last === "number")
      return { failures: value.failures, last: value.last };
  } catch {
    // A row that is not ours to read counts as none.
  }
  return null;
}

/** Seconds an attempt must wait after `failures` consecutive failures (0: none). */
export function passwordFailureDelay(policy: PasswordFailurePolicy, failures: number): number {
  if (failures < policy.slowDownAfter) return 0;
  return Math.min(2 ** (failures - policy.slowDownAfter), MAX_DELAY_S);
}

function refuse(policy: PasswordFailurePolicy, count: FailureCount, now: number): AuthError | null {
  if (count.failures >= policy.resetRequiredAfter) return new AuthError(403, "PASSWORD_RESET_REQUIRED");
  const readyAt = count.last + passwordFailureDelay(policy, count.failures) * 1000;
  if (now >= readyAt) return null;
  const seconds = String(Math.max(1, Math.ceil((readyAt - now) / 1000)));
  return new AuthError(429, "TOO_MANY_REQUESTS", {
    headers: { "retry-after": seconds, "x-retry-after": seconds },
  });
}

async function write(
  adapter: Adapter,
  id: string,
  identifier: string,
  previous: { row: Row | null; value: FailureCount | null },
  next: FailureCount,
  policy: PasswordFailurePolicy,
): Promise<boolean> {
  const now = new Date();
  const data = {
    value: JSON.stringify(next),
    expiresAt: next.failures >= policy.resetRequiredAfter ? NEVER : new Date(next.last + FORGET_AFTER_MS),
    updatedAt: now,
  };
  if (!previous.row) {
    try {
      await adapter.create({
        model: MODEL,
        data: { id, identifier: `password-failures:${sha256Hex(identifier)}`, createdAt: now, ...data },
      });
      return true;
    } catch (error) {
      if ((error as { code?: unknown } | null)?.code === "UNIQUE_VIOLATION") return false;
      throw error;
    }
  }
  // Compare-and-set: applies only if nobody changed the row since it was read.
  const updated = await adapter.updateMany({
    model: MODEL,
    where: [
      { field: "id", value: id },
      { field: "value", value: previous.row.value },
    ],
    update: data,
  });
  return updated > 0;
}

/**
 * Takes a place for one password attempt on `identifier` (a normalized email), or refuses it:
 * `429 TOO_MANY_REQUESTS` (with Retry-After) while the slow-down runs, `403
 * PASSWORD_RESET_REQUIRED` once the reset threshold is reached. The same for known and
 * unknown identifiers. Returns null when per-account limits are off.
 */
export async function startPasswordAttempt(
  auth: AuthContext,
  identifier: string,
): Promise<PasswordAttempt | null> {
  const policy = auth.passwordFailures;
  if (!policy) return null;
  const { adapter } = auth.store;
  const id = rowId(identifier);
  // Each lost race means another attempt took a place, so this ends quickly; under a flood
  // on one account the attempt is refused rather than waited for.
  for (let round = 0; round < 32; round++) {
    const now = Date.now();
    const row = await adapter.findOne({ model: MODEL, where: [{ field: "id", value: id }] });
    const value = parse(row, now);
    const current = value ?? { failures: 0, last: 0 };
    const refusal = refuse(policy, current, now);
    if (refusal) throw refusal;
    if (
      await write(
        adapter,
        id,
        identifier,
        { row, value },
        { failures: current.failures + 1, last: now },
        policy,
      )
    )
      return { id };
  }
  throw new AuthError(429, "TOO_MANY_REQUESTS", { headers: { "retry-after": "1", "x-retry-after": "1" } });
}

/** The attempt's password was right: the count starts over. */
export async function passwordAttemptSucceeded(
  auth: AuthContext,
  attempt: PasswordAttempt | null,
): Promise<void> {
  if (attempt)
    await auth.store.adapter.deleteMany({ model: MODEL, where: [{ field: "id", value: attempt.id }] });
}

/** Clears the count of `identifier` (a normalized email): after a password reset or change. */
export async function clearPasswordFailures(auth: AuthContext, identifier: string): Promise<void> {
  await auth.store.adapter.deleteMany({ model: MODEL, where: [{ field: "id", value: rowId(identifier) }] });
}
