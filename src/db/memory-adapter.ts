import type { Adapter, Row, Where } from "./adapter.js";
import { UniqueViolationError } from "./errors.js";
import { joinByLookups } from "./join-by-lookups.js";
import { compareValues, matchesWhere } from "./memory-where.js";
import {
  checkWhere,
  getField,
  getModel,
  prepareCreate,
  prepareUpdate,
  type ResolvedModel,
  resolveSchema,
} from "./model-info.js";
import type { Schema } from "./schema.js";

type Store = Map<string, Map<string, Row>>;

/**
 * An adapter that keeps rows in process memory: for tests and demos, never for production.
 * It enforces unique fields (throwing {@link UniqueViolationError}), applies `onDelete` of
 * references, returns copies, and rolls a transaction back by restoring a snapshot. Writes
 * and transactions are serialized, so a rollback never undoes another caller's write, and
 * reads from outside an open transaction wait for it, so they never see rows it may undo.
 */
export function memoryAdapter(schema: Schema): Adapter {
  const models = resolveSchema(schema);
  const store: Store = new Map([...models.keys()].map((key) => [key, new Map()]));

  const tableOf = (model: ResolvedModel): Map<string, Row> => store.get(model.key)!;

  const select = (model: ResolvedModel, where: Where[] | undefined): Row[] => {
    checkWhere(model, where);
    return [...tableOf(model).values()].filter((row) => matchesWhere(model, row, where));
  };

  const checkUnique = (model: ResolvedModel, row: Row): void => {
    for (const field of model.fields) {
      if (!field.definition.unique || row[field.name] === null) continue;
      for (const other of tableOf(model).values()) {
        if (other.id !== row.id && compareValues(other[field.name], row[field.name]) === 0) {
          throw new UniqueViolationError(`unique constraint violated: ${model.key}.${field.name}`);
        }
      }
    }
  };

  const onDelete = (model: ResolvedModel, row: Row): void => {
    for (const other of models.values()) {
      for (const field of other.fields) {
        const ref = field.definition.references;
        if (!ref || ref.model !== model.key) continue;
        const key = row[getField(model, ref.field).name];
        for (const child of [...tableOf(other).values()]) {
          if (compareValues(child[field.name], key) !== 0) continue;
          if (ref.onDelete === "cascade") {
            tableOf(other).delete(child.id as string);
            onDelete(other, child);
          } else if (ref.onDelete === "set null") {
            child[field.name] = null;
          } else {
            throw new Error(`foreign key violated: ${other.key}.${field.name} references ${model.key}`);
          }
        }
      }
    }
  };

  const applyUpdate = (model: ResolvedModel, row: Row, update: Row): Row => {
    const next = { ...row, ...update };
    checkUnique(model, next);
    if (next.id !== row.id) tableOf(model).delete(row.id as string);
    tableOf(model).set(next.id as string, next);
    return next;
  };

  const remove = (model: ResolvedModel, where: Where[], options: { onlyFirst: boolean }): number => {
    const rows = select(model, where);
    const doomed = options.onlyFirst ? rows.slice(0, 1) : rows;
    for (const row of doomed) {
      tableOf(model).delete(row.id as string);
      onDelete(model, row);
    }
    return doomed.length;
  };

  const adapter: Adapter = {
    id: "memory",
    async create({ model: name, data }) {
      const model = getModel(models, name);
      const row = prepareCreate(model, data);
      if (tableOf(model).has(row.id as string)) {
        throw new UniqueViolationError(`unique constraint violated: ${model.key}.id`);
      }
      checkUnique(model, row);
      tableOf(model).set(row.id as string, row);
      return structuredClone(row);
    },
    async findOne({ model, where }) {
      const row = select(getModel(models, model), where)[0];
      return row ? structuredClone(row) : null;
    },
    async findOneWithJoin(args) {
      getField(getModel(models, args.model), args.join.on);
      getModel(models, args.join.model);
      return joinByLookups(adapter, args);
    },
    async findMany({ model: name, where, limit, offset, sortBy }) {
      const model = getModel(models, name);
      let rows = select(model, where);
      if (sortBy) {
        const field = getField(model, sortBy.field).name;
        const sign = sortBy.direction === "desc" ? -1 : 1;
        rows = [...rows].sort((a, b) => sign * compareValues(a[field], b[field]));
      }
      const start = offset ?? 0;
      return structuredClone(rows.slice(start, limit === undefined ? undefined : start + limit));
    },
    async update({ model: name, where, update }) {
      const model = getModel(models, name);
      const changes = prepareUpdate(model, update);
      const row = select(model, where)[0];
      return row ? structuredClone(applyUpdate(model, row, changes)) : null;
    },
    async updateMany({ model: name, where, update }) {
      const model = getModel(models, name);
      const changes = prepareUpdate(model, update);
      const rows = select(model, where);
      for (const row of rows) applyUpdate(model, row, changes);
      return rows.length;
    },
    async delete({ model, where }) {
      remove(getModel(models, model), where, { onlyFirst: true });
    },
    async deleteMany({ model, where }) {
      return remove(getModel(models, model), where, { onlyFirst: false });
    },
    async count({ model, where }) {
      return select(getModel(models, model), where).length;
    },
    async transaction(fn) {
      // Inside a transaction: nested calls join it.
      return fn(adapter);
    },
    async migrate() {
      return [];
    },
    async planMigration() {
      return [];
    },
    async close() {},
  };
  // Writes and transactions take turns (like SQLite's single writer): a rollback restores a
  // snapshot, so no other write may interleave with an open transaction.
  let lock: Promise<void> = Promise.resolve();
  const exclusive = <T>(run: () => Promise<T>): Promise<T> => {
    const result = lock.then(run);
    lock = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  };
  let openTransactions = 0;
  const read =
    <A, T>(run: (args: A) => Promise<T>) =>
    (args: A): Promise<T> =>
      openTransactions > 0 ? exclusive(() => run(args)) : run(args);
  const root: Adapter = {
    ...adapter,
    findOne: read(adapter.findOne),
    findOneWithJoin: read((args: Parameters<typeof joinByLookups>[1]) => adapter.findOneWithJoin!(args)),
    findMany: read(adapter.findMany),
    count: read(adapter.count),
    create: (args) => exclusive(() => adapter.create(args)),
    update: (args) => exclusive(() => adapter.update(args)),
    updateMany: (args) => exclusive(() => adapter.updateMany(args)),
    delete: (args) => exclusive(() => adapter.delete(args)),
    deleteMany: (args) => exclusive(() => adapter.deleteMany(args)),
    transaction: (fn) => {
      openTransactions += 1;
      return exclusive(async () => {
        const snapshot = structuredClone(store);
        try {
          return await fn(adapter);
        } catch (error) {
          store.clear();
          for (const [key, rows] of snapshot) store.set(key, rows);
          throw error;
        }
      }).finally(() => {
        openTransactions -= 1;
      });
    },
  };
  return root;
}
