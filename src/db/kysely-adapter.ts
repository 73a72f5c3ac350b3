import { CompiledQuery, type Kysely, type RawBuilder, type SqlBool, sql } from "kysely";
import type { Adapter, JoinedRow, JoinSpec, Row, SortBy, Where } from "./adapter.js";
import { translateDatabaseError } from "./errors.js";
import { planMigration, runMigration } from "./migrations.js";
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
import {
  decodeRow,
  decodeValues,
  encodeValue,
  readColumn,
  selectList,
  type SqlDialect,
} from "./sql-dialect.js";
import { buildWhere, encodeEquality } from "./sql-where.js";

/** Options of {@link kyselyAdapter}. */
export interface KyselyAdapterOptions {
  schema: Schema;
  dialect: SqlDialect;
  /** When true, `close()` destroys the Kysely instance (and its pool). Defaults to false. */
  ownsConnection?: boolean;
  /**
   * SQLite only: the better-sqlite3 Database under `db`. Given, point lookups (the session
   * check's two reads) run through statements prepared once and kept, instead of Kysely's
   * driver preparing each query anew; everything else still goes through Kysely.
   */
  sqlite?: SqliteStatementSource;
}

/** The part of a better-sqlite3 Database that cached point lookups use. */
export interface SqliteStatementSource {
  prepare(sql: string): SqliteStatement;
}

/** The part of a better-sqlite3 Statement that cached point lookups use. */
export interface SqliteStatement {
  /** Rows as arrays of column values (better-sqlite3's raw mode). */
  raw(toggle?: boolean): SqliteStatement;
  get(...parameters: unknown[]): unknown;
}

/**
 * Prepared point-lookup statements of one SQLite connection, and whether a transaction holds
 * that connection now: while one does, lookups from outside it go through Kysely, which waits
 * for the transaction to end (a direct read would see its uncommitted rows).
 */
interface SqliteLookups {
  source: SqliteStatementSource;
  statements: Map<string, SqliteStatement>;
  openTransactions: number;
}

// biome-ignore lint/suspicious/noExplicitAny: tables and columns come from the runtime schema, so there is no static DB type
type AnyKysely = Kysely<any>;

function checkCount(name: string, value: number | undefined): void {
  if (value !== undefined && (!Number.isInteger(value) || value < 0)) {
    throw new TypeError(`adapter: ${name} must be a non-negative integer, got ${String(value)}`);
  }
}

/** Equal bound values: Dates and Buffers compare by content (encoding may make new ones). */
function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (Buffer.isBuffer(a) && Buffer.isBuffer(b)) return a.equals(b);
  return false;
}

function whereSql(clause: RawBuilder<SqlBool> | null): RawBuilder<unknown> {
  return clause ? sql` where ${clause}` : sql``;
}

/**
 * A storage adapter over Kysely for SQLite (better-sqlite3), PostgreSQL (pg) and MySQL /
 * MariaDB (mysql2). Tables are `modelName ?? model key`, columns `fieldName ?? field name`,
 * every table has a string primary key `id`; values are converted both ways so rows
 * round-trip exactly (see `columnType`). Unique violations throw `UniqueViolationError`,
 * unreachable databases `DatabaseUnavailableError`.
 *
 * Where clauses: conditions with connector "OR" form one OR group, the others an AND group,
 * combined as `(and...) AND (or1 OR or2 ...)`; `null` with eq/ne means IS NULL / IS NOT NULL.
 * `contains`/`starts_with`/`ends_with` use LIKE, so their case sensitivity is the engine's
 * (SQLite: case-insensitive for ASCII; PostgreSQL and MySQL tables created here: case-sensitive).
 */
export function kyselyAdapter(db: AnyKysely, options: KyselyAdapterOptions): Adapter {
  const models = resolveSchema(options.schema);
  const sqlite: SqliteLookups | null =
    options.sqlite && options.dialect === "sqlite"
      ? { source: options.sqlite, statements: new Map(), openTransactions: 0 }
      : null;
  return makeAdapter(db, models, options, false, { sql: new Map(), joins: new Map(), sqlite });
}

/**
 * SQL of point lookups (`findOne` with AND-ed equalities), compiled once per model and field
 * list: the session check runs two of these per request, and rebuilding and compiling the
 * query tree each time was most of its cost. `null` marks a shape that is not cached.
 */
interface PointLookups {
  sql: Map<string, KeptLookup | null>;
  /** The one-query SQL of each {@link Adapter.findOneWithJoin} shape. */
  joins: Map<string, KeptLookup>;
  sqlite: SqliteLookups | null;
}

/** SQL kept for reuse, and the alias of each column it selects, in order. */
interface KeptLookup {
  sql: string;
  names: string[];
}

/** AND-ed equalities on non-null scalar values: the shape whose SQL can be kept and reused. */
function isPointWhere(where: Where[] | undefined): where is Where[] {
  return (
    where !== undefined &&
    where.length > 0 &&
    where.every(
      (w) =>
        (w.operator ?? "eq") === "eq" &&
        w.connector !== "OR" &&
        w.value !== null &&
        w.value !== undefined &&
        !Array.isArray(w.value),
    )
  );
}

function makeAdapter(
  db: AnyKysely,
  models: Map<string, ResolvedModel>,
  options: KyselyAdapterOptions,
  inTransaction: boolean,
  pointLookups: PointLookups,
): Adapter {
  const { dialect } = options;

  const guard = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      throw translateDatabaseError(error);
    }
  };

  // Limit and offset are checked integers, so they go into the SQL as literals: SQLite runs
  // `limit 1` about three times faster than `limit ?` bound to 1 (a point lookup: ~3 vs ~10 us).
  const limitSql = (limit: number | undefined, offset: number | undefined): RawBuilder<unknown> => {
    checkCount("limit", limit);
    checkCount("offset", offset);
    if (limit === undefined && !offset) return sql``;
    const max =
      dialect === "mysql" ? sql.raw("18446744073709551615") : dialect === "sqlite" ? sql.raw("-1") : null;
    const lim =
      limit !== undefined ? sql` limit ${sql.raw(String(limit))}` : max ? sql` limit ${max}` : sql``;
    return offset ? sql`${lim} offset ${sql.raw(String(offset))}` : lim;
  };

  /**
   * The first row of SQL kept from an earlier compile, run with new parameters, as its column
   * values in select order: on SQLite through a statement prepared once (unless another
   * transaction holds the connection), elsewhere through Kysely.
   */
  const keptRow = async (lookup: KeptLookup, parameters: unknown[]): Promise<unknown[] | undefined> => {
    const direct = pointLookups.sqlite;
    if (direct && (inTransaction || direct.openTransactions === 0)) {
      let statement = direct.statements.get(lookup.sql);
      if (!statement) {
        // Raw mode: values in select order, without building an object keyed by alias first.
        statement = direct.source.prepare(lookup.sql).raw(true);
        direct.statements.set(lookup.sql, statement);
      }
      return statement.get(parameters) as unknown[] | undefined;
    }
    const result = await db.executeQuery<Record<string, unknown>>(CompiledQuery.raw(lookup.sql, parameters));
    const raw = result.rows[0];
    return raw ? lookup.names.map((name) => raw[name]) : undefined;
  };

  /** The SQL of a joined point lookup: `a` is the row's table, `b` the referenced one's. */
  const compileJoin = (
    model: ResolvedModel,
    where: Where[],
    other: ResolvedModel,
    on: string,
  ): KeptLookup => {
    const rowNames = model.fields.map((f) => `a.${f.name}`);
    const joinedNames = other.fields.map((f) => `b.${f.name}`);
    const columns = [
      ...model.fields.map((f, i) => sql`${readColumn(dialect, f, "a")} as ${sql.id(rowNames[i]!)}`),
      ...other.fields.map((f, i) => sql`${readColumn(dialect, f, "b")} as ${sql.id(joinedNames[i]!)}`),
    ];
    const conditions = where.map(
      (w) => sql`${sql.id("a", getField(model, w.field).column)} = ${encodeEquality(dialect, model, w)}`,
    );
    const query = sql`select ${sql.join(columns)} from ${sql.table(model.table)} as ${sql.id("a")} left join ${sql.table(
      other.table,
    )} as ${sql.id("b")} on ${sql.id("b", "id")} = ${sql.id("a", getField(model, on).column)} where ${sql.join(
      conditions,
      sql` and `,
    )}${limitSql(1, undefined)}`;
    return { sql: query.compile(db).sql, names: [...rowNames, ...joinedNames] };
  };

  const selectJoined = async (name: string, where: Where[], join: JoinSpec): Promise<JoinedRow | null> => {
    const model = getModel(models, name);
    const other = getModel(models, join.model);
    checkWhere(model, where);
    getField(model, join.on);
    if (!isPointWhere(where)) {
      const row = (await selectRows(model, where, { limit: 1 }))[0];
      if (!row) return null;
      const ref = row[join.on];
      const joined =
        typeof ref === "string" ? ((await selectRows(other, byId(ref), { limit: 1 }))[0] ?? null) : null;
      return { row, joined };
    }
    const key = `${model.key}|${where.map((w) => w.field).join(",")}|${other.key}|${join.on}`;
    let lookup = pointLookups.joins.get(key);
    if (!lookup) {
      lookup = compileJoin(model, where, other, join.on);
      pointLookups.joins.set(key, lookup);
    }
    const values = await keptRow(
      lookup,
      where.map((w) => encodeEquality(dialect, model, w)),
    );
    if (!values) return null;
    const row = decodeValues(model, values, 0);
    // A left join gives the referenced row's columns as nulls when it does not exist; ids never are.
    const at = model.fields.length;
    const joined = values[at] == null ? null : decodeValues(other, values, at);
    return { row, joined };
  };

  const selectRows = async (
    model: ResolvedModel,
    where: Where[] | undefined,
    page: { limit?: number; offset?: number; sortBy?: SortBy },
  ): Promise<Row[]> => {
    checkWhere(model, where);
    const point = page.limit === 1 && !page.offset && !page.sortBy && isPointWhere(where);
    const key = point ? `${model.key}|${where.map((w) => w.field).join(",")}` : "";
    const cached = point ? pointLookups.sql.get(key) : null;
    if (cached) {
      const values = await keptRow(
        cached,
        where!.map((w) => encodeEquality(dialect, model, w)),
      );
      return values ? [decodeValues(model, values, 0)] : [];
    }
    const order = page.sortBy
      ? sql` order by ${sql.id(getField(model, page.sortBy.field).column)} ${sql.raw(
          page.sortBy.direction === "desc" ? "desc" : "asc",
        )}`
      : sql``;
    const query = sql<
      Record<string, unknown>
    >`select ${selectList(dialect, model)} from ${sql.table(model.table)}${whereSql(
      buildWhere(dialect, model, where),
    )}${order}${limitSql(page.limit, page.offset)}`;
    const compiled = query.compile(db);
    if (point && cached === undefined) {
      // Cache the SQL only when its parameters are exactly the encoded values,
      // so later calls can bind new values in the same places.
      const expected = where!.map((w) => encodeEquality(dialect, model, w));
      const same =
        compiled.parameters.length === expected.length &&
        compiled.parameters.every((p, i) => Object.is(p, expected[i]) || sameValue(p, expected[i]));
      pointLookups.sql.set(key, same ? { sql: compiled.sql, names: model.fields.map((f) => f.name) } : null);
    }
    const result = await db.executeQuery(compiled);
    return result.rows.map((raw) => decodeRow(model, raw));
  };

  const firstId = async (model: ResolvedModel, where: Where[]): Promise<string | null> => {
    checkWhere(model, where);
    const query = sql<{ id: string }>`select ${sql.id("id")} from ${sql.table(model.table)}${whereSql(
      buildWhere(dialect, model, where),
    )}${limitSql(1, undefined)}`;
    const result = await query.execute(db);
    return result.rows[0]?.id ?? null;
  };

  const encodeRow = (model: ResolvedModel, row: Row): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(row)) {
      const field = getField(model, name);
      out[field.column] = encodeValue(dialect, field, value);
    }
    return out;
  };

  const updateWhere = async (model: ResolvedModel, where: Where[], update: Row): Promise<number> => {
    checkWhere(model, where);
    const changes = encodeRow(model, prepareUpdate(model, update));
    if (Object.keys(changes).length === 0) return (await selectRows(model, where, {})).length;
    let query = db.updateTable(model.table).set(changes);
    const clause = buildWhere(dialect, model, where);
    if (clause) query = query.where(clause);
    const result = await query.executeTakeFirst();
    return Number(result.numUpdatedRows);
  };

  const deleteWhere = async (model: ResolvedModel, where: Where[]): Promise<number> => {
    checkWhere(model, where);
    let query = db.deleteFrom(model.table);
    const clause = buildWhere(dialect, model, where);
    if (clause) query = query.where(clause);
    const result = await query.executeTakeFirst();
    return Number(result.numDeletedRows);
  };

  const byId = (id: string): Where[] => [{ field: "id", value: id }];

  const adapter: Adapter = {
    id: dialect,
    create: ({ model: name, data }) =>
      guard(async () => {
        const model = getModel(models, name);
        const row = prepareCreate(model, data);
        await db.insertInto(model.table).values(encodeRow(model, row)).execute();
        return row;
      }),
    findOne: ({ model, where }) =>
      guard(async () => (await selectRows(getModel(models, model), where, { limit: 1 }))[0] ?? null),
    findOneWithJoin: ({ model, where, join }) => guard(() => selectJoined(model, where, join)),
    findMany: ({ model, where, limit, offset, sortBy }) =>
      guard(() => selectRows(getModel(models, model), where, { limit, offset, sortBy })),
    update: ({ model: name, where, update }) =>
      guard(async () => {
        const model = getModel(models, name);
        prepareUpdate(model, update); // validate before touching the database
        const id = await firstId(model, where);
        if (id === null) return null;
        await updateWhere(model, byId(id), update);
        const newId = typeof update.id === "string" ? update.id : id;
        return (await selectRows(model, byId(newId), { limit: 1 }))[0] ?? null;
      }),
    updateMany: ({ model, where, update }) =>
      guard(() => updateWhere(getModel(models, model), where, update)),
    delete: ({ model: name, where }) =>
      guard(async () => {
        const model = getModel(models, name);
        const id = await firstId(model, where);
        if (id !== null) await deleteWhere(model, byId(id));
      }),
    deleteMany: ({ model, where }) => guard(() => deleteWhere(getModel(models, model), where)),
    count: ({ model: name, where }) =>
      guard(async () => {
        const model = getModel(models, name);
        checkWhere(model, where);
        const query = sql<{ count: unknown }>`select count(*) as ${sql.id("count")} from ${sql.table(
          model.table,
        )}${whereSql(buildWhere(dialect, model, where))}`;
        const result = await query.execute(db);
        return Number(result.rows[0]?.count ?? 0);
      }),
    transaction: (fn) => {
      if (inTransaction) return fn(adapter);
      const direct = pointLookups.sqlite;
      // Counted from before BEGIN until after COMMIT or ROLLBACK, so no direct read slips in.
      if (direct) direct.openTransactions += 1;
      return guard(() =>
        db.transaction().execute((trx) => fn(makeAdapter(trx, models, options, true, pointLookups))),
      ).finally(() => {
        if (direct) direct.openTransactions -= 1;
      });
    },
    migrate: () => guard(() => runMigration(db, dialect, models)),
    planMigration: () => guard(async () => (await planMigration(db, dialect, models)).map((q) => q.sql)),
    close: async () => {
      if (options.ownsConnection && !inTransaction) await db.destroy();
    },
  };
  return adapter;
}
