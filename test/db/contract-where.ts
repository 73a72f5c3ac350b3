import { beforeEach, describe, expect, it } from "vitest";
import type { Adapter, Row } from "../../src/db/adapter.js";

const t0 = new Date("2024-03-01T10:20:30.123Z");
const item = (id: string, extra: Row = {}): Row => ({ id, label: `label-${id}`, ...extra });

/** The where-operator part of the adapter contract (see `adapter-contract.ts`). */
export function describeWhereOperators(getDb: () => Adapter): void {
  describe("where operators", () => {
    beforeEach(async () => {
      const day = 86_400_000;
      const rows = [
        item("r1", { label: "apple", qty: 1, flag: true, at: new Date(t0.getTime()), note: "100% pure" }),
        item("r2", { label: "banana", qty: 2, flag: false, at: new Date(t0.getTime() + day), note: "a_b" }),
        item("r3", {
          label: "cherry",
          qty: 3,
          flag: true,
          at: new Date(t0.getTime() + 2 * day),
          note: "axb",
        }),
        item("r4", { label: "date", qty: 4, flag: false }),
      ];
      for (const data of rows) await getDb().create({ model: "item", data });
    });
    const ids = async (where: Parameters<Adapter["findMany"]>[0]["where"]): Promise<string[]> =>
      (await getDb().findMany({ model: "item", where })).map((r) => r.id as string).sort();

    it("compares", async () => {
      expect(await ids([{ field: "label", value: "banana" }])).toEqual(["r2"]);
      expect(await ids([{ field: "qty", operator: "ne", value: 2 }])).toEqual(["r1", "r3", "r4"]);
      expect(await ids([{ field: "qty", operator: "lt", value: 2 }])).toEqual(["r1"]);
      expect(await ids([{ field: "qty", operator: "lte", value: 2 }])).toEqual(["r1", "r2"]);
      expect(await ids([{ field: "qty", operator: "gt", value: 3 }])).toEqual(["r4"]);
      expect(await ids([{ field: "qty", operator: "gte", value: 3 }])).toEqual(["r3", "r4"]);
      expect(await ids([{ field: "flag", value: true }])).toEqual(["r1", "r3"]);
      expect(await ids([{ field: "label", operator: "gt", value: "banana" }])).toEqual(["r3", "r4"]);
    });

    it("compares dates to the millisecond", async () => {
      const t1 = new Date(t0.getTime() + 1);
      expect(await ids([{ field: "at", operator: "lt", value: t1 }])).toEqual(["r1"]);
      expect(await ids([{ field: "at", operator: "gt", value: t0 }])).toEqual(["r2", "r3"]);
      expect(await ids([{ field: "at", operator: "gte", value: t0 }])).toEqual(["r1", "r2", "r3"]);
      expect(await ids([{ field: "at", value: t0 }])).toEqual(["r1"]);
    });

    it("handles null, in and not_in", async () => {
      expect(await ids([{ field: "at", value: null }])).toEqual(["r4"]);
      expect(await ids([{ field: "at", operator: "ne", value: null }])).toEqual(["r1", "r2", "r3"]);
      expect(await ids([{ field: "id", operator: "in", value: ["r1", "r3", "zz"] }])).toEqual(["r1", "r3"]);
      expect(await ids([{ field: "qty", operator: "not_in", value: [1, 4] }])).toEqual(["r2", "r3"]);
      expect(await ids([{ field: "id", operator: "in", value: [] }])).toEqual([]);
      expect(await ids([{ field: "id", operator: "not_in", value: [] }])).toEqual(["r1", "r2", "r3", "r4"]);
    });

    it("matches text with escaped LIKE metacharacters", async () => {
      expect(await ids([{ field: "label", operator: "contains", value: "an" }])).toEqual(["r2"]);
      expect(await ids([{ field: "label", operator: "starts_with", value: "ch" }])).toEqual(["r3"]);
      expect(await ids([{ field: "label", operator: "ends_with", value: "e" }])).toEqual(["r1", "r4"]);
      expect(await ids([{ field: "note", operator: "contains", value: "%" }])).toEqual(["r1"]);
      expect(await ids([{ field: "note", operator: "contains", value: "_" }])).toEqual(["r2"]);
      expect(await ids([{ field: "note", operator: "starts_with", value: "a_" }])).toEqual(["r2"]);
      expect(await ids([{ field: "note", operator: "contains", value: "!" }])).toEqual([]);
    });

    it("groups AND and OR conditions", async () => {
      const or = [
        { field: "label", value: "apple", connector: "OR" as const },
        { field: "label", value: "date", connector: "OR" as const },
      ];
      expect(await ids(or)).toEqual(["r1", "r4"]);
      // (flag = false) AND (label = apple OR label = date)
      expect(await ids([{ field: "flag", value: false }, ...or])).toEqual(["r4"]);
      expect(
        await ids([
          { field: "flag", value: true },
          { field: "qty", operator: "gt", value: 1 },
        ]),
      ).toEqual(["r3"]);
    });

    it("sorts and pages", async () => {
      const page = async (args: Partial<Parameters<Adapter["findMany"]>[0]>): Promise<unknown[]> =>
        (await getDb().findMany({ model: "item", ...args })).map((r) => r.id);
      expect(await page({ sortBy: { field: "qty", direction: "desc" } })).toEqual(["r4", "r3", "r2", "r1"]);
      expect(await page({ sortBy: { field: "label", direction: "asc" }, limit: 2 })).toEqual(["r1", "r2"]);
      expect(await page({ sortBy: { field: "label", direction: "asc" }, limit: 2, offset: 1 })).toEqual([
        "r2",
        "r3",
      ]);
      expect(await page({ sortBy: { field: "qty", direction: "asc" }, offset: 3 })).toEqual(["r4"]);
      expect(await getDb().count({ model: "item" })).toBe(4);
      expect(await getDb().count({ model: "item", where: [{ field: "flag", value: true }] })).toBe(2);
    });
  });
}
