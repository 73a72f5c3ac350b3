import { type CompiledQuery, type CreateTableBuilder, type Kysely, sql } from "kysely";
import { getField, getModel, type ResolvedField, type ResolvedModel } from "./model-info.js";
import { columnType, encodeValue, type SqlDialect } from "./sql-dialect.js";

// biome-ignore lint/suspicious/noExplicitAny: tables and columns come from the runtime schema, so there is no static DB type
type AnyKysely = Kysely<any>;

type OnDelete = "cascade" | "set null" | "restrict" | "no action";

interface Reference {
  table: string;
  column: string;
  onDelete: OnDelete;
}

/** Identifier names are capped at 63 characters (PostgreSQL); long ones get a hash suffix. */
function objectName(table: string, column: string, suffix: string): string {
  const name = `${table}_${column}_${suffix}`;
  if (name.length <= 63) return name;
  let hash = 0;
  for (const c of name) hash = (Math.imul(hash, 31) + c.charCodeAt(0)) >>> 0;
  return `${name.slice(0, 54)}_${hash.toString(36)}`;
}

function referenceOf(models: Map<string, ResolvedModel>, field: ResolvedField): Reference | null {
  const ref = field.definition.references;
  if (!ref) return null;
  const target = getModel(models, ref.model);
  return {
    table: target.table,
    column: getField(target, ref.field).column,
    onDelete: ref.onDelete ?? "no action",
  };
}

/** Tables first that others reference, so foreign keys always point at an existing table. */
function creationOrder(models: Map<string, ResolvedModel>, missing: ResolvedModel[]): ResolvedModel[] {
  const out: ResolvedModel[] = [];
  const visiting = new Set<string>();
  const visit = (model: ResolvedModel): void => {
    if (out.includes(model) || visiting.has(model.key)) return;
    visiting.add(model.key);
    for (const field of model.fields) {
      const ref = field.definition.references;
      const target = ref ? models.get(ref.model) : undefined;
      if (target && missing.includes(target)) visit(target);
    }
    out.push(model);
  };
  for (const model of missing) visit(model);
  return out;
}

async function existingIndexes(db: AnyKysely, dialect: SqlDialect): Promise<Set<string>> {
  const query =
    dialect === "sqlite"
      ? sql<{ name: string }>`select name from sqlite_master where type = 'index'`
      : dialect === "postgres"
        ? sql<{ name: string }>`select indexname as name from pg_indexes where schemaname = current_schema()`
        : sql<{
            name: string;
          }>`select distinct index_name as name from information_schema.statistics where table_schema = database()`;
  const { rows } = await query.execute(db);
  return new Set(rows.map((r) => r.name));
}

async function existingTables(db: AnyKysely, dialect: SqlDialect): Promise<Map<string, Set<string>>> {
  let tables = await db.introspection.getTables();
  if (dialect === "postgres") {
    const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
    tables = tables.filter((t) => t.schema === rows[0]?.schema);
  }
  return new Map(tables.map((t) => [t.name, new Set(t.columns.map((c) => c.name))]));
}

/** A static default that can become a SQL DEFAULT, so a NOT NULL column can be added to filled tables. */
function staticDefault(dialect: SqlDialect, field: ResolvedField): unknown {
  const value = field.definition.defaultValue;
  if (
    !["string", "number", "boolean"].includes(typeof value) ||
    field.type === "date" ||
    field.type === "json"
  ) {
    return undefined;
  }
  return encodeValue(dialect, field, value);
}

/**
 * The DDL that brings the database up to the schema: missing tables (id primary key, NOT NULL
 * for required fields, unique constraints, foreign keys with ON DELETE), missing columns
 * (nullable, or NOT NULL with a static default, so tables with rows accept them) and missing
 * indexes. It never drops or alters what exists; running it twice plans nothing the 2nd time.
 */
export async function planMigration(
  db: AnyKysely,
  dialect: SqlDialect,
  models: Map<string, ResolvedModel>,
): Promise<CompiledQuery[]> {
  const tables = await existingTables(db, dialect);
  const indexes = await existingIndexes(db, dialect);
  const out: CompiledQuery[] = [];
  const type = (field: ResolvedField) => sql.raw(columnType(dialect, field));
  const wantedIndexes: { name: string; table: string; column: string; unique: boolean }[] = [];

  const missing = [...models.values()].filter((m) => !tables.has(m.table));
  for (const model of creationOrder(models, missing)) {
    // Columns are only known at run time; widen the builder's column-name type to string.
    let create = db.schema.createTable(model.table) as CreateTableBuilder<string, string>;
    for (const field of model.fields) {
      create = create.addColumn(field.column, type(field), (col) => {
        if (field.name === "id") return col.primaryKey();
        let c = field.definition.required === false ? col : col.notNull();
        if (field.definition.unique) c = c.unique();
        return c;
      });
      const ref = referenceOf(models, field);
      if (ref) {
        create = create.addForeignKeyConstraint(
          objectName(model.table, field.column, "fkey"),
          [field.column],
          ref.table,
          [ref.column],
          (fk) => fk.onDelete(ref.onDelete),
        );
      }
      if (field.definition.index && !field.definition.unique) {
        wantedIndexes.push({
          name: objectName(model.table, field.column, "idx"),
          ...at(model, field),
          unique: false,
        });
      }
    }
    if (dialect === "mysql")
      create = create.modifyEnd(sql`engine = InnoDB default charset = utf8mb4 collate = utf8mb4_bin`);
    out.push(create.compile());
  }

  for (const model of models.values()) {
    const columns = tables.get(model.table);
    if (!columns) continue;
    for (const field of model.fields) {
      if (columns.has(field.column)) {
        if (field.definition.index && !field.definition.unique) {
          wantedIndexes.push({
            name: objectName(model.table, field.column, "idx"),
            ...at(model, field),
            unique: false,
          });
        }
        continue;
      }
      const ref = referenceOf(models, field);
      const fallback = staticDefault(dialect, field);
      const alter = db.schema.alterTable(model.table).addColumn(field.column, type(field), (col) => {
        let c =
          field.definition.required !== false && fallback !== undefined
            ? col.notNull().defaultTo(fallback)
            : col;
        if (ref && dialect === "sqlite")
          c = c.references(`${ref.table}.${ref.column}`).onDelete(ref.onDelete);
        return c;
      });
      out.push(alter.compile());
      if (ref && dialect !== "sqlite") {
        const fk = db.schema
          .alterTable(model.table)
          .addForeignKeyConstraint(objectName(model.table, field.column, "fkey"), [field.column], ref.table, [
            ref.column,
          ])
          .onDelete(ref.onDelete);
        out.push(fk.compile());
      }
      if (field.definition.unique || field.definition.index) {
        const unique = field.definition.unique === true;
        wantedIndexes.push({
          name: objectName(model.table, field.column, unique ? "key" : "idx"),
          ...at(model, field),
          unique,
        });
      }
    }
  }

  for (const index of wantedIndexes) {
    if (indexes.has(index.name)) continue;
    let create = db.schema.createIndex(index.name).on(index.table).column(index.column);
    if (index.unique) create = create.unique();
    if (dialect !== "mysql") create = create.ifNotExists();
    out.push(create.compile());
  }
  return out;
}

function at(model: ResolvedModel, field: ResolvedField): { table: string; column: string } {
  return { table: model.table, column: field.column };
}

/** Runs {@link planMigration}'s statements in order and returns their SQL text. */
export async function runMigration(
  db: AnyKysely,
  dialect: SqlDialect,
  models: Map<string, ResolvedModel>,
): Promise<string[]> {
  const plan = await planMigration(db, dialect, models);
  for (const query of plan) await db.executeQuery(query);
  return plan.map((q) => q.sql);
}
