import type { Machine } from "../machine.js";
import { formatMs } from "../report.js";
import { growthOf, type Growth, type MemoryTrace, retainedGrowth } from "./memory.js";
import { KINDS, type SoakOptions } from "./options.js";
import { percentile } from "./stats.js";
import type { Tally } from "./tally.js";

/** What one database's soak gave (or why it did not run). */
export interface SoakResult {
  label: string;
  skipped?: string | undefined;
  rateLimit?: string | undefined;
  /** Accounts signed up before the load, and how long that took (s). */
  setup?: { accounts: number; seconds: number } | undefined;
  /** Seconds the load ran. */
  elapsed?: number | undefined;
  tally?: Tally | undefined;
  trace?: MemoryTrace | undefined;
  /** Server CPU seconds used during the load. */
  cpuSeconds?: number | undefined;
  serverLog?: { lines: number; head: string[] } | undefined;
  /** Set when the server process died during the load. */
  crashed?: string | undefined;
}

const int = (n: number): string => Math.round(n).toLocaleString("en-US");
const rate = (n: number): string => (n >= 100 ? int(n) : n.toFixed(1));
const mb = (bytes: number): string => (bytes / 1e6).toFixed(1);
const signedMb = (bytes: number): string => `${bytes >= 0 ? "+" : "−"}${Math.abs(bytes / 1e6).toFixed(1)}`;
const cell = (text: string): string => text.replaceAll("|", "\\|");

function table(columns: string[], rows: string[][]): string[] {
  return [
    `| ${columns.join(" | ")} |`,
    `| ${columns.map((_, i) => (i === 0 ? "---" : "---:")).join(" | ")} |`,
    ...rows.map((row) => `| ${row.map(cell).join(" | ")} |`),
  ];
}

/** The row of the requests table for one kind (or all). */
function requestRow(
  name: string,
  tally: Tally,
  kinds: readonly (typeof KINDS)[number][],
  elapsed: number,
): string[] {
  const parts = kinds.map((k) => tally.kinds[k]);
  const sum = (pick: (p: (typeof parts)[number]) => number): number => parts.reduce((s, p) => s + pick(p), 0);
  const requests = sum((p) => p.requests);
  const latencies = kinds.length === 1 ? parts[0]!.latency.sorted() : undefined;
  const answers =
    kinds.length === 1
      ? [...parts[0]!.answers]
          .sort((a, b) => b[1].count - a[1].count)
          .map(
            ([label, { count, verdict }]) => `${label} ×${int(count)}${verdict === "unexpected" ? " ⚠" : ""}`,
          )
          .join("; ")
      : "";
  return [
    name,
    int(requests),
    tally.total > 0 ? `${((100 * requests) / tally.total).toFixed(1)}%` : "—",
    rate(requests / elapsed),
    int(sum((p) => p.ok)),
    int(sum((p) => p.intended)),
    int(sum((p) => p.unexpected)),
    latencies ? formatMs(percentile(latencies, 50)) : "",
    latencies ? formatMs(percentile(latencies, 99)) : "",
    answers,
  ];
}

function memoryRow(name: string, growth: Growth | undefined, note: string): string[] {
  if (!growth) return [name, "—", "—", "—", "—", "—"];
  return [
    name,
    mb(growth.atWarmupEnd),
    mb(growth.atEnd),
    mb(growth.peak),
    signedMb(growth.growth),
    `${signedMb(growth.perMinute)} ${note}`,
  ];
}

/**
 * Up to ten rows of the run over time: throughput, unexpected answers and memory. A short last
 * stretch (the sample taken when the load stopped) joins the row before it.
 */
function timeline(trace: MemoryTrace): string[][] {
  const samples = trace.samples;
  if (samples.length < 2) return [];
  const step = Math.max(1, Math.ceil((samples.length - 1) / 10));
  const bounds: number[] = [];
  for (let i = 0; i < samples.length - 1; i += step) bounds.push(i);
  const last = samples.length - 1;
  const span = samples[Math.min(step, last)]!.t - samples[0]!.t;
  if (bounds.length > 1 && samples[last]!.t - samples[bounds[bounds.length - 1]!]!.t < span / 2) bounds.pop();
  bounds.push(last);
  const rows: string[][] = [];
  for (let b = 1; b < bounds.length; b++) {
    const from = samples[bounds[b - 1]!]!;
    const to = samples[bounds[b]!]!;
    if (to.t <= from.t) continue;
    rows.push([
      `${from.t.toFixed(0)}–${to.t.toFixed(0)}`,
      rate((to.requests - from.requests) / (to.t - from.t)),
      int(to.unexpected - from.unexpected),
      mb(to.rss),
      mb(to.heapUsed),
    ]);
  }
  return rows;
}

function section(result: SoakResult, options: SoakOptions): string[] {
  const lines = [`## ${result.label}`, ""];
  if (result.skipped) return [...lines, `Skipped: ${result.skipped}.`, ""];
  const { tally, elapsed = 0, trace } = result;
  if (!tally || !trace) return [...lines, "Did not run.", ""];
  const warm = trace.warmupEnd;
  lines.push(
    `${int(tally.total)} requests in ${elapsed.toFixed(1)} s (${rate(tally.total / elapsed)}/s) at concurrency ${options.concurrency}` +
      (result.setup
        ? `, after signing up ${int(result.setup.accounts)} accounts in ${result.setup.seconds.toFixed(1)} s`
        : "") +
      `. Unexpected answers: **${int(tally.unexpected)}**.` +
      (result.crashed ? ` **⚠ ${result.crashed}.**` : "") +
      (result.cpuSeconds !== undefined
        ? ` Server CPU: ${((100 * result.cpuSeconds) / elapsed).toFixed(0)}% of one core (${formatMs((1000 * result.cpuSeconds) / Math.max(1, tally.total))} ms per request).`
        : ""),
    "",
    `Rate limits: ${result.rateLimit ?? "unknown"}.`,
    "",
    ...table(
      [
        "Kind",
        "Requests",
        "Share",
        "req/s",
        "OK",
        "Intended",
        "Unexpected",
        "p50 ms",
        "p99 ms",
        "Answers (⚠ unexpected)",
      ],
      [
        ...KINDS.map((kind) => requestRow(kind, tally, [kind], elapsed)),
        requestRow("all", tally, KINDS, elapsed),
      ],
    ),
    "",
    ...table(
      [
        "Memory (MB)",
        `End of warm-up (${warm.toFixed(0)} s)`,
        "End of load",
        "Peak",
        "Growth",
        "Rate (MB/min)",
      ],
      [
        memoryRow("RSS", growthOf(trace, "rss"), "(slope)"),
        memoryRow("Heap used", growthOf(trace, "heapUsed"), "(slope)"),
        memoryRow("Heap after full GC", retainedGrowth(trace), "(two readings)"),
      ],
    ),
    "",
    ...table(["Seconds", "req/s", "Unexpected", "RSS MB", "Heap used MB"], timeline(trace)),
    "",
  );
  for (const kind of KINDS) {
    const k = tally.kinds[kind];
    const limited = [...k.answers]
      .filter(([label]) => label.startsWith("429"))
      .reduce((n, [, a]) => n + a.count, 0);
    if (k.requests > 0 && limited / k.requests > 0.05) {
      const perUser = (60 * k.requests) / elapsed / options.clientAddresses;
      lines.push(
        `Rate limits refused ${((100 * limited) / k.requests).toFixed(0)}% of ${kind}: each client address sent ` +
          `about ${perUser.toFixed(1)} a minute. Raise --users (or --client-addresses) to keep the load real work.`,
        "",
      );
    }
  }
  if (tally.examples.length > 0) {
    lines.push("Unexpected answers (first ten):", "");
    for (const e of tally.examples) lines.push(`- ${e.kind}: ${e.label} — ${e.detail.replaceAll("`", "'")}`);
    lines.push("");
  }
  const log = result.serverLog;
  if (log && log.lines > 0) {
    lines.push(
      `The server wrote ${int(log.lines)} log line(s); the first ones:`,
      "",
      "```",
      ...log.head.slice(0, 10),
      "```",
      "",
    );
  } else {
    lines.push("The server wrote nothing to stdout or stderr.", "");
  }
  return lines;
}

/** Where and how the run was made, besides the machine. */
export interface RunContext {
  machine: Machine;
  /** `npm run soak -- …` as given. */
  command: string;
  /** The load average when the run started (the machine may be shared). */
  load: string;
  /** Whether src/ matched the commit. */
  source: string;
}

/** The Markdown report of a soak run. */
export function renderSoakReport(results: SoakResult[], options: SoakOptions, context: RunContext): string {
  const { machine } = context;
  const mix = KINDS.map((k) => `${k} ${options.mix[k]}`).join(" / ");
  const minutes =
    options.duration >= 60
      ? `${(options.duration / 60).toFixed(options.duration % 60 ? 1 : 0)} min`
      : `${options.duration} s`;
  const summaryRows = results.map((r) => {
    if (r.skipped || !r.tally || !r.trace) return [r.label, "skipped", "—", "—", "—", "—", "—"];
    const rss = growthOf(r.trace, "rss");
    const heap = retainedGrowth(r.trace);
    const elapsed = r.elapsed ?? 0;
    return [
      r.label,
      `${elapsed.toFixed(0)} s`,
      int(r.tally.total),
      rate(r.tally.total / elapsed),
      int(r.tally.unexpected) + (r.crashed ? " + server exited ⚠" : ""),
      rss ? `${signedMb(rss.growth)} MB (${signedMb(rss.perMinute)} MB/min)` : "—",
      heap ? `${signedMb(heap.growth)} MB (${signedMb(heap.perMinute)} MB/min)` : "—",
    ];
  });
  return [
    "# Soak test",
    "",
    "<!-- Written by `npm run soak` (bench/soak.ts). -->",
    "",
    `- Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.os}; Node ${machine.node}; ${context.load}`,
    `- Date: ${machine.date}; commit ${machine.commit}; ${context.source}`,
    `- Command: \`${context.command}\``,
    `- Load: ${minutes} per database, concurrency ${options.concurrency} (requests in flight), ` +
      `${int(options.users)} virtual users on ${int(options.clientAddresses)} loopback source address(es); ` +
      `mix ${mix} (seed ${options.seed}); memory sampled every ${options.sampleEvery.toFixed(1)} s, ` +
      `growth measured after the first ${Math.round(options.warmupShare * 100)}% of the run`,
    "",
    "## How it runs",
    "",
    "- The server is Gatehouse from `src/` (run through tsx, not the build) in its own Node process, " +
      "NODE_ENV=production, `toNodeHandler(auth)` on an Express 5 app at /api/auth, started with `--expose-gc` " +
      "so the heap can be read after a full collection. Options: the library's defaults plus a database, " +
      "email + password on, a mail function that sends nothing, and the rate-limit setting named in each section.",
    "- Each virtual user is a browser-like client: one keep-alive connection from its own 127.x.y.z address " +
      "(Linux routes all of 127.0.0.0/8 to loopback, so per-address rate limits see many clients, as in production), " +
      "a cookie jar, an Origin header on POSTs. Users sign up before the timed run (not counted); passwords are " +
      "`soak-Pw-` + 12 random characters, in no common-password list.",
    "- Kinds: get-session checks the user's own session (a signed-out user must get `null`); sign-in uses the " +
      "account's password (a new session each time); sign-up makes a new account that the user then keeps; " +
      "sign-out goes to a signed-in user.",
    "- OK is the work done as asked. Intended is a refusal or empty answer the server is meant to give: 429 from " +
      "a rate limit, `null` (or 401) for a signed-out session check. Unexpected is everything else: 5xx, any other " +
      "status, a 200 with the wrong body (another user, a lost session, a session alive after sign-out), socket errors " +
      "and timeouts. The command exits non-zero when there is any. Latency p50/p99 is over OK answers.",
    "- Memory: RSS and heap used from `process.memoryUsage()` of the server, under load; growth is the last sample " +
      "against the first after the warm-up, the rate the least-squares slope of all of them. Both swing by tens of MB " +
      "with the password hashes in flight (argon2id takes 19 MiB each), so a short run's RSS figures are noise. Heap " +
      "after full GC is read once at the end of the warm-up and once after the load: the steadiest sign of a leak. " +
      "The databases grow during a run (a session per sign-in and sign-up).",
    "",
    "## Summary",
    "",
    ...table(
      [
        "Database",
        "Ran",
        "Requests",
        "req/s",
        "Unexpected",
        "RSS growth (end − warm-up; slope)",
        "Heap after full GC growth",
      ],
      summaryRows,
    ),
    "",
    ...results.flatMap((r) => section(r, options)),
  ].join("\n");
}
