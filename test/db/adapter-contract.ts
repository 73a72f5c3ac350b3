import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Adapter, Row } from "../../src/db/adapter.js";
import { baseSchema, mergeSchema } from "../../src/db/base-schema.js";
import { UniqueViolationError } from "../../src/db/errors.js";
import type { Schema } from "../../src/db/schema.js";
import { describeWhereOperators } from "./contract-where.js";

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

/** The contract schema after an app upgrade: new fields on `user`, a new referencing model. */
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
      userId: {
        type: "string",
        index: true,
        references: { model: "user", field: "id", onDelete: "cascade" },
      },
    },
  },
});

/** A random suffix for database / schema names of one test run. */
export function randomSuffix(): string {
  return Math.random().toString(36).slice(2, 10);
}

const EVIL = `'; DROP TABLE user; -- "quoted" \\ back\\slash 100% _under_ \u00e9\u6f22\u5b57 \u{1F510}`;
const t0 = new Date("2024-03-01T10:20:30.123Z");

function user(id: string, extra: Row = {}): Row {
  return { id, name: `User ${id}`, email: `${id}@example.com`, createdAt: t0, updatedAt: t0, ...extra };
}

function item(id: string, extra: Row = {}): Row {
  return { id, label: `label-${id}`, ...extra };
}

/**
 * The contract every {@link Adapter} passes. `makeAdapter` is called with a schema; for SQL
 * engines every call must reach the same database (the suite migrates, then opens a second
 * adapter on an extended schema). `cleanup` runs after the suite (drop the database).
 */
export function runAdapterContract(
  name: string,
  makeAdapter: (schema: Schema) => Promise<Adapter> | Adapter,
  cleanup?: () => Promise<void> | void,
): void {
  describe(`adapter contract: ${name}`, () => {
    let db: Adapter;
    const isSql = (): boolean => db.id !== "memory";

    beforeAll(async () => {
      db = await makeAdapter(contractSchema);
      await db.migrate();
    });
    afterAll(async () => {
      await db?.close();
      await cleanup?.();
    });
    beforeEach(async () => {
      for (const model of ["session", "account", "verification", "item", "user"]) {
        await db.deleteMany({ model, where: [] });
      }
    });

    it("migrates idempotently", async () => {
      expect(await db.planMigration()).toEqual([]);
      expect(await db.migrate()).toEqual([]);
    });

    it("creates and reads back every field type exactly", async () => {
      const meta = { nested: { list: [1, 2.5, "x", null, true] }, text: EVIL };
      const created = await db.create({
        model: "item",
        data: item("a", { note: EVIL, qty: 42.5, flag: true, at: t0, meta, code: "C1" }),
      });
      const expected = {
        id: "a",
        label: "label-a",
        note: EVIL,
        qty: 42.5,
        flag: true,
        at: t0,
        meta,
        code: "C1",
      };
      expect(created).toEqual(expected);
      const found = await db.findOne({ model: "item", where: [{ field: "id", value: "a" }] });
      expect(found).toEqual(expected);
      expect(found!.at).toBeInstanceOf(Date);
      expect((found!.at as Date).getTime()).toBe(t0.getTime());
      await db.create({ model: "item", data: item("b", { flag: false, qty: 0 }) });
      const b = await db.findOne({ model: "item", where: [{ field: "id", value: "b" }] });
      expect(b).toEqual({
        id: "b",
        label: "label-b",
        note: null,
        qty: 0,
        flag: false,
        at: null,
        meta: null,
        code: null,
      });
      expect(await db.findOne({ model: "item", where: [{ field: "note", value: EVIL }] })).toEqual(expected);
    });

    it("answers repeated point lookups of one shape with the row of each call's values (also in a transaction)", async () => {
      const t1 = new Date(t0.getTime() + 1000);
      await db.create({ model: "item", data: item("p1", { flag: true, at: t0, qty: 1, code: "P1" }) });
      await db.create({ model: "item", data: item("p2", { flag: false, at: t1, qty: 2, code: "P2" }) });
      for (let round = 0; round < 3; round++) {
        for (const [id, flag, at] of [
          ["p1", true, t0],
          ["p2", false, t1],
        ] as const) {
          const where = [
            { field: "flag", value: flag },
            { field: "at", value: at },
          ];
          expect((await db.findOne({ model: "item", where }))?.id).toBe(id);
          expect(
            (await db.findOne({ model: "item", where: [{ field: "code", value: `P${id.slice(1)}` }] }))?.id,
          ).toBe(id);
        }
      }
      expect(await db.findOne({ model: "item", where: [{ field: "code", value: "nope" }] })).toBeNull();
      await db.transaction(async (tx) => {
        await tx.create({ model: "item", data: item("p3", { code: "P3" }) });
        expect((await tx.findOne({ model: "item", where: [{ field: "code", value: "P3" }] }))?.id).toBe("p3");
        expect((await tx.findOne({ model: "item", where: [{ field: "code", value: "P1" }] }))?.id).toBe("p1");
      });
    });

    it("applies default values and returns copies", async () => {
      const created = await db.create({ model: "user", data: user("u1") });
      expect(created.emailVerified).toBe(false);
      expect(created.image).toBeNull();
      created.name = "changed";
      const meta = { a: { b: 1 } };
      const it1 = await db.create({ model: "item", data: item("c", { meta }) });
      (it1.meta as { a: { b: number } }).a.b = 2;
      meta.a.b = 3;
      const again = await db.findOne({ model: "item", where: [{ field: "id", value: "c" }] });
      expect(again!.meta).toEqual({ a: { b: 1 } });
      (again!.meta as { a: { b: number } }).a.b = 4;
      expect((await db.findOne({ model: "item", where: [{ field: "id", value: "c" }] }))!.meta).toEqual({
        a: { b: 1 },
      });
      expect((await db.findOne({ model: "user", where: [{ field: "id", value: "u1" }] }))!.name).toBe(
        "User u1",
      );
    });

    it("throws UniqueViolationError on duplicates", async () => {
      await db.create({ model: "user", data: user("u1") });
      const dupEmail = db.create({ model: "user", data: user("u2", { email: "u1@example.com" }) });
      await expect(dupEmail).rejects.toBeInstanceOf(UniqueViolationError);
      await expect(
        db.create({ model: "user", data: user("u1", { email: "x@example.com" }) }),
      ).rejects.toMatchObject({
        code: "UNIQUE_VIOLATION",
      });
      await db.create({ model: "user", data: user("u3") });
      const dupUpdate = db.update({
        model: "user",
        where: [{ field: "id", value: "u3" }],
        update: { email: "u1@example.com" },
      });
      await expect(dupUpdate).rejects.toBeInstanceOf(UniqueViolationError);
      // nulls never collide
      await db.create({ model: "item", data: item("n1") });
      await db.create({ model: "item", data: item("n2") });
      expect(await db.count({ model: "user" })).toBe(2);
    });

    it("throws TypeError for unknown models and fields", async () => {
      await expect(db.findOne({ model: "nope", where: [] })).rejects.toThrow(TypeError);
      await expect(db.findOne({ model: "nope", where: [] })).rejects.toThrow(/nope/);
      await expect(db.findMany({ model: "user", where: [{ field: "bogus", value: 1 }] })).rejects.toThrow(
        /user\.bogus/,
      );
      await expect(db.create({ model: "user", data: user("u1", { bogus: 1 }) })).rejects.toThrow(TypeError);
      await expect(db.update({ model: "user", where: [], update: { "x; drop": 1 } })).rejects.toThrow(
        TypeError,
      );
      await expect(
        db.findMany({ model: "user", sortBy: { field: "nah", direction: "asc" } }),
      ).rejects.toThrow(TypeError);
    });

    describeWhereOperators(() => db);

    it("updates, updates many, deletes and deletes many", async () => {
      for (const id of ["u1", "u2", "u3"]) await db.create({ model: "user", data: user(id) });
      const later = new Date(t0.getTime() + 5);
      const updated = await db.update({
        model: "user",
        where: [{ field: "email", value: "u1@example.com" }],
        update: { name: EVIL, emailVerified: true, updatedAt: later, image: null },
      });
      expect(updated).toEqual({
        ...user("u1"),
        name: EVIL,
        emailVerified: true,
        updatedAt: later,
        image: null,
      });
      expect(
        await db.update({ model: "user", where: [{ field: "id", value: "zz" }], update: { name: "x" } }),
      ).toBeNull();
      expect(
        await db.updateMany({
          model: "user",
          where: [{ field: "emailVerified", value: false }],
          update: { name: "n" },
        }),
      ).toBe(2);
      expect(
        await db.updateMany({ model: "user", where: [{ field: "id", value: "zz" }], update: { name: "n" } }),
      ).toBe(0);
      expect((await db.findMany({ model: "user", where: [{ field: "name", value: "n" }] })).length).toBe(2);
      await db.delete({ model: "user", where: [{ field: "id", value: "u1" }] });
      expect(await db.findOne({ model: "user", where: [{ field: "id", value: "u1" }] })).toBeNull();
      await db.delete({ model: "user", where: [{ field: "id", value: "zz" }] });
      expect(await db.deleteMany({ model: "user", where: [{ field: "name", value: "n" }] })).toBe(2);
      expect(await db.count({ model: "user" })).toBe(0);
    });

    it("commits a transaction", async () => {
      const result = await db.transaction(async (tx) => {
        await tx.create({ model: "user", data: user("u1") });
        await tx.transaction(async (inner) => inner.create({ model: "user", data: user("u2") }));
        expect(await tx.count({ model: "user" })).toBe(2);
        return "done";
      });
      expect(result).toBe("done");
      expect(await db.count({ model: "user" })).toBe(2);
    });

    it("rolls a transaction back when it throws", async () => {
      await db.create({ model: "user", data: user("u0") });
      const failing = db.transaction(async (tx) => {
        await tx.create({ model: "user", data: user("u1") });
        await tx.update({
          model: "user",
          where: [{ field: "id", value: "u0" }],
          update: { name: "changed" },
        });
        throw new Error("boom");
      });
      await expect(failing).rejects.toThrow("boom");
      expect(await db.count({ model: "user" })).toBe(1);
      expect((await db.findOne({ model: "user", where: [{ field: "id", value: "u0" }] }))!.name).toBe(
        "User u0",
      );
    });

    it("keeps a concurrent transaction's writes when another one rolls back", async () => {
      const failing = db.transaction(async (tx) => {
        await tx.create({ model: "user", data: user("r1") });
        await new Promise((resolve) => setTimeout(resolve, 20));
        throw new Error("boom");
      });
      const succeeding = db.transaction(async (tx) => {
        await tx.create({ model: "user", data: user("c1") });
        return "ok";
      });
      const outside = db.create({ model: "user", data: user("o1") });
      await expect(failing).rejects.toThrow("boom");
      await expect(succeeding).resolves.toBe("ok");
      await outside;
      const ids = (await db.findMany({ model: "user" })).map((row) => row.id).sort();
      expect(ids).toEqual(["c1", "o1"]);
    });

    it("never shows a point lookup from outside a transaction the rows it has not committed", async () => {
      const where = [{ field: "code", value: "T1" }];
      // Warm the lookup's shape first, so the repeated-lookup path (cached SQL, and on SQLite a
      // kept prepared statement) is the one under test.
      expect(await db.findOne({ model: "item", where })).toBeNull();
      let outside: Promise<Row | null> | undefined;
      const failing = db.transaction(async (tx) => {
        await tx.create({ model: "item", data: item("t1", { code: "T1" }) });
        outside = db.findOne({ model: "item", where });
        await new Promise((resolve) => setTimeout(resolve, 20));
        throw new Error("boom");
      });
      await expect(failing).rejects.toThrow("boom");
      expect(await outside).toBeNull();
      expect(await db.findOne({ model: "item", where })).toBeNull();
    });

    it("reads a row and the row it references together, exactly as two lookups would", async () => {
      const join = db.findOneWithJoin?.bind(db);
      expect(join).toBeTypeOf("function");
      if (!join) return;
      await db.create({ model: "user", data: user("u1", { emailVerified: true, image: EVIL }) });
      await db.create({ model: "user", data: user("u2", { emailVerified: false }) });
      for (const [id, userId] of [
        ["s1", "u1"],
        ["s2", "u2"],
      ]) {
        await db.create({
          model: "session",
          data: {
            id,
            token: `tok-${id}`,
            userId,
            expiresAt: t0,
            ipAddress: EVIL,
            createdAt: t0,
            updatedAt: t0,
          },
        });
      }
      const spec = { model: "user", on: "userId" };
      // Twice per token: the second call of a shape runs the kept SQL (or prepared statement).
      for (const [token, sessionId, userId] of [
        ["tok-s1", "s1", "u1"],
        ["tok-s2", "s2", "u2"],
        ["tok-s1", "s1", "u1"],
      ] as const) {
        const found = await join({ model: "session", where: [{ field: "token", value: token }], join: spec });
        expect(found).toEqual({
          row: await db.findOne({ model: "session", where: [{ field: "id", value: sessionId }] }),
          joined: await db.findOne({ model: "user", where: [{ field: "id", value: userId }] }),
        });
        expect(found?.row.expiresAt).toBeInstanceOf(Date);
        expect(typeof found?.joined?.emailVerified).toBe("boolean");
      }
      expect(
        await join({ model: "session", where: [{ field: "token", value: "tok-none" }], join: spec }),
      ).toBeNull();
      // A renamed table and column, and a reference that points at no row: joined is null.
      await db.create({ model: "item", data: item("i1", { label: "u2", note: "n1", code: "C1" }) });
      await db.create({ model: "item", data: item("i2", { label: "nobody", code: "C2" }) });
      const itemJoin = { model: "user", on: "label" };
      const i1 = await join({ model: "item", where: [{ field: "code", value: "C1" }], join: itemJoin });
      expect(i1?.row).toMatchObject({ id: "i1", note: "n1" });
      expect(i1?.joined?.id).toBe("u2");
      const i2 = await join({ model: "item", where: [{ field: "code", value: "C2" }], join: itemJoin });
      expect(i2).toEqual({
        row: await db.findOne({ model: "item", where: [{ field: "id", value: "i2" }] }),
        joined: null,
      });
      // Not a point shape (an operator other than eq): still answered, by the general path.
      const ranged = await join({
        model: "session",
        where: [{ field: "token", value: "tok-s2", operator: "starts_with" }],
        join: spec,
      });
      expect(ranged?.joined?.id).toBe("u2");
      await expect(
        join({
          model: "session",
          where: [{ field: "token", value: "x" }],
          join: { model: "user", on: "nope" },
        }),
      ).rejects.toThrow(TypeError);
    });

    it("shows a joined read its own transaction's rows, and no one else's until commit", async () => {
      const join = db.findOneWithJoin?.bind(db);
      if (!join) throw new Error("findOneWithJoin is missing");
      const spec = { model: "user", on: "userId" };
      const where = [{ field: "token", value: "tok-t1" }];
      expect(await join({ model: "session", where, join: spec })).toBeNull();
      let outside: Promise<unknown> | undefined;
      const failing = db.transaction(async (tx) => {
        await tx.create({ model: "user", data: user("t1") });
        await tx.create({
          model: "session",
          data: { id: "st1", token: "tok-t1", userId: "t1", expiresAt: t0, createdAt: t0, updatedAt: t0 },
        });
        const inside = await tx.findOneWithJoin?.({ model: "session", where, join: spec });
        expect(inside?.joined?.id).toBe("t1");
        outside = join({ model: "session", where, join: spec });
        await new Promise((resolve) => setTimeout(resolve, 20));
        throw new Error("boom");
      });
      await expect(failing).rejects.toThrow("boom");
      expect(await outside).toBeNull();
      expect(await join({ model: "session", where, join: spec })).toBeNull();
    });

    it("cascades deletes along references", async () => {
      await db.create({ model: "user", data: user("u1") });
      await db.create({ model: "user", data: user("u2") });
      for (const [id, userId] of [
        ["s1", "u1"],
        ["s2", "u1"],
        ["s3", "u2"],
      ]) {
        await db.create({
          model: "session",
          data: { id, token: `tok-${id}`, userId, expiresAt: t0, createdAt: t0, updatedAt: t0 },
        });
      }
      await db.delete({ model: "user", where: [{ field: "id", value: "u1" }] });
      expect((await db.findMany({ model: "session" })).map((s) => s.id)).toEqual(["s3"]);
    });

    it("adds new fields and models to existing tables with rows", async () => {
      if (!isSql()) return; // the memory adapter has no stored schema to migrate
      await db.create({ model: "user", data: user("u1") });
      const next = await makeAdapter(extendedSchema);
      try {
        const plan = await next.planMigration();
        expect(plan.length).toBeGreaterThan(0);
        expect(await next.migrate()).toEqual(plan);
        expect(await next.planMigration()).toEqual([]);
        const old = await next.findOne({ model: "user", where: [{ field: "id", value: "u1" }] });
        expect(old).toMatchObject({ id: "u1", nickname: null, level: 1, vip: false, handle: null });
        await next.create({ model: "user", data: user("u2", { handle: "h" }) });
        await expect(
          next.create({ model: "user", data: user("u3", { handle: "h" }) }),
        ).rejects.toBeInstanceOf(UniqueViolationError);
        await next.create({ model: "note", data: { id: "n1", body: "hi", userId: "u1" } });
        await next.delete({ model: "user", where: [{ field: "id", value: "u1" }] });
        expect(await next.count({ model: "note" })).toBe(0);
      } finally {
        await next.close();
      }
    });
  });
}
