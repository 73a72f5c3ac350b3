import type { Contender } from "../contenders.js";
import { formatMs, formatRate, formatRatio, type Table } from "../report.js";
import { problemNote, type Summary } from "./interleave.js";

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
  /** Requests per second the ratio column divides by (bare Express on the same path). */
  baseline?: { rps: number; label: string };
  notApplicable?: Record<string, string>;
  notes?: string[];
}

/** One row per contender: req/s, p50, p99 and the ratio to the baseline. */
export function throughputTable(options: ThroughputTableOptions): Table {
  const { baseline } = options;
  const columns = ["Contender", "req/s", "p50 (ms)", "p99 (ms)"];
  if (baseline) columns.push(`vs ${baseline.label}`);
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
    ];
    if (baseline) row.push(formatRatio(summary.rps / baseline.rps));
    return row;
  });
  return { id: options.id, title: options.title, intro: options.intro, columns, rows, notes };
}
