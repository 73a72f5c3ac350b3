import type { Table } from "./report.js";
import type { Summary } from "./scenarios/interleave.js";

const OURS = "Gatehouse, database sessions, SQLite";
const BARE = "bare Express (no auth)";
const FLOOR = "floor: bare Express + one SQLite read (no auth library)";

/** The median cold start of a row of the cold-start table, in ms (NaN when absent). */
function coldStartOf(table: Table | undefined, label: string): number {
  const row = table?.rows.find((r) => r[0] === label);
  return row ? Number(row[1]?.replaceAll(",", "")) : Number.NaN;
}

/** The goals of issue #5, checked against this run's medians. */
export function targets(
  protectedResults: Map<string, Summary> | undefined,
  coldStart: Table | undefined,
): string[] {
  const out: string[] = [];
  const rps = (id: string): number => protectedResults?.get(id)?.rps ?? Number.NaN;
  const cpu = (id: string): number => protectedResults?.get(id)?.cpu ?? Number.NaN;
  /** Checks `ours` against `peer` by req/s (the goal) and shows the ratio of CPU per request beside it. */
  const check = (label: string, ours: string, peer: string, goal: number, aside = ""): void => {
    const ratio = rps(ours) / rps(peer);
    if (Number.isNaN(ratio)) {
      out.push(`${label}: not measured in this run.`);
      return;
    }
    const byCpu = cpu(peer) / cpu(ours);
    out.push(
      `${label}: ${ratio.toFixed(2)}× by req/s (goal ≥ ${goal}×) — ${ratio >= goal ? "met" : "**not met**"}` +
        (Number.isNaN(byCpu) ? "." : `; ${byCpu.toFixed(2)}× by server CPU per request.`) +
        aside,
    );
  };
  const cached = rps("gatehouse-sqlite-cache") / rps("bare");
  check(
    "Protected route, Gatehouse database sessions on SQLite vs bare Express",
    "gatehouse-sqlite",
    "bare",
    0.9,
    Number.isNaN(cached) ? "" : ` With the cookie cache: ${cached.toFixed(2)}× by req/s.`,
  );
  const floor = rps("floor") / rps("bare");
  if (!Number.isNaN(floor)) {
    const floorCpu = cpu("bare") / cpu("floor");
    const share = rps("gatehouse-sqlite") / rps("floor");
    out.push(
      `The floor for any database-session check — bare Express plus one prepared better-sqlite3 read of the ` +
        `session row joined with its user, no signature, no hashing, no library — reaches ${floor.toFixed(2)}× of ` +
        `bare Express by req/s (${floorCpu.toFixed(2)}× by server CPU), so the 0.9× goal is ` +
        `${floor >= 0.9 ? "within" : "**beyond**"} reach on this machine for database sessions; Gatehouse gets ` +
        `${share.toFixed(2)}× of the floor's req/s.`,
    );
  }
  check("The same vs Better Auth's getSession without cookie cache", "gatehouse-sqlite", "better-auth", 2);
  check("The same vs Auth.js's getSession", "gatehouse-sqlite", "authjs", 3);
  const ms = coldStartOf(coldStart, OURS);
  const bare = coldStartOf(coldStart, BARE);
  out.push(
    Number.isNaN(ms)
      ? "Cold start of Gatehouse on SQLite: not measured in this run."
      : `Cold start of Gatehouse on SQLite: ${Math.round(ms)} ms (goal < 150 ms) — ${ms < 150 ? "met" : "**not met**"}.` +
          (Number.isNaN(bare)
            ? ""
            : ` Bare Express takes ${Math.round(bare)} ms here, so Gatehouse's own share is ${Math.round(ms - bare)} ms` +
              (bare >= 150
                ? "; with bare Express itself over 150 ms, the goal is **beyond** reach on this machine."
                : ".")),
  );
  const floorStart = coldStartOf(coldStart, FLOOR);
  if (!Number.isNaN(floorStart))
    out.push(
      `The floor server (Express and better-sqlite3, one read) starts in ${Math.round(floorStart)} ms.`,
    );
  return out;
}
