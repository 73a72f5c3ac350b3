import type { Adapter, JoinedRow, JoinSpec, Where } from "./adapter.js";

/**
 * {@link Adapter.findOneWithJoin} as two point lookups: the row, then the row its `join.on`
 * field names by id. For adapters that cannot read both in one query.
 */
export async function joinByLookups(
  adapter: Pick<Adapter, "findOne">,
  args: { model: string; where: Where[]; join: JoinSpec },
): Promise<JoinedRow | null> {
  const row = await adapter.findOne({ model: args.model, where: args.where });
  if (!row) return null;
  const ref = row[args.join.on];
  const joined =
    typeof ref === "string" && ref !== ""
      ? await adapter.findOne({ model: args.join.model, where: [{ field: "id", value: ref }] })
      : null;
  return { row, joined };
}
