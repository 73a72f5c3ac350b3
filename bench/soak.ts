/**
 * `npm run soak -- [--duration 10m] [--concurrency 20] [--db sqlite|postgres|both] …`:
 * holds a mixed load (get-session, sign-in, sign-up, sign-out) on a Gatehouse server in its own
 * process for a set time, on SQLite and PostgreSQL, and reports requests, answers by kind and
 * class, latency and the server's memory growth. Exits 1 when any answer was unexpected.
 * `--help` lists every option.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { Databases, postgresUnavailable } from "./databases.js";
import { describeMachine } from "./machine.js";
import { Client, loopbackAddress } from "./soak/client.js";
import { signUpAll, runMix } from "./soak/load.js";
import { MemorySampler } from "./soak/memory.js";
import { commandLine, loadNow, sourceState } from "./soak/provenance.js";
import { parseSoakOptions, SOAK_USAGE, type SoakOptions } from "./soak/options.js";
import { renderSoakReport, type SoakResult } from "./soak/report.js";
import { startSoakServer } from "./soak/server-process.js";
import { Tally } from "./soak/tally.js";
import { Accounts, VirtualUser } from "./soak/users.js";

const LABELS = { sqlite: "SQLite", postgres: "PostgreSQL" } as const;

function log(message: string): void {
  console.log(`[soak] ${message}`);
}

/** One database: start the server, sign the users up, run the mix while sampling memory, stop. */
async function soakOne(
  kind: "sqlite" | "postgres",
  options: SoakOptions,
  databases: Databases,
): Promise<SoakResult> {
  const label = LABELS[kind];
  if (kind === "postgres") {
    const reason = await postgresUnavailable();
    if (reason) {
      log(`skipping PostgreSQL: ${reason}`);
      return { label, skipped: reason };
    }
  }
  const database = kind === "sqlite" ? databases.sqlite("soak") : await databases.postgres();
  const server = await startSoakServer({
    secret: randomBytes(32).toString("base64url"),
    database,
    rateLimit: options.rateLimit,
    mail: { kind: "function" },
  });
  log(`${label}: server pid ${server.pid} on ${server.url}; rate limits: ${server.rateLimit}`);
  const accounts = new Accounts();
  const users = Array.from(
    { length: options.users },
    (_, i) =>
      new VirtualUser(
        new Client({
          url: server.url,
          localAddress:
            options.clientAddresses === 1 ? undefined : loopbackAddress(i % options.clientAddresses),
          timeoutMs: options.timeoutMs,
        }),
        accounts.next(),
      ),
  );
  try {
    const setupStart = performance.now();
    await signUpAll(users, options.concurrency);
    const setup = { accounts: users.length, seconds: (performance.now() - setupStart) / 1000 };
    log(
      `${label}: signed up ${setup.accounts} accounts in ${setup.seconds.toFixed(1)} s; load for ${options.duration} s`,
    );
    const tally = new Tally();
    const sampler = new MemorySampler(
      server,
      tally,
      options.sampleEvery,
      options.duration * options.warmupShare,
    );
    const cpuBefore = (await server.memory()).cpuMicros;
    sampler.start();
    const progress = setInterval(
      () => log(`${label}: ${tally.total} requests, ${tally.unexpected} unexpected`),
      Math.max(10_000, (options.duration * 1000) / 10),
    );
    const crash = new AbortController();
    let exitedEarly: string | undefined;
    void server.exited.then((how) => {
      exitedEarly = how;
      crash.abort();
    });
    let elapsed: number;
    try {
      elapsed = await runMix(users, accounts, { ...options, signal: crash.signal }, tally);
    } finally {
      clearInterval(progress);
    }
    const crashed = exitedEarly
      ? `the server exited during the load (${exitedEarly}) after ${elapsed.toFixed(1)} s`
      : undefined;
    if (crashed) log(`${label}: ${crashed}`);
    const cpuAfter = exitedEarly ? cpuBefore : (await server.memory()).cpuMicros;
    const trace = await sampler.finish();
    log(`${label}: ${tally.total} requests in ${elapsed.toFixed(1)} s, ${tally.unexpected} unexpected`);
    return {
      label,
      rateLimit: server.rateLimit,
      setup,
      elapsed,
      tally,
      trace,
      cpuSeconds: exitedEarly ? undefined : (cpuAfter - cpuBefore) / 1e6,
      serverLog: server.output(),
      crashed,
    };
  } finally {
    for (const user of users) user.client.close();
    await server.stop();
  }
}

async function main(): Promise<void> {
  const options = parseSoakOptions(process.argv.slice(2));
  const machine = describeMachine();
  const context = {
    machine,
    command: commandLine("soak", process.argv.slice(2)),
    load: loadNow(machine.cores),
    source: sourceState(),
  };
  const dir = mkdtempSync(join(tmpdir(), "gatehouse-soak-"));
  const databases = new Databases(dir);
  const cleanup = async (): Promise<void> => {
    await databases.dispose().catch((error) => console.error("[soak] could not drop schemas:", error));
    rmSync(dir, { recursive: true, force: true });
  };
  process.once("SIGINT", () => {
    void cleanup().finally(() => process.exit(130));
  });
  const results: SoakResult[] = [];
  try {
    for (const kind of options.databases) results.push(await soakOne(kind, options, databases));
  } finally {
    await cleanup();
  }
  const report = renderSoakReport(results, options, context);
  console.log(`\n${report}`);
  if (options.out) {
    mkdirSync(dirname(options.out), { recursive: true });
    writeFileSync(options.out, report);
    log(`wrote ${options.out}`);
  }
  const unexpected = results.reduce((sum, r) => sum + (r.tally?.unexpected ?? 0), 0);
  const crashes = results.filter((r) => r.crashed).length;
  if (unexpected > 0 || crashes > 0) {
    console.error(`[soak] ${unexpected} unexpected answer(s), ${crashes} server exit(s): failing`);
    process.exitCode = 1;
  }
}

main().catch((error) => {
  // A wrong option is a TypeError naming it: say so with the usage, not a stack trace.
  if (error instanceof TypeError) console.error(`${error.message}\n\n${SOAK_USAGE}`);
  else console.error(error);
  process.exit(2);
});
