import type { Table } from "./report.js";
import type { Summary } from "./scenarios/interleave.js";

/** The goals of issue #5, checked against this run's medians. */
export function targets(
  protectedResults: Map<string, Summary> | undefined,
  coldStart: Table | undefined,
): string[] {
  const out: string[] = [];
  const rps = (id: string): number => protectedResults?.get(id)?.rps ?? Number.NaN;
  const ours = rps("gatehouse-sqlite");
  const check = (label: string, ratio: number, goal: number): void => {
    if (Number.isNaN(ratio)) {
      out.push(`${label}: not measured in this run.`);
      return;
    }
    out.push(`${label}: ${ratio.toFixed(2)}× (goal ≥ ${goal}×) — ${ratio >= goal ? "met" : "**not met**"}.`);
  };
  check("Protected route, Gatehouse database sessions on SQLite vs bare Express", ours / rps("bare"), 0.9);
  check("The same vs Better Auth's getSession without cookie cache", ours / rps("better-auth"), 2);
  check("The same vs Auth.js's getSession", ours / rps("authjs"), 3);
  const row = coldStart?.rows.find((r) => r[0] === "Gatehouse, database sessions, SQLite");
  const ms = row ? Number(row[1]?.replaceAll(",", "")) : Number.NaN;
  out.push(
    Number.isNaN(ms)
      ? "Cold start of Gatehouse on SQLite: not measured in this run."
      : `Cold start of Gatehouse on SQLite: ${row![1]} ms (goal < 150 ms) — ${ms < 150 ? "met" : "**not met**"}.`,
  );
  return out;
}
