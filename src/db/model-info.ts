import type { Row, Where } from "./adapter.js";
import type { FieldDefinition, FieldType, Schema } from "./schema.js";

/** A field as adapters see it: logical name, column name and definition. */
export interface ResolvedField {
  name: string;
  column: string;
  type: FieldType;
  definition: FieldDefinition;
}

/** A model as adapters see it: logical key, table name and fields (the implicit `id` first). */
export interface ResolvedModel {
  key: string;
  table: string;
  fields: ResolvedField[];
  byName: Map<string, ResolvedField>;
}

const ID_FIELD: FieldDefinition = { type: "string", required: true, unique: true };

/** Resolves every model of a schema once, so adapters look names up in maps. */
export function resolveSchema(schema: Schema): Map<string, ResolvedModel> {
  const out = new Map<string, ResolvedModel>();
  for (const [key, model] of Object.entries(schema)) {
    const fields: ResolvedField[] = [{ name: "id", column: "id", type: "string", definition: ID_FIELD }];
    for (const [name, definition] of Object.entries(model.fields)) {
      if (name === "id") continue;
      fields.push({ name, column: definition.fieldName ?? name, type: definition.type, definition });
    }
    out.set(key, {
      key,
      table: model.modelName ?? key,
      fields,
      byName: new Map(fields.map((f) => [f.name, f])),
    });
  }
  return out;
}

/** Looks a model up; an unknown name is misuse and throws a TypeError naming it. */
export function getModel(models: Map<string, ResolvedModel>, name: string): ResolvedModel {
  const model = models.get(name);
  if (!model) {
    throw new TypeError(`adapter: unknown model "${name}" (known: ${[...models.keys()].join(", ")})`);
  }
  return model;
}

/** Looks a field up; an unknown name is misuse and throws a TypeError naming it. */
export function getField(model: ResolvedModel, name: string): ResolvedField {
  const field = model.byName.get(name);
  if (!field) throw new TypeError(`adapter: unknown field "${model.key}.${name}"`);
  return field;
}

/** Checks every field a where clause names, before any query is built. */
export function checkWhere(model: ResolvedModel, where: Where[] | undefined): void {
  for (const w of where ?? []) getField(model, w.field);
}

/**
 * Brings a value to the type the schema declares: Date for dates, boolean, number, a deep copy
 * of JSON; `undefined` and `null` become `null`. Values that cannot be converted throw a TypeError.
 */
export function normalizeValue(model: ResolvedModel, field: ResolvedField, value: unknown): unknown {
  if (value === undefined || value === null) return null;
  switch (field.type) {
    case "date": {
      const date = value instanceof Date ? new Date(value.getTime()) : new Date(value as string | number);
      if (Number.isNaN(date.getTime())) {
        throw new TypeError(`adapter: "${model.key}.${field.name}" expects a date, got ${String(value)}`);
      }
      return date;
    }
    case "boolean":
      return value === true || value === 1 || value === "1" || value === "true" || value === 1n;
    case "number": {
      const n = Number(value);
      if (Number.isNaN(n)) {
        throw new TypeError(`adapter: "${model.key}.${field.name}" expects a number, got ${String(value)}`);
      }
      return n;
    }
    case "json":
      return structuredClone(value);
    default:
      return typeof value === "string" ? value : String(value);
  }
}

/**
 * Completes a row for `create`: applies `defaultValue`s, normalizes values, fills missing
 * optional fields with null. Unknown fields, a missing `id` or a missing required field throw.
 */
export function prepareCreate(model: ResolvedModel, data: Row): Row {
  for (const name of Object.keys(data)) getField(model, name);
  if (typeof data.id !== "string" || data.id === "") {
    throw new TypeError(`adapter: create("${model.key}") needs a non-empty string id`);
  }
  const row: Row = {};
  for (const field of model.fields) {
    let value = data[field.name];
    const fallback = field.definition.defaultValue;
    if ((value === undefined || value === null) && fallback !== undefined) {
      value = typeof fallback === "function" ? (fallback as () => unknown)() : fallback;
    }
    row[field.name] = normalizeValue(model, field, value);
    if (row[field.name] === null && field.definition.required !== false) {
      throw new TypeError(`adapter: create("${model.key}") is missing required field "${field.name}"`);
    }
  }
  return row;
}

/** Normalizes an `update` object, checking its field names. */
export function prepareUpdate(model: ResolvedModel, update: Row): Row {
  const out: Row = {};
  for (const [name, value] of Object.entries(update)) {
    if (value === undefined) continue;
    out[name] = normalizeValue(model, getField(model, name), value);
  }
  return out;
}

/**
 * Splits where clauses into the AND group and the OR group. The rule: every condition whose
 * connector is "OR" goes to the OR group; the others to the AND group; the result is
 * `(and1 AND and2 ...) AND (or1 OR or2 ...)`, an empty group being true.
 */
export function splitWhere(where: Where[] | undefined): { and: Where[]; or: Where[] } {
  const and: Where[] = [];
  const or: Where[] = [];
  for (const w of where ?? []) (w.connector === "OR" ? or : and).push(w);
  return { and, or };
}
