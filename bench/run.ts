/**
 * `npm run bench [-- --quick] [--out file.md] [--no-build] [--only a,b] [--cpu-prof dir]`:
 * builds the package, runs every scenario against bare Express, Gatehouse, Better Auth and
 * Auth.js (each server in its own process, the load generator here), prints the tables and
 * writes them to docs/benchmarks.md.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { compileServers, ROOT } from "./compile.js";
import { CONTENDERS, type Contender, Prepared } from "./contenders.js";
import { Databases, postgresUnavailable } from "./databases.js";
import { describeMachine } from "./machine.js";
import { renderReport, type Table } from "./report.js";
import { coldStart } from "./scenarios/cold-start.js";
import { footprint } from "./scenarios/footprint.js";
import { growth } from "./scenarios/growth.js";
import {
  emailPassword,
  getSessionOverHttp,
  noCookie,
  protectedRoute,
  type Targets,
} from "./scenarios/http.js";
import type { Summary } from "./scenarios/interleave.js";
import { memory } from "./scenarios/memory.js";
import { parseSettings, type Settings } from "./settings.js";
import { targets as targetLines } from "./targets.js";

function method(settings: Settings): string[] {
  return [
    "Every server is its own Node process (compiled to plain JavaScript, no TypeScript loader), on Express 5, " +
      "listening on 127.0.0.1; Gatehouse is the built package (`dist/`), as `npm install gatehouse` gives it.",
    `The load generator is autocannon (programmatic API) in the parent process: ${settings.connections} connections, ` +
      (settings.quickAmount === undefined
        ? `${settings.duration} s per run after a ${settings.warmup} s warm-up`
        : `${settings.quickAmount} requests per run (${settings.quickAmount / 10} for sign-in and sign-up), no warm-up`) +
      `, ${settings.rounds} round(s); contenders ` +
      "interleaved (A B C … A B C …) so drift of the machine hits all alike. Tables show the median of the rounds " +
      'for req/s, p50, p99 and server CPU separately. Ratios (the "vs bare Express" columns and the targets) are ' +
      "the median of each round's own ratio: contenders of one round run back to back, so a drift of the machine " +
      "between rounds cancels out. Only answers with the expected status count towards req/s.",
    "Server CPU per request is the server process's own `process.cpuUsage()` (user + system, all its threads) " +
      "across a run divided by the responses. It depends far less than req/s on how much of the machine the load " +
      "generator or anything else took, so its ratios are the steadier ones on a shared machine. PostgreSQL's own " +
      "CPU is not in it.",
    "Databases: better-sqlite3 files (WAL for Gatehouse, the library's defaults otherwise) in a temporary directory; " +
      "PostgreSQL in a fresh schema per database, dropped afterwards. A valid cookie comes from a real sign-up and " +
      "sign-in over HTTP (a fresh sign-in before every run, so cookie caches are never stale); Auth.js's is minted " +
      "with `encode` from `@auth/core/jwt` (same secret, salt `authjs.session-token`).",
    "Defaults everywhere except: rate limiting off (the password scenarios hit one address on purpose), " +
      "Better Auth's telemetry off, NODE_ENV=production.",
    "The load generator and the server share the machine's cores: absolute numbers are lower than on a " +
      "dedicated client, ratios are the point.",
  ];
}

const startedAt = Date.now();

/** Logs the end of a phase with the time since the start, so slow phases stand out. */
function phase(name: string): void {
  console.log(`[bench] ${name} done at ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
}

async function main(): Promise<void> {
  const settings = parseSettings(process.argv.slice(2));
  if (settings.build || !existsSync(resolve(ROOT, "dist/index.js"))) {
    console.log("[bench] npm run build");
    execFileSync("npm", ["run", "build", "--silent"], { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"] });
  }
  phase("build");
  const files = await compileServers();
  const machine = describeMachine();
  const dir = mkdtempSync(join(tmpdir(), "gatehouse-bench-"));
  const databases = new Databases(dir);
  const secret = randomBytes(32).toString("base64url");
  const pgReason = await postgresUnavailable();
  if (pgReason) console.log(`[bench] skipping the PostgreSQL rows: ${pgReason}`);
  const contenders: Contender[] = CONTENDERS.map((c) =>
    c.database === "postgres" && pgReason ? { ...c, unavailable: `skipped — ${pgReason}` } : c,
  );
  const runnable = contenders.filter(
    (c): c is Contender & { server: NonNullable<Contender["server"]> } =>
      !c.unavailable && c.server !== undefined,
  );
  const only = settings.only;
  const tables: Table[] = [];
  let protectedResults: Map<string, Summary> | undefined;
  const prepared = new Map<string, Prepared>();
  const cleanup = async (): Promise<void> => {
    await databases.dispose().catch((error) => console.error("[bench] could not drop schemas:", error));
    rmSync(dir, { recursive: true, force: true });
  };
  process.once("SIGINT", () => {
    void cleanup().finally(() => process.exit(130));
  });

  try {
    const servers: Targets = new Map();
    try {
      const started = await Promise.allSettled(
        runnable.map((c) =>
          Prepared.create(c, files[c.server], secret, databases, { cpuProfileDir: settings.cpuProfileDir }),
        ),
      );
      for (const [i, outcome] of started.entries()) {
        if (outcome.status === "rejected") continue;
        const c = runnable[i]!;
        prepared.set(c.id, outcome.value.prepared);
        servers.set(c.id, { key: c.id, label: c.label, ...outcome.value });
      }
      const failed = started.find((o): o is PromiseRejectedResult => o.status === "rejected");
      if (failed) throw failed.reason;
      phase("start-up of the servers");
      if (only.has("protected")) {
        const result = await protectedRoute(contenders, servers, settings);
        tables.push(result.table);
        protectedResults = result.results;
        phase("protected");
      }
      if (only.has("no-cookie")) {
        tables.push(await noCookie(contenders, servers, settings));
        phase("no-cookie");
      }
      if (only.has("get-session")) {
        tables.push(await getSessionOverHttp(contenders, servers, settings));
        phase("get-session");
      }
      if (only.has("sign-in") || only.has("sign-up")) {
        tables.push(
          await emailPassword(contenders, servers, settings, {
            signIn: only.has("sign-in"),
            signUp: only.has("sign-up"),
          }),
        );
        phase("sign-in and sign-up");
      }
    } finally {
      await Promise.all([...servers.values()].map((t) => t.server.stop()));
    }
    if (only.has("growth")) {
      tables.push(await growth(contenders, files, secret, databases, settings));
      phase("growth");
    }
    let coldStartTable: Table | undefined;
    if (only.has("cold-start")) {
      coldStartTable = await coldStart(contenders, prepared, settings);
      tables.push(coldStartTable);
      phase("cold-start");
    }
    // Memory readings do not depend on speed, so the footprint installs run beside them.
    const [memoryTable, footprintTable] = await Promise.all([
      only.has("memory") ? memory(contenders, prepared, settings) : undefined,
      only.has("footprint") ? footprint(dir, settings) : undefined,
    ]);
    if (memoryTable) tables.push(memoryTable);
    if (footprintTable) tables.push(footprintTable);
    phase("memory and footprint");

    const findingsFile = resolve(ROOT, "bench/findings.md");
    const report = renderReport(tables, {
      machine,
      quick: settings.quick,
      method: method(settings),
      targets: targetLines(protectedResults, coldStartTable),
      findings: existsSync(findingsFile) ? readFileSync(findingsFile, "utf8") : "",
    });
    mkdirSync(dirname(settings.out), { recursive: true });
    writeFileSync(settings.out, report);
    console.log(`\n${report}`);
    console.log(`[bench] wrote ${settings.out} in ${((Date.now() - startedAt) / 1000).toFixed(0)} s`);
  } finally {
    await cleanup();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
