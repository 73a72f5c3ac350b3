import type { Machine } from "../machine.js";
import { formatMs } from "../report.js";
import type { AuditOptions } from "./options.js";
import { mannWhitneyP, type Summary, summarize } from "./stats.js";

/** What one case (unknown or known email) of a check measured. */
export interface CaseResult {
  name: string;
  /** Milliseconds of each counted try. */
  times: number[];
  /** "status body" -> count, for comparing what the two cases answered. */
  answers: Map<string, number>;
}

/** One check: the same request with an unknown and a known email. */
export interface CheckResult {
  title: string;
  unknown: CaseResult;
  known: CaseResult;
  /** Tries that failed outright (transport error or a status other than the expected one). */
  failures: number;
}

/** Everything the report states besides the checks. */
export interface AuditContext {
  machine: Machine;
  /** `npm run audit:timing -- …` as given. */
  command: string;
  /** The load average when the run started (the machine may be shared). */
  load: string;
  /** Whether src/ matched the commit. */
  source: string;
  options: AuditOptions;
  rateLimit: string;
  /** Mails the SMTP sink received for the known-email reset requests, and how many were expected. */
  mails?: { received: number; expected: number } | undefined;
  seconds: number;
}

const pct = (part: number, whole: number): string =>
  `${part >= 0 ? "+" : "−"}${Math.abs((100 * part) / whole).toFixed(1)}%`;
const ms = (n: number): string => `${n >= 0 ? "+" : "−"}${formatMs(Math.abs(n))}`;
const cell = (text: string): string => text.replaceAll("|", "\\|");
/** A p-value for reading: two significant digits, "< 1e-6" below that. */
const pValue = (p: number): string => (Number.isNaN(p) ? "—" : p < 1e-6 ? "< 1e-6" : p.toPrecision(2));

/** A Markdown table; columns named in `left` are left-aligned, the others (numbers) right-aligned. */
function table(columns: string[], rows: string[][], left: string[]): string[] {
  return [
    `| ${columns.join(" | ")} |`,
    `| ${columns.map((c) => (left.includes(c) ? "---" : "---:")).join(" | ")} |`,
    ...rows.map((row) => `| ${row.map(cell).join(" | ")} |`),
  ];
}

function sameAnswers(check: CheckResult): boolean {
  const a = [...check.unknown.answers.keys()];
  const b = [...check.known.answers.keys()];
  return a.length === 1 && b.length === 1 && a[0] === b[0];
}

/**
 * The verdict of one check in words. A difference of the medians beyond the threshold counts
 * only when the test also finds it (p < 0.01); otherwise it is called noise of the machine.
 */
export function verdict(check: CheckResult, threshold: number): string {
  if (check.failures > 0) return `⚠ ${check.failures} tries failed; the timings are not comparable`;
  if (!sameAnswers(check)) return "⚠ the answers differ between unknown and known emails";
  const u = summarize(check.unknown.times);
  const k = summarize(check.known.times);
  const diff = k.median - u.median;
  const share = (100 * Math.abs(diff)) / u.median;
  const p = mannWhitneyP(check.unknown.times, check.known.times);
  const detectable = p < 0.01;
  if (share <= threshold) {
    return (
      `✓ medians within ${threshold}% (${share.toFixed(1)}%)` +
      (detectable
        ? `, though a difference is detectable over ${u.n} tries each (p ${pValue(p).startsWith("<") ? "" : "= "}${pValue(p)})`
        : "")
    );
  }
  if (!detectable) {
    return `~ medians ${share.toFixed(1)}% apart, but not detectably (p = ${pValue(p)}): noise; more tries would tell`;
  }
  return `⚠ known email ${diff > 0 ? "slower" : "faster"} by ${formatMs(Math.abs(diff))} ms (${share.toFixed(0)}% of the unknown-email median)`;
}

function caseRow(title: string, c: CaseResult, s: Summary): string[] {
  return [title, c.name, String(s.n), formatMs(s.median), formatMs(s.p90), formatMs(s.mean), formatMs(s.min)];
}

/** The Markdown report of a timing audit. */
export function renderAuditReport(checks: CheckResult[], context: AuditContext): string {
  const { machine, options } = context;
  const resultRows = checks.flatMap((check) => [
    caseRow(check.title, check.unknown, summarize(check.unknown.times)),
    caseRow("", check.known, summarize(check.known.times)),
  ]);
  const diffRows = checks.map((check) => {
    const u = summarize(check.unknown.times);
    const k = summarize(check.known.times);
    const p = mannWhitneyP(check.unknown.times, check.known.times);
    return [
      check.title,
      ms(k.median - u.median),
      pct(k.median - u.median, u.median),
      ms(k.mean - u.mean),
      pct(k.mean - u.mean, u.mean),
      pValue(p),
      sameAnswers(check) ? "yes" : "no",
      verdict(check, options.threshold),
    ];
  });
  const answers = checks.flatMap((check) =>
    [check.unknown, check.known].map(
      (c) =>
        `- ${check.title}, ${c.name}: ${[...c.answers]
          .map(([answer, count]) => `${count} × \`${answer.replaceAll("`", "'")}\``)
          .join("; ")}`,
    ),
  );
  const mail =
    options.mail === "smtp"
      ? "a local SMTP sink (smtp-server on 127.0.0.1, in the audit's process) that accepts every message and keeps it; the server talks SMTP to it through nodemailer (`email.transport` is its `smtp://` URL)"
      : "a transport function that resolves at once (`email.transport: async () => {}`)";
  return [
    "# Timing audit: unknown vs known email",
    "",
    "<!-- Written by `npm run audit:timing` (bench/audit-timing.ts). -->",
    "",
    `- Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.os}; Node ${machine.node}; ${context.load}`,
    `- Date: ${machine.date}; commit ${machine.commit}; ${context.source}; took ${context.seconds.toFixed(0)} s`,
    `- Command: \`${context.command}\``,
    `- ${options.tries} tries per case and check after ${options.warmup} warm-up pairs; ` +
      `threshold for "the same": ${options.threshold}% of the unknown-email median`,
    "",
    "## How it was measured",
    "",
    "- The server is Gatehouse from `src/` (through tsx, not the build) in its own Node process, NODE_ENV=production, " +
      `\`toNodeHandler(auth)\` on Express 5, on ${options.database === "sqlite" ? "SQLite" : "PostgreSQL"}.`,
    `- Rate limits: ${context.rateLimit}, so hundreds of failed sign-ins from one address are not refused.`,
    `- Mail: ${mail}.`,
    "- One keep-alive connection, one request at a time. Tries are interleaved in pairs whose order alternates " +
      "(unknown, known, known, unknown, …) so drift of the shared machine hits both cases alike. Every known try " +
      "uses another account (signed up before, not counted), so no per-account counter builds up; unknown emails " +
      "are fresh random addresses.",
    "- Time is what the HTTP client sees: from sending the request to the last byte of the answer. Mail sent after " +
      "the answer (if the flow sends in the background) is not in it.",
    "- Sign-in: unknown email vs known email with a wrong password; both must answer 401. Password-reset request: " +
      "unknown vs known email; both must answer 200 with the same body.",
    "- The Mann–Whitney p says whether the two sets of times differ at all (small p: yes, whatever the size). " +
      "Verdict: ✓ when the medians are within the threshold; ⚠ when they are further apart and p < 0.01; " +
      "~ when they are further apart but the test cannot tell them from noise.",
    "",
    "## Times (ms)",
    "",
    ...table(["Check", "Case", "Tries", "Median", "p90", "Mean", "Min"], resultRows, ["Check", "Case"]),
    "",
    "## Differences (known − unknown)",
    "",
    ...table(
      [
        "Check",
        "Δ median ms",
        "Δ median %",
        "Δ mean ms",
        "Δ mean %",
        "Mann–Whitney p",
        "Same answer",
        "Verdict",
      ],
      diffRows,
      ["Check", "Same answer", "Verdict"],
    ),
    "",
    "## Answers",
    "",
    ...answers,
    ...(context.mails
      ? [
          `- Mails received by the SMTP sink for the known-email reset requests (warm-up included): ${context.mails.received} of ${context.mails.expected}`,
        ]
      : []),
    "",
  ].join("\n");
}
