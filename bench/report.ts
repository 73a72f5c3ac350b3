import type { Machine } from "./machine.js";

/** One table of the report: a title, what it measures, rows whose first cell is the contender. */
export interface Table {
  id: string;
  title: string;
  intro: string;
  columns: string[];
  rows: string[][];
  notes: string[];
}

/** The median of a list of numbers (NaN for an empty list). */
export function median(values: number[]): number {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Requests per second, rounded for reading ("12,345" or "12.3" for small rates). */
export function formatRate(rps: number): string {
  if (Number.isNaN(rps)) return "—";
  return rps >= 100 ? Math.round(rps).toLocaleString("en-US") : rps.toFixed(1);
}

/** Milliseconds with two significant decimals under 10 ms. */
export function formatMs(ms: number): string {
  if (Number.isNaN(ms)) return "—";
  return ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : Math.round(ms).toLocaleString("en-US");
}

/** Bytes as MB (10^6), one decimal. */
export function formatMB(bytes: number): string {
  return Number.isNaN(bytes) ? "—" : (bytes / 1e6).toFixed(1);
}

/** A ratio such as "0.93×". */
export function formatRatio(ratio: number): string {
  return Number.isFinite(ratio) ? `${ratio.toFixed(2)}×` : "—";
}

function renderTable(table: Table): string {
  const cellText = (cell: string): string => cell.replaceAll("|", "\\|");
  const lines = [
    `## ${table.title}`,
    "",
    table.intro,
    "",
    `| ${table.columns.map(cellText).join(" | ")} |`,
    `| ${table.columns.map((_, i) => (i === 0 ? "---" : "---:")).join(" | ")} |`,
    ...table.rows.map((row) => `| ${row.map(cellText).join(" | ")} |`),
  ];
  if (table.notes.length > 0) lines.push("", ...table.notes.map((note) => `- ${note}`));
  return lines.join("\n");
}

/** What the whole report says besides the tables. */
export interface ReportContext {
  machine: Machine;
  quick: boolean;
  method: string[];
  targets: string[];
  findings: string;
}

/** The Markdown document written to docs/benchmarks.md (or --out). */
export function renderReport(tables: Table[], context: ReportContext): string {
  const { machine } = context;
  const versions = Object.entries(machine.versions)
    .map(([name, version]) => `${name} ${version}`)
    .join(", ");
  return [
    "# Benchmarks",
    "",
    "<!-- Written by `npm run bench` (bench/run.ts); edit the harness, not this file. -->",
    "",
    ...(context.quick
      ? ["**Quick mode (`--quick`): a smoke run with tiny numbers. Do not quote these figures.**", ""]
      : []),
    `- Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.os}`,
    `- Node ${machine.node}; ${versions}`,
    `- Date: ${machine.date}; commit ${machine.commit}`,
    "",
    "## How it was measured",
    "",
    ...context.method.map((line) => `- ${line}`),
    "",
    "## Targets",
    "",
    ...context.targets.map((line) => `- ${line}`),
    "",
    ...tables.flatMap((table) => [renderTable(table), ""]),
    context.findings.trim(),
    "",
  ].join("\n");
}
