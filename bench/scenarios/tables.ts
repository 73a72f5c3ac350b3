import type { Contender } from "../contenders.js";
import { formatMs, formatRate, formatRatio, type Table } from "../report.js";
import { pairedRatio, problemNote, type Summary } from "./interleave.js";

/** Why a contender has no numbers in one table: not built, unreachable, or not applicable. */
export function missingReason(
  contender: Contender,
  notApplicable: Record<string, string> = {},
): string | null {
  return contender.unavailable ?? notApplicable[contender.id] ?? null;
}

/** Options of {@link throughputTable}. */
export interface ThroughputTableOptions {
  id: string;
  title: string;
  intro: string;
  contenders: Contender[];
  results: Map<string, Summary>;
  /** The status a correct answer has. */
  expected: number;
  /** What the ratio columns compare with (bare Express on the same path). */
  baseline?: { summary: Summary; label: string };
  notApplicable?: Record<string, string>;
  notes?: string[];
}

/**
 * One row per contender: req/s, p50, p99, the server's CPU time per request and, with a
 * baseline, both ratios to it (req/s, and CPU per request inverted, so higher is better in both),
 * each the median of the per-round ratios ({@link pairedRatio}).
 */
export function throughputTable(options: ThroughputTableOptions): Table {
  const { baseline } = options;
  const columns = ["Contender", "req/s", "p50 (ms)", "p99 (ms)", "server CPU (µs/req)"];
  if (baseline) columns.push(`vs ${baseline.label} (req/s)`, `vs ${baseline.label} (CPU)`);
  const notes = [...(options.notes ?? [])];
  const rows = options.contenders.map((contender) => {
    const reason = missingReason(contender, options.notApplicable);
    const summary = options.results.get(contender.id);
    if (reason || !summary) {
      return [contender.label, reason ?? "not run", ...columns.slice(2).map(() => "—")];
    }
    const note = problemNote(contender.label, summary, options.expected);
    if (note) notes.push(note);
    const row = [
      contender.label,
      formatRate(summary.rps) + (note ? " ⚠" : ""),
      formatMs(summary.p50),
      formatMs(summary.p99),
      Number.isNaN(summary.cpu) ? "—" : Math.round(summary.cpu).toLocaleString("en-US"),
    ];
    if (baseline) {
      row.push(
        formatRatio(pairedRatio(summary, baseline.summary, "rps")),
        formatRatio(pairedRatio(baseline.summary, summary, "cpu")),
      );
    }
    return row;
  });
  return { id: options.id, title: options.title, intro: options.intro, columns, rows, notes };
}
