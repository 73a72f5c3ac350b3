import type { Row, Where } from "./adapter.js";
import { getField, normalizeValue, type ResolvedModel, splitWhere } from "./model-info.js";

function comparable(value: unknown): unknown {
  if (value instanceof Date) return value.getTime();
  if (typeof value === "boolean") return value ? 1 : 0;
  if (value !== null && typeof value === "object") return JSON.stringify(value);
  return value;
}

function matchOne(model: ResolvedModel, row: Row, where: Where): boolean {
  const field = getField(model, where.field);
  const operator = where.operator ?? "eq";
  const actual = comparable(row[field.name]);
  if (operator === "in" || operator === "not_in") {
    const list = Array.isArray(where.value) ? where.value : [where.value];
    if (actual === null) return false; // SQL: NULL IN (...) and NULL NOT IN (...) are not true
    const found = list.some((v) => comparable(normalizeValue(model, field, v)) === actual);
    return operator === "in" ? found : !found;
  }
  if (where.value === null || where.value === undefined) {
    if (operator === "eq") return actual === null;
    if (operator === "ne") return actual !== null;
  }
  if (actual === null) return false; // SQL three-valued logic: comparisons with NULL are not true
  if (operator === "contains" || operator === "starts_with" || operator === "ends_with") {
    const text = String(row[field.name]);
    const needle = String(where.value);
    if (operator === "contains") return text.includes(needle);
    return operator === "starts_with" ? text.startsWith(needle) : text.endsWith(needle);
  }
  const expected = comparable(normalizeValue(model, field, where.value)) as number | string;
  const a = actual as number | string;
  switch (operator) {
    case "eq":
      return a === expected;
    case "ne":
      return a !== expected;
    case "lt":
      return a < expected;
    case "lte":
      return a <= expected;
    case "gt":
      return a > expected;
    case "gte":
      return a >= expected;
    default:
      throw new TypeError(`adapter: unknown where operator "${String(operator)}"`);
  }
}

/**
 * Does `row` match `where`? Same rule as the SQL adapters: the AND group joined with AND,
 * then, if any, `AND (or1 OR or2 ...)`; comparisons against NULL are never true.
 */
export function matchesWhere(model: ResolvedModel, row: Row, where: Where[] | undefined): boolean {
  const { and, or } = splitWhere(where);
  if (!and.every((w) => matchOne(model, row, w))) return false;
  return or.length === 0 || or.some((w) => matchOne(model, row, w));
}

/** Compares two field values for sorting (nulls first, like SQLite and MySQL ascending). */
export function compareValues(a: unknown, b: unknown): number {
  const x = comparable(a);
  const y = comparable(b);
  if (x === y) return 0;
  if (x === null || x === undefined) return -1;
  if (y === null || y === undefined) return 1;
  return (x as number | string) < (y as number | string) ? -1 : 1;
}
