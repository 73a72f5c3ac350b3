import type { Adapter, JoinedRow, JoinSpec, Row, Where } from "../db/adapter.js";
import { joinByLookups } from "../db/join-by-lookups.js";
import type { Schema } from "../db/schema.js";
import { generateId } from "../crypto/random.js";
import type { DatabaseHooks, HookedModel } from "./hooks.js";
import { AuthError } from "./errors.js";

/**
 * The adapter plus what every write needs: ids, timestamps, schema defaults and the
 * `databaseHooks` of the app and its plugins. Flows write through a Store, never the adapter.
 */
export class Store {
  constructor(
    readonly adapter: Adapter,
    private readonly schema: Schema,
    private readonly hooks: readonly DatabaseHooks[],
  ) {}

  /** Runs `fn` in one transaction with a Store bound to it. */
  transaction<R>(fn: (store: Store) => Promise<R>): Promise<R> {
    return this.adapter.transaction((tx) => fn(new Store(tx, this.schema, this.hooks)));
  }

  /** Creates a row: fills id, timestamps and defaults, runs create hooks. */
  async create(model: string, data: Row): Promise<Row> {
    const definition = this.schema[model];
    if (!definition) throw new TypeError(`unknown model "${model}"`);
    const now = new Date();
    let row: Row = { id: generateId() };
    for (const [name, field] of Object.entries(definition.fields)) {
      if (field.defaultValue !== undefined) {
        row[name] = typeof field.defaultValue === "function" ? field.defaultValue() : field.defaultValue;
      } else if (field.required === false) {
        row[name] = null;
      }
    }
    if ("createdAt" in definition.fields) row.createdAt = now;
    if ("updatedAt" in definition.fields) row.updatedAt = now;
    row = { ...row, ...stripUndefined(data) };
    for (const hooks of this.hooksFor(model)) {
      const result = await hooks.create?.before?.(row, { db: this });
      if (result === false)
        throw new AuthError(422, "FORBIDDEN", { message: `creating ${model} was refused` });
      if (result && typeof result === "object") row = { ...row, ...result.data };
    }
    const created = await this.adapter.create({ model, data: row });
    for (const hooks of this.hooksFor(model)) await hooks.create?.after?.(created);
    return created;
  }

  findOne(model: string, where: Where[]): Promise<Row | null> {
    return this.adapter.findOne({ model, where });
  }

  /** A row and the row its `join.on` field references, in one query where the adapter can. */
  findOneWithJoin(model: string, where: Where[], join: JoinSpec): Promise<JoinedRow | null> {
    return this.adapter.findOneWithJoin
      ? this.adapter.findOneWithJoin({ model, where, join })
      : joinByLookups(this.adapter, { model, where, join });
  }

  findMany(
    model: string,
    where: Where[],
    options: { limit?: number; sortBy?: { field: string; direction: "asc" | "desc" } } = {},
  ): Promise<Row[]> {
    return this.adapter.findMany({ model, where, ...options });
  }

  /** Updates the first matching row; sets updatedAt; runs update hooks. */
  async update(model: string, where: Where[], update: Row): Promise<Row | null> {
    let data: Row = stripUndefined(update);
    if (this.schema[model]?.fields.updatedAt && data.updatedAt === undefined) data.updatedAt = new Date();
    for (const hooks of this.hooksFor(model)) {
      const result = await hooks.update?.before?.(data, { where, db: this });
      if (result === false)
        throw new AuthError(422, "FORBIDDEN", { message: `updating ${model} was refused` });
      if (result && typeof result === "object") data = { ...data, ...result.data };
    }
    const row = await this.adapter.update({ model, where, update: data });
    if (row) for (const hooks of this.hooksFor(model)) await hooks.update?.after?.(row);
    return row;
  }

  updateMany(model: string, where: Where[], update: Row): Promise<number> {
    return this.adapter.updateMany({ model, where, update: stripUndefined(update) });
  }

  /** Deletes matching rows one by one when delete hooks exist, else in one statement. */
  async deleteMany(model: string, where: Where[]): Promise<number> {
    const hooks = this.hooksFor(model).filter((h) => h.delete);
    if (hooks.length === 0) return this.adapter.deleteMany({ model, where });
    const rows = await this.adapter.findMany({ model, where });
    let count = 0;
    for (const row of rows) {
      if (await this.deleteRow(model, row, hooks)) count++;
    }
    return count;
  }

  /** Deletes the first matching row; returns it, or null when nothing matched or a hook refused. */
  async delete(model: string, where: Where[]): Promise<Row | null> {
    const row = await this.adapter.findOne({ model, where });
    if (!row) return null;
    return (await this.deleteRow(model, row, this.hooksFor(model))) ? row : null;
  }

  count(model: string, where: Where[] = []): Promise<number> {
    return this.adapter.count({ model, where });
  }

  private async deleteRow(
    model: string,
    row: Row,
    hooks: readonly import("./hooks.js").ModelHooks[],
  ): Promise<boolean> {
    for (const h of hooks) {
      if ((await h.delete?.before?.(row, { where: [{ field: "id", value: row.id }], db: this })) === false)
        return false;
    }
    const removed = await this.adapter.deleteMany({ model, where: [{ field: "id", value: row.id }] });
    if (removed === 0) return false;
    for (const h of hooks) await h.delete?.after?.(row);
    return true;
  }

  private hooksFor(model: string): import("./hooks.js").ModelHooks[] {
    const out = [];
    for (const set of this.hooks) {
      const h = set[model as HookedModel];
      if (h) out.push(h);
    }
    return out;
  }
}

function stripUndefined(data: Row): Row {
  const out: Row = {};
  for (const [k, v] of Object.entries(data)) if (v !== undefined) out[k] = v;
  return out;
}

/** Removes fields declared `returned: false` (password hashes, tokens) from a row. */
export function publicRow(schema: Schema, model: string, row: Row): Row {
  const fields = schema[model]?.fields ?? {};
  const out: Row = {};
  for (const [k, v] of Object.entries(row)) {
    if (fields[k]?.returned === false) continue;
    out[k] = v;
  }
  return out;
}
