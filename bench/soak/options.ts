import { resolve } from "node:path";
import { parseArgs } from "node:util";

/** The request kinds of the soak, in report order. */
export const KINDS = ["get-session", "sign-in", "sign-up", "sign-out"] as const;
export type Kind = (typeof KINDS)[number];

/** How long, how hard and against what a soak runs. */
export interface SoakOptions {
  /** Seconds of mixed load (the account set-up before it is not counted). */
  duration: number;
  /** Requests in flight at any moment. */
  concurrency: number;
  databases: ("sqlite" | "postgres")[];
  /** Virtual users (each one account, one connection, one source address unless `clientAddresses` is smaller). */
  users: number;
  /** Distinct loopback source addresses the users are spread over (1: all from 127.0.0.1). */
  clientAddresses: number;
  /** Weight of each kind in the mix. */
  mix: Record<Kind, number>;
  /** "default": the library's rate limits; "off": `rateLimit: { enabled: false }`. */
  rateLimit: "default" | "off";
  /** Seconds between memory samples. */
  sampleEvery: number;
  /** Share of the duration after which memory growth is measured (0.2: the first 20% is warm-up). */
  warmupShare: number;
  /** Milliseconds after which a request is abandoned as a timeout. */
  timeoutMs: number;
  seed: number;
  out?: string | undefined;
}

export const SOAK_USAGE = `npm run soak -- [--duration 10m] [--concurrency 20] [--db sqlite|postgres|both]
  [--users N] [--client-addresses N] [--mix 70,15,10,5] [--rate-limit default|off]
  [--sample-every 5s] [--warmup 20%] [--timeout 10s] [--seed N] [--out file.md]

  --duration          how long the mixed load runs: 30s, 2m, 1h (default 10m)
  --concurrency       requests in flight at once (default 20)
  --db                sqlite, postgres or both (default both; PostgreSQL is skipped when unreachable)
  --users             virtual users, each with its own account and connection (default 25 x concurrency)
  --client-addresses  loopback source addresses the users are spread over (default: one per user;
                      1 sends everything from 127.0.0.1, so per-address rate limits bite)
  --mix               weights of get-session, sign-in, sign-up, sign-out (default 70,15,10,5)
  --rate-limit        default: the library's rate limits (429 counts as intended); off: rateLimit.enabled=false
  --sample-every      seconds between memory samples of the server (default: duration/30, 1-5 s)
  --warmup            share of the duration before memory growth is measured (default 20%)
  --timeout           a request without an answer after this long is an unexpected error (default 10s)
  --seed              seed of the request mix (default 1)
  --out               also write the Markdown report to this file`;

/** Reads "30s", "2m", "1h", "1500ms" or a plain number of seconds; returns seconds. */
export function parseDuration(text: string, option: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!match) throw new TypeError(`${option}: "${text}" is not a duration such as 30s, 2m or 1h`);
  const value = Number(match[1]);
  const unit = match[2] ?? "s";
  const seconds =
    unit === "ms" ? value / 1000 : unit === "m" ? value * 60 : unit === "h" ? value * 3600 : value;
  if (seconds <= 0) throw new TypeError(`${option}: must be longer than 0`);
  return seconds;
}

/** Reads a positive whole number. */
export function parseCount(text: string, option: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1)
    throw new TypeError(`${option}: "${text}" is not a positive whole number`);
  return n;
}

function parseMix(text: string): Record<Kind, number> {
  const parts = text.split(",").map((p) => Number(p.trim()));
  if (parts.length !== KINDS.length || parts.some((p) => !Number.isFinite(p) || p < 0) || parts[0]! <= 0) {
    throw new TypeError(
      `--mix: "${text}" must be ${KINDS.length} weights (${KINDS.join(", ")}), get-session above 0`,
    );
  }
  return Object.fromEntries(KINDS.map((kind, i) => [kind, parts[i]!])) as Record<Kind, number>;
}

/** Reads the command line of `npm run soak`; prints the usage and exits on --help. */
export function parseSoakOptions(argv: string[]): SoakOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      duration: { type: "string", default: "10m" },
      concurrency: { type: "string", default: "20" },
      db: { type: "string", default: "both" },
      users: { type: "string" },
      "client-addresses": { type: "string" },
      mix: { type: "string", default: "70,15,10,5" },
      "rate-limit": { type: "string", default: "default" },
      "sample-every": { type: "string" },
      warmup: { type: "string", default: "20%" },
      timeout: { type: "string", default: "10s" },
      seed: { type: "string", default: "1" },
      out: { type: "string" },
      help: { type: "boolean", default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(SOAK_USAGE);
    process.exit(0);
  }
  const duration = parseDuration(values.duration, "--duration");
  const concurrency = parseCount(values.concurrency, "--concurrency");
  const db = values.db;
  if (db !== "sqlite" && db !== "postgres" && db !== "both")
    throw new TypeError(`--db: "${db}" must be sqlite, postgres or both`);
  const users = values.users === undefined ? concurrency * 25 : parseCount(values.users, "--users");
  if (users < concurrency)
    throw new TypeError(`--users: needs at least --concurrency (${concurrency}) users`);
  const clientAddresses =
    values["client-addresses"] === undefined
      ? users
      : Math.min(users, parseCount(values["client-addresses"], "--client-addresses"));
  const rateLimit = values["rate-limit"];
  if (rateLimit !== "default" && rateLimit !== "off")
    throw new TypeError(`--rate-limit: "${rateLimit}" must be default or off`);
  const warmupMatch = /^(\d+(?:\.\d+)?)%$/.exec(values.warmup);
  const warmupShare = warmupMatch ? Number(warmupMatch[1]) / 100 : Number.NaN;
  if (!(warmupShare >= 0 && warmupShare < 0.9))
    throw new TypeError(`--warmup: "${values.warmup}" must be 0% to 89%`);
  const sampleEvery =
    values["sample-every"] === undefined
      ? Math.min(5, Math.max(1, duration / 30))
      : parseDuration(values["sample-every"], "--sample-every");
  return {
    duration,
    concurrency,
    databases: db === "both" ? ["sqlite", "postgres"] : [db],
    users,
    clientAddresses,
    mix: parseMix(values.mix),
    rateLimit,
    sampleEvery,
    warmupShare,
    timeoutMs: parseDuration(values.timeout, "--timeout") * 1000,
    seed: parseCount(values.seed, "--seed"),
    out: values.out === undefined ? undefined : resolve(values.out),
  };
}
