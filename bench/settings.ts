import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { ROOT } from "./compile.js";

/** Every scenario, in the order they run and appear. */
export const SCENARIOS = [
  "protected",
  "no-cookie",
  "get-session",
  "sign-in",
  "sign-up",
  "growth",
  "cold-start",
  "memory",
  "footprint",
] as const;
export type ScenarioId = (typeof SCENARIOS)[number];

/** How long and how hard to run. */
export interface Settings {
  quick: boolean;
  /** Rounds of every load scenario; the median of the rounds is reported. */
  rounds: number;
  /**
   * Seconds per load run and per warm-up run before a server's first round. Quick mode sends a
   * fixed number of requests instead and skips the warm-up.
   */
  duration: number;
  warmup: number;
  /** Quick mode: requests per load run (a tenth of that for the password scenarios). */
  quickAmount?: number;
  connections: number;
  /** Session counts of the growth scenario (rows in the session table). */
  growthSizes: [number, number];
  /** Authenticated requests before the memory reading. */
  memoryRequests: number;
  coldStartRounds: number;
  /** Install the footprint projects for every library (quick mode does bare Express only). */
  footprintAll: boolean;
  out: string;
  build: boolean;
  only: Set<ScenarioId>;
  /** Write V8 CPU profiles of the servers here (`--cpu-prof`). */
  cpuProfileDir?: string;
}

const USAGE = `npm run bench -- [--quick] [--out file.md] [--no-build] [--only protected,cold-start,...] [--cpu-prof dir]`;

/** Reads the command line. */
export function parseSettings(argv: string[]): Settings {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: "boolean", default: false },
      out: { type: "string" },
      "no-build": { type: "boolean", default: false },
      only: { type: "string" },
      "cpu-prof": { type: "string" },
      help: { type: "boolean", default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const only = new Set<ScenarioId>();
  for (const name of (values.only ?? SCENARIOS.join(",")).split(",")) {
    const id = name.trim() as ScenarioId;
    if (!SCENARIOS.includes(id))
      throw new TypeError(`--only: unknown scenario "${name}"; known: ${SCENARIOS.join(", ")}`);
    only.add(id);
  }
  const quick = values.quick;
  return {
    quick,
    rounds: quick ? 1 : 3,
    // 3.5 s × 3 rounds keeps the whole run near 10 minutes on two cores.
    duration: 3.5,
    warmup: 0.5,
    quickAmount: quick ? 200 : undefined,
    connections: 10,
    growthSizes: quick ? [100, 10_000] : [1_000, 1_000_000],
    memoryRequests: quick ? 2_000 : 100_000,
    coldStartRounds: quick ? 1 : 5,
    footprintAll: !quick,
    out: resolve(values.out ?? resolve(ROOT, "docs/benchmarks.md")),
    build: !values["no-build"],
    only,
    cpuProfileDir: values["cpu-prof"] ? resolve(values["cpu-prof"]) : undefined,
  };
}
