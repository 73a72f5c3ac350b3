import { type RawBuilder, sql } from "kysely";
import type { ResolvedField, ResolvedModel } from "./model-info.js";

/** The SQL engines the Kysely adapter supports. */
export type SqlDialect = "sqlite" | "postgres" | "mysql";

/**
 * Column type of a field per engine. SQLite: dates as integer milliseconds (they sort and
 * compare as numbers), booleans 0/1, JSON as text. PostgreSQL: timestamptz, boolean, JSON as
 * text (kept verbatim). MySQL: datetime(3) holding UTC, tinyint(1), varchar(255) for string
 * fields that are unique, indexed or references (text cannot be indexed), text otherwise.
 */
export function columnType(dialect: SqlDialect, field: ResolvedField): string {
  const d = field.definition;
  switch (field.type) {
    case "date":
      return dialect === "sqlite" ? "integer" : dialect === "postgres" ? "timestamptz" : "datetime(3)";
    case "boolean":
      return dialect === "sqlite" ? "integer" : dialect === "postgres" ? "boolean" : "tinyint(1)";
    case "number":
      return dialect === "sqlite" ? "real" : dialect === "postgres" ? "double precision" : "double";
    case "json":
      return dialect === "mysql" ? "mediumtext" : "text";
    default:
      if (dialect !== "mysql") return "text";
      if (field.name === "id") return "varchar(64)";
      return d.unique || d.index || d.references ? "varchar(255)" : "text";
  }
}

function mysqlDateText(date: Date): string {
  return date.toISOString().replace("T", " ").replace("Z", "");
}

/** Converts a normalized value (see `normalizeValue`) to what the engine stores. */
export function encodeValue(dialect: SqlDialect, field: ResolvedField, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (field.type) {
    case "date": {
      const date = value as Date;
      if (dialect === "sqlite") return date.getTime();
      return dialect === "postgres" ? date.toISOString() : mysqlDateText(date);
    }
    case "boolean":
      return dialect === "postgres" ? value : value ? 1 : 0;
    case "json":
      return JSON.stringify(value);
    default:
      return value;
  }
}

/** Converts what the engine returned back to the schema's type. */
export function decodeValue(field: ResolvedField, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (field.type) {
    case "date":
      if (value instanceof Date) return value;
      if (typeof value === "string" && !/[zZ]|[+-]\d\d:?\d\d$/.test(value.slice(10))) {
        return new Date(`${value.replace(" ", "T")}Z`); // MySQL datetime text, stored as UTC
      }
      return new Date(typeof value === "bigint" ? Number(value) : (value as string | number));
    case "boolean":
      return value === true || value === 1 || value === 1n || value === "1" || value === "t";
    case "number":
      return Number(value);
    case "json":
      return typeof value === "string" ? JSON.parse(value) : value;
    default:
      return typeof value === "string" ? value : String(value);
  }
}

/**
 * The select list of a model: every column aliased to its field name. MySQL dates are read as
 * text (`cast(... as char)`) so the driver's timezone setting cannot shift them.
 */
export function selectList(dialect: SqlDialect, model: ResolvedModel): RawBuilder<unknown> {
  return sql.join(model.fields.map((f) => sql`${readColumn(dialect, f)} as ${sql.id(f.name)}`));
}

/** How a column is read (`table.column` when a table alias is given); MySQL dates as text. */
export function readColumn(dialect: SqlDialect, field: ResolvedField, table?: string): RawBuilder<unknown> {
  const column = table ? sql.id(table, field.column) : sql.id(field.column);
  return dialect === "mysql" && field.type === "date" ? sql`cast(${column} as char)` : sql`${column}`;
}

/** Decodes a raw row selected with {@link selectList}. */
export function decodeRow(model: ResolvedModel, raw: Record<string, unknown>): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const field of model.fields) row[field.name] = decodeValue(field, raw[field.name]);
  return row;
}

/**
 * Decodes a row given as column values in the order of `model.fields`, starting at `offset`
 * (a query that selected several tables has one model's columns after another's).
 */
export function decodeValues(
  model: ResolvedModel,
  values: readonly unknown[],
  offset: number,
): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  const fields = model.fields;
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i]!;
    row[field.name] = decodeValue(field, values[offset + i]);
  }
  return row;
}
