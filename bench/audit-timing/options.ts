import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { parseCount, parseDuration } from "../soak/options.js";

/** How the timing audit runs. */
export interface AuditOptions {
  /** Measured tries of each case (unknown and known), per check. */
  tries: number;
  /** Pairs sent first and not counted (JIT, connection, caches). */
  warmup: number;
  database: "sqlite" | "postgres";
  /** "smtp": a real SMTP sink on 127.0.0.1 (nodemailer talks SMTP to it); "function": a transport that resolves at once. */
  mail: "smtp" | "function";
  /** Percent of the unknown-email median within which the two medians count as the same. */
  threshold: number;
  timeoutMs: number;
  out?: string | undefined;
}

export const AUDIT_USAGE = `npm run audit:timing -- [--tries 200] [--warmup 20] [--db sqlite|postgres]
  [--mail smtp|function] [--threshold 5] [--timeout 10s] [--out file.md]

  --tries      measured requests of each case per check (default 200)
  --warmup     pairs sent first and not counted (default 20)
  --db         database of the server (default sqlite)
  --mail       smtp: a local SMTP sink that accepts every message and delivers none (default);
               function: a mail transport function that resolves at once
  --threshold  medians within this % of the unknown-email median count as the same (default 5)
  --timeout    a request without an answer after this long fails the run (default 10s)
  --out        also write the Markdown report to this file`;

/** Reads the command line of `npm run audit:timing`; prints the usage and exits on --help. */
export function parseAuditOptions(argv: string[]): AuditOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      tries: { type: "string", default: "200" },
      warmup: { type: "string", default: "20" },
      db: { type: "string", default: "sqlite" },
      mail: { type: "string", default: "smtp" },
      threshold: { type: "string", default: "5" },
      timeout: { type: "string", default: "10s" },
      out: { type: "string" },
      help: { type: "boolean", default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(AUDIT_USAGE);
    process.exit(0);
  }
  const { db, mail } = values;
  if (db !== "sqlite" && db !== "postgres") throw new TypeError(`--db: "${db}" must be sqlite or postgres`);
  if (mail !== "smtp" && mail !== "function")
    throw new TypeError(`--mail: "${mail}" must be smtp or function`);
  const threshold = Number(values.threshold);
  if (!(threshold > 0))
    throw new TypeError(`--threshold: "${values.threshold}" must be a positive percentage`);
  const warmup = Number(values.warmup);
  if (!Number.isInteger(warmup) || warmup < 0)
    throw new TypeError(`--warmup: "${values.warmup}" must be 0 or more`);
  return {
    tries: parseCount(values.tries, "--tries"),
    warmup,
    database: db,
    mail,
    threshold,
    timeoutMs: parseDuration(values.timeout, "--timeout") * 1000,
    out: values.out === undefined ? undefined : resolve(values.out),
  };
}
