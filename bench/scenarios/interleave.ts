import type { Prepared } from "../contenders.js";
import { type LoadResult, type LoadSpec, runLoad } from "../load.js";
import type { RunningServer } from "../process.js";
import { median } from "../report.js";
import type { Settings } from "../settings.js";

/** A running server of one contender (or one contender at one database size). */
export interface Target {
  key: string;
  label: string;
  prepared: Prepared;
  server: RunningServer;
}

/** A load run's request, without its timing (the interleaver sets that). */
export type Request = Omit<LoadSpec, "connections" | "duration" | "amount"> & {
  /** Each request is slow (password hashing): quick mode sends a tenth as many. */
  slow?: boolean;
};

/** The medians of several rounds of one target. */
export interface Summary {
  rps: number;
  p50: number;
  p99: number;
  /** Server CPU time per response, in microseconds (NaN when not measured). */
  cpu: number;
  rounds: number;
  /** req/s and CPU per request of each round, in round order (for paired ratios). */
  byRound: { rps: number[]; cpu: number[] };
  responses: number;
  unexpected: number;
  errors: number;
  statuses: Record<string, number>;
}

/**
 * How `a` compares with `b`: the median over rounds of a's value divided by b's in the same
 * round. Contenders run one after another within a round, so drift of a shared machine between
 * rounds (seen here at ±30 % of req/s) cancels in each round's ratio, where a ratio of medians
 * would mix rounds. Falls back to the ratio of medians when the rounds do not pair up.
 */
export function pairedRatio(a: Summary, b: Summary, metric: "rps" | "cpu"): number {
  const x = a.byRound[metric];
  const y = b.byRound[metric];
  if (x.length === 0 || x.length !== y.length) return a[metric] / b[metric];
  return median(x.map((value, i) => value / (y[i] as number)));
}

/** Medians of rps, p50, p99 and CPU per request taken separately; counts summed. */
export function summarize(results: LoadResult[], cpu: number[] = []): Summary {
  const statuses: Record<string, number> = {};
  for (const r of results)
    for (const [code, n] of Object.entries(r.statuses)) statuses[code] = (statuses[code] ?? 0) + n;
  return {
    rps: median(results.map((r) => r.rps)),
    p50: median(results.map((r) => r.p50)),
    p99: median(results.map((r) => r.p99)),
    cpu: median(cpu),
    rounds: results.length,
    byRound: { rps: results.map((r) => r.rps), cpu },
    responses: results.reduce((n, r) => n + r.responses, 0),
    unexpected: results.reduce((n, r) => n + r.unexpected, 0),
    errors: results.reduce((n, r) => n + r.errors, 0),
    statuses,
  };
}

/**
 * Runs one scenario against every target, interleaved: a warm-up each, then round 1 for A, B,
 * C …, round 2 for A, B, C …, so drift of the machine (thermal, other load) hits all alike.
 * `request` is called right before every run (e.g. to sign in for a fresh cookie).
 */
export async function interleave(
  scenario: string,
  targets: Target[],
  request: (target: Target) => Promise<Request>,
  settings: Settings,
): Promise<Map<string, Summary>> {
  const results = new Map<string, LoadResult[]>(targets.map((t) => [t.key, []]));
  const cpu = new Map<string, number[]>(targets.map((t) => [t.key, []]));
  const base = { connections: settings.connections };
  const length = (req: Request, duration: number): { duration: number } | { amount: number } =>
    settings.quickAmount === undefined
      ? { duration }
      : {
          amount: req.slow ? Math.max(settings.connections, settings.quickAmount / 10) : settings.quickAmount,
        };
  if (settings.quickAmount === undefined) {
    for (const target of targets) {
      const req = await request(target);
      await runLoad({ ...base, ...req, ...length(req, settings.warmup) });
    }
  }
  for (let round = 1; round <= settings.rounds; round++) {
    for (const target of targets) {
      const req = await request(target);
      const cpuBefore = await target.server.cpu();
      const result = await runLoad({ ...base, ...req, ...length(req, settings.duration) });
      const cpuPerResponse = ((await target.server.cpu()) - cpuBefore) / result.responses;
      results.get(target.key)!.push(result);
      cpu.get(target.key)!.push(cpuPerResponse);
      const flag =
        result.unexpected > 0 ? ` (${result.unexpected} unexpected: ${JSON.stringify(result.statuses)})` : "";
      console.log(
        `[${scenario}] round ${round}/${settings.rounds} ${target.label}: ${Math.round(result.rps)} req/s, p50 ${result.p50.toFixed(2)} ms, p99 ${result.p99.toFixed(2)} ms, ${Math.round(cpuPerResponse)} µs CPU/req${flag}`,
      );
    }
  }
  return new Map([...results].map(([key, list]) => [key, summarize(list, cpu.get(key))]));
}

/** A footnote for a summary with answers of the wrong status or connection errors, else null. */
export function problemNote(label: string, summary: Summary, expected: number): string | null {
  if (summary.unexpected === 0 && summary.errors === 0) return null;
  const others = Object.entries(summary.statuses)
    .filter(([code]) => Number(code) !== expected)
    .map(([code, n]) => `${n}× ${code}`)
    .join(", ");
  return `⚠ ${label}: ${summary.unexpected} of ${summary.responses} responses were not ${expected}${others ? ` (${others})` : ""}, ${summary.errors} connection errors; only ${expected}s count towards req/s.`;
}
