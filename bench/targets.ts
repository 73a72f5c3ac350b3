import type { Table } from "./report.js";
import { pairedRatio, type Summary } from "./scenarios/interleave.js";

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
  /** How `a` compares with `b` on the protected route: median of per-round ratios (NaN if either is missing). */
  const ratio = (a: string, b: string, metric: "rps" | "cpu"): number => {
    const x = protectedResults?.get(a);
    const y = protectedResults?.get(b);
    return x && y ? pairedRatio(x, y, metric) : Number.NaN;
  };
  // The floor does strictly more work than bare Express (the same route plus a SQLite read), so
  // a round where it answers more requests, or spends less CPU per request, than bare Express
  // measured the machine, not the servers: ratios to bare Express from such a run are not judged.
  const bareRounds = protectedResults?.get("bare")?.byRound;
  const floorRounds = protectedResults?.get("floor")?.byRound;
  const inverted =
    bareRounds && floorRounds
      ? bareRounds.rps
          .map((rps, i) =>
            floorRounds.rps[i]! > rps || floorRounds.cpu[i]! < bareRounds.cpu[i]! ? i + 1 : 0,
          )
          .filter((round) => round > 0)
      : [];
  if (inverted.length > 0)
    out.push(
      `**Noisy run**: in round ${inverted.join(", ")} of ${bareRounds?.rps.length} the floor (bare Express plus a ` +
        "SQLite read) beat bare Express, which is impossible unless the machine's speed changed under the run; " +
        "the goals measured against bare Express are not judged from this run.",
    );
  /** Checks `ours` against `peer` by req/s (the goal) and shows the ratio of CPU per request beside it. */
  const check = (label: string, ours: string, peer: string, goal: number, aside = ""): void => {
    const byRps = ratio(ours, peer, "rps");
    if (Number.isNaN(byRps)) {
      out.push(`${label}: not measured in this run.`);
      return;
    }
    const byCpu = ratio(peer, ours, "cpu");
    const verdict =
      peer === "bare" && inverted.length > 0
        ? "not judged (noisy run)"
        : byRps >= goal
          ? "met"
          : "**not met**";
    out.push(
      `${label}: ${byRps.toFixed(2)}× by req/s (goal ≥ ${goal}×) — ${verdict}` +
        (Number.isNaN(byCpu) ? "." : `; ${byCpu.toFixed(2)}× by server CPU per request.`) +
        aside,
    );
  };
  const cached = ratio("gatehouse-sqlite-cache", "bare", "rps");
  check(
    "Protected route, Gatehouse database sessions on SQLite vs bare Express",
    "gatehouse-sqlite",
    "bare",
    0.9,
    Number.isNaN(cached) ? "" : ` With the cookie cache: ${cached.toFixed(2)}× by req/s.`,
  );
  const floor = ratio("floor", "bare", "rps");
  if (!Number.isNaN(floor)) {
    const floorCpu = ratio("bare", "floor", "cpu");
    const share = ratio("gatehouse-sqlite", "floor", "rps");
    const rounds = protectedResults
      ?.get("floor")
      ?.byRound.rps.map((value, i) => value / (protectedResults.get("bare")?.byRound.rps[i] ?? Number.NaN));
    out.push(
      `The floor for any database-session check — bare Express plus one prepared better-sqlite3 read of the ` +
        `session row joined with its user, no signature, no hashing, no library — reaches ${floor.toFixed(2)}× of ` +
        `bare Express by req/s (${floorCpu.toFixed(2)}× by server CPU), so the 0.9× goal is ` +
        `${inverted.length > 0 ? "not judged (noisy run)" : floor >= 0.9 ? "within" : "**beyond**"} reach on this machine for database sessions; Gatehouse gets ` +
        `${share.toFixed(2)}× of the floor's req/s. The floor's ratio in each round: ` +
        `${(rounds ?? []).map((r) => `${r.toFixed(2)}×`).join(", ")}.`,
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
