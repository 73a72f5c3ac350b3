import { baseSchema, mergeSchema } from "../../src/db/base-schema.js";
import type { Schema } from "../../src/db/schema.js";

/** The base schema plus a model with every field type, a renamed table and a renamed column. */
export const contractSchema: Schema = mergeSchema(baseSchema, {
  item: {
    modelName: "gh_item",
    fields: {
      label: { type: "string" },
      note: { type: "string", required: false, fieldName: "note_text" },
      qty: { type: "number", required: false },
      flag: { type: "boolean", required: false },
      at: { type: "date", required: false, index: true },
      meta: { type: "json", required: false },
      code: { type: "string", required: false, unique: true },
    },
  },
});

/** The contract schema with fields added to `user`, as an app upgrade would. */
export const extendedSchema: Schema = mergeSchema(contractSchema, {
  user: {
    fields: {
      nickname: { type: "string", required: false },
      level: { type: "number", defaultValue: 1 },
      vip: { type: "boolean", defaultValue: false },
      handle: { type: "string", required: false, unique: true },
    },
  },
  note: {
    fields: {
      body: { type: "string" },
      userId: { type: "string", index: true, references: { model: "user", field: "id", onDelete: "cascade" } },
    },
  },
});

/** A random suffix for database / schema names of one test run. */
export function randomSuffix(): string {
  return Math.random().toString(36).slice(2, 10);
}
