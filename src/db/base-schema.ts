import type { FieldDefinition, ModelDefinition, Schema } from "./schema.js";

const timestamps: Record<string, FieldDefinition> = {
  createdAt: { type: "date" },
  updatedAt: { type: "date" },
};

/** The four core models, with Better Auth's field names so existing databases line up. */
export const baseSchema: Schema = {
  user: {
    fields: {
      name: { type: "string" },
      email: { type: "string", unique: true },
      emailVerified: { type: "boolean", defaultValue: false },
      image: { type: "string", required: false },
      ...timestamps,
    },
  },
  session: {
    fields: {
      /** SHA-256 (hex) of the session token; the raw token exists only in the cookie. */
      token: { type: "string", unique: true },
      userId: {
        type: "string",
        index: true,
        references: { model: "user", field: "id", onDelete: "cascade" },
      },
      expiresAt: { type: "date" },
      ipAddress: { type: "string", required: false },
      userAgent: { type: "string", required: false },
      ...timestamps,
    },
  },
  account: {
    fields: {
      accountId: { type: "string" },
      providerId: { type: "string" },
      userId: {
        type: "string",
        index: true,
        references: { model: "user", field: "id", onDelete: "cascade" },
      },
      accessToken: { type: "string", required: false, returned: false },
      refreshToken: { type: "string", required: false, returned: false },
      idToken: { type: "string", required: false, returned: false },
      accessTokenExpiresAt: { type: "date", required: false },
      refreshTokenExpiresAt: { type: "date", required: false },
      scope: { type: "string", required: false },
      password: { type: "string", required: false, returned: false },
      ...timestamps,
    },
  },
  verification: {
    fields: {
      identifier: { type: "string", index: true },
      value: { type: "string" },
      expiresAt: { type: "date", index: true },
      ...timestamps,
    },
  },
};

/** Extra models and fields one contributor (an app or a plugin) adds. */
export type SchemaExtension = Record<string, { modelName?: string; fields: Record<string, FieldDefinition> }>;

/**
 * Merges extensions into a copy of the base schema. A field that already exists with another
 * type is a configuration error, named in the message.
 */
export function mergeSchema(base: Schema, ...extensions: SchemaExtension[]): Schema {
  const out: Schema = {};
  for (const [key, model] of Object.entries(base)) {
    out[key] = { ...model, fields: { ...model.fields } };
  }
  for (const ext of extensions) {
    for (const [key, model] of Object.entries(ext)) {
      const target: ModelDefinition = out[key] ?? { fields: {} };
      if (model.modelName) target.modelName = model.modelName;
      for (const [name, field] of Object.entries(model.fields)) {
        const existing = target.fields[name];
        if (existing && existing.type !== field.type) {
          throw new TypeError(
            `schema: field "${key}.${name}" is declared twice with different types (${existing.type}, ${field.type})`,
          );
        }
        target.fields[name] = { ...existing, ...field };
      }
      out[key] = target;
    }
  }
  return out;
}
