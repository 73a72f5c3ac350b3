/**
 * The common-password check: is a password one of the 10,000 most common ones?
 *
 * The list (common-passwords-list.ts, about 77 kB) is imported on the first check, not when
 * Gatehouse loads, so a process that never sets a password never pays for it. It stays as the
 * one newline-separated string it ships as, plus a Uint32Array of where each entry starts; a
 * check is a binary search comparing characters in place, so it allocates nothing beyond the
 * lower-cased input and builds nothing per request.
 *
 * Comparison is case-insensitive: the list is lower-cased and so is the candidate, so
 * "Password1" and "PASSWORD1" are refused like "password1". Changing only the case of a common
 * password is among the first things a guessing attack tries.
 */

/** The loaded list: entries sorted by code unit, `starts[i]` where entry i begins in `text`. */
interface CommonPasswordTable {
  text: string;
  /** One more element than there are entries: the last is `text.length + 1`. */
  starts: Uint32Array;
}

let table: Promise<CommonPasswordTable> | undefined;

/** Loads the list once; later calls share the same promise. */
function loadTable(): Promise<CommonPasswordTable> {
  table ??= import("./common-passwords-list.js").then(
    ({ COMMON_PASSWORDS }) => indexList(COMMON_PASSWORDS),
    (error: unknown) => {
      // A failed load is retried on the next check rather than cached as a failure.
      table = undefined;
      throw error;
    },
  );
  return table;
}

/** Indexes a "\n"-separated list (leading and trailing newline allowed). */
function indexList(list: string): CommonPasswordTable {
  const text = list.trim();
  let count = 1;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) count++;
  const starts = new Uint32Array(count + 1);
  let entry = 1;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts[entry++] = i + 1;
  starts[count] = text.length + 1;
  return { text, starts };
}

/** Compares `candidate` with `text[start, end)` by code unit, like a sort would. */
function compareAt(candidate: string, text: string, start: number, end: number): number {
  const length = Math.min(candidate.length, end - start);
  for (let i = 0; i < length; i++) {
    const diff = candidate.charCodeAt(i) - text.charCodeAt(start + i);
    if (diff !== 0) return diff;
  }
  return candidate.length - (end - start);
}

/** True when `password`, lower-cased, is one of the 10,000 most common passwords. */
export async function isCommonPassword(password: string): Promise<boolean> {
  const { text, starts } = await loadTable();
  const candidate = password.toLowerCase();
  let low = 0;
  let high = starts.length - 2;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const order = compareAt(candidate, text, starts[middle]!, starts[middle + 1]! - 1);
    if (order === 0) return true;
    if (order < 0) high = middle - 1;
    else low = middle + 1;
  }
  return false;
}
