import { type RawBuilder, type SqlBool, sql } from "kysely";
import type { Where } from "./adapter.js";
import { getField, normalizeValue, type ResolvedModel, splitWhere } from "./model-info.js";
import { encodeValue, type SqlDialect } from "./sql-dialect.js";

const COMPARISON = { eq: "=", ne: "<>", lt: "<", lte: "<=", gt: ">", gte: ">=" } as const;

/** Escapes LIKE metacharacters with `!`, an escape character every engine reads the same way. */
function likePattern(value: unknown, operator: "contains" | "starts_with" | "ends_with"): string {
  const text = String(value).replace(/[!%_]/g, (c) => `!${c}`);
  if (operator === "contains") return `%${text}%`;
  return operator === "starts_with" ? `${text}%` : `%${text}`;
}

function condition(dialect: SqlDialect, model: ResolvedModel, where: Where): RawBuilder<SqlBool> {
  const field = getField(model, where.field);
  const column = sql.id(field.column);
  const operator = where.operator ?? "eq";
  const encode = (v: unknown): unknown => encodeValue(dialect, field, normalizeValue(model, field, v));
  switch (operator) {
    case "in":
    case "not_in": {
      const list = (Array.isArray(where.value) ? where.value : [where.value]).map(encode);
      if (list.length === 0)
        return operator === "in" ? sql<SqlBool>`1 = 0` : sql<SqlBool>`${column} is not null`;
      const values = sql.join(list);
      return operator === "in"
        ? sql<SqlBool>`${column} in (${values})`
        : sql<SqlBool>`${column} not in (${values})`;
    }
    case "contains":
    case "starts_with":
    case "ends_with":
      return sql<SqlBool>`${column} like ${likePattern(where.value, operator)} escape '!'`;
    case "eq":
    case "ne":
    case "lt":
    case "lte":
    case "gt":
    case "gte": {
      if (where.value === null || where.value === undefined) {
        if (operator === "eq") return sql<SqlBool>`${column} is null`;
        if (operator === "ne") return sql<SqlBool>`${column} is not null`;
        throw new TypeError(
          `adapter: operator "${operator}" cannot compare "${model.key}.${field.name}" with null`,
        );
      }
      return sql<SqlBool>`${column} ${sql.raw(COMPARISON[operator])} ${encode(where.value)}`;
    }
    default:
      throw new TypeError(`adapter: unknown where operator "${String(operator)}"`);
  }
}

/**
 * Builds the WHERE expression, or null when there are no conditions. Grouping rule (the same
 * in every adapter): conditions whose connector is "OR" form the OR group, all others the AND
 * group; the result is `(and1 AND and2 ...) AND (or1 OR or2 ...)`.
 */
export function buildWhere(
  dialect: SqlDialect,
  model: ResolvedModel,
  where: Where[] | undefined,
): RawBuilder<SqlBool> | null {
  const { and, or } = splitWhere(where);
  const parts = and.map((w) => condition(dialect, model, w));
  if (or.length > 0) {
    parts.push(
      sql<SqlBool>`(${sql.join(
        or.map((w) => condition(dialect, model, w)),
        sql` or `,
      )})`,
    );
  }
  if (parts.length === 0) return null;
  return sql<SqlBool>`(${sql.join(parts, sql` and `)})`;
}

/**
 * The encoded parameter of an equality condition, exactly as {@link buildWhere} binds it; for
 * the adapter's precompiled point lookups.
 */
export function encodeEquality(dialect: SqlDialect, model: ResolvedModel, where: Where): unknown {
  const field = getField(model, where.field);
  return encodeValue(dialect, field, normalizeValue(model, field, where.value));
}
