/** Logical type of a field; adapters map it to a column type. */
export type FieldType = "string" | "number" | "boolean" | "date" | "json";

/** A field of a model. Every model also has an implicit string primary key `id`. */
export interface FieldDefinition {
  type: FieldType;
  /** Defaults to true. */
  required?: boolean;
  unique?: boolean;
  /** Create a (non-unique) index on this field. */
  index?: boolean;
  references?: { model: string; field: string; onDelete?: "cascade" | "set null" | "restrict" };
  /** Value used when create() gets none. A function is called per row. */
  defaultValue?: unknown;
  /** May a client set it through an endpoint (sign-up, update-user)? Defaults to true for additionalFields, false for core fields. */
  input?: boolean;
  /** Is it included in responses? Defaults to true. */
  returned?: boolean;
  /** Column name, when it differs from the field name. */
  fieldName?: string;
}

/** One model (table). */
export interface ModelDefinition {
  /** Table name, when it differs from the model key. */
  modelName?: string;
  fields: Record<string, FieldDefinition>;
}

/** The whole schema: model key -> definition. Plugins and apps extend it. */
export type Schema = Record<string, ModelDefinition>;
