/**
 * A map that keeps at most `limit` entries, dropping the oldest insert when full. For values
 * that are pure functions of their key (a verified cookie value and what it decodes to), so a
 * forgotten entry only costs recomputing it.
 */
export class BoundedMemo<V> {
  readonly #entries = new Map<string, V>();

  /** @param limit The most entries kept (at least 1). */
  constructor(private readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new TypeError("BoundedMemo: limit must be a positive integer");
  }

  /** The value kept for `key`, if any. */
  get(key: string): V | undefined {
    return this.#entries.get(key);
  }

  /** Keeps `value` for `key`, first dropping the oldest entry when the memo is full. */
  set(key: string, value: V): void {
    if (this.#entries.size >= this.limit && !this.#entries.has(key)) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    this.#entries.set(key, value);
  }

  /** How many entries are kept now. */
  get size(): number {
    return this.#entries.size;
  }
}
