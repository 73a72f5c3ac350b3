/**
 * `npm run audit:timing -- [--tries 200] [--warmup 20] [--db sqlite|postgres] [--mail smtp|function] …`:
 * times sign-in with an unknown email against a known email with a wrong password, and the
 * password-reset request for an unknown against a known email, over real HTTP against a server
 * in its own process, and reports medians, p90, means and their differences with a verdict.
 * A report, not a test: it exits non-zero only when tries fail outright. `--help` lists the options.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { startSmtpServer, type TestSmtpServer } from "../test/helpers/smtp.js";
import { AUDIT_USAGE, type AuditOptions, parseAuditOptions } from "./audit-timing/options.js";
import { type CaseResult, type CheckResult, renderAuditReport, verdict } from "./audit-timing/report.js";
import { Databases, postgresUnavailable } from "./databases.js";
import { describeMachine } from "./machine.js";
import { Client } from "./soak/client.js";
import { commandLine, loadNow, sourceState } from "./soak/provenance.js";
import { signUpAll } from "./soak/load.js";
import { startSoakServer } from "./soak/server-process.js";
import { type Account, Accounts, soakPassword, VirtualUser } from "./soak/users.js";

function log(message: string): void {
  console.log(`[audit] ${message}`);
}

/** One request of a check: the path and the JSON body for an email. */
interface CheckSpec {
  title: string;
  path: string;
  expectStatus: number;
  body(email: string): unknown;
}

const CHECKS: CheckSpec[] = [
  {
    title: "Sign-in",
    path: "/api/auth/sign-in/email",
    expectStatus: 401,
    // A wrong password for the known account; any password for the unknown one.
    body: (email) => ({ email, password: soakPassword() }),
  },
  {
    title: "Password-reset request",
    path: "/api/auth/request-password-reset",
    expectStatus: 200,
    body: (email) => ({ email }),
  },
];

/**
 * Sends `warmup` uncounted pairs, then `tries` counted ones, one request at a time; each pair is
 * an unknown and a known email, in alternating order.
 */
async function runCheck(
  client: Client,
  spec: CheckSpec,
  known: Account[],
  options: AuditOptions,
): Promise<CheckResult> {
  const tag = randomBytes(4).toString("hex");
  const unknown: CaseResult = { name: "unknown email", times: [], answers: new Map() };
  const knownCase: CaseResult = {
    name: spec.expectStatus === 401 ? "known email, wrong password" : "known email",
    times: [],
    answers: new Map(),
  };
  let failures = 0;
  const send = async (target: CaseResult, email: string, counted: boolean): Promise<void> => {
    const outcome = await client.post(spec.path, spec.body(email));
    if (!outcome.ok || outcome.status !== spec.expectStatus) {
      failures += 1;
      const what = outcome.ok ? `${outcome.status} ${outcome.body.slice(0, 200)}` : outcome.error;
      if (failures <= 5) console.error(`[audit] ${spec.title}, ${target.name}: ${what}`);
    }
    if (!counted) return;
    target.times.push(outcome.ms);
    const answer = outcome.ok ? `${outcome.status} ${outcome.body.slice(0, 300)}` : outcome.error;
    target.answers.set(answer, (target.answers.get(answer) ?? 0) + 1);
  };
  const pairs = options.warmup + options.tries;
  for (let i = 0; i < pairs; i++) {
    const counted = i >= options.warmup;
    const a = (): Promise<void> => send(unknown, `audit-unknown-${tag}-${i}@example.com`, counted);
    const b = (): Promise<void> => send(knownCase, known[i]!.email, counted);
    if (i % 2 === 0) {
      await a();
      await b();
    } else {
      await b();
      await a();
    }
  }
  client.clearCookies();
  return { title: spec.title, unknown, known: knownCase, failures };
}

/** Waits until the sink holds `expected` messages or `timeoutMs` passed; returns the count. */
async function waitForMails(smtp: TestSmtpServer, expected: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (smtp.messages.length < expected && Date.now() < deadline) await sleep(100);
  return smtp.messages.length;
}

async function main(): Promise<void> {
  const started = performance.now();
  const options = parseAuditOptions(process.argv.slice(2));
  const machine = describeMachine();
  const load = loadNow(machine.cores);
  const source = sourceState();
  if (options.database === "postgres") {
    const reason = await postgresUnavailable();
    if (reason) throw new Error(`--db postgres: ${reason}`);
  }
  const dir = mkdtempSync(join(tmpdir(), "gatehouse-audit-"));
  const databases = new Databases(dir);
  const smtp = options.mail === "smtp" ? await startSmtpServer() : undefined;
  let server: Awaited<ReturnType<typeof startSoakServer>> | undefined;
  try {
    server = await startSoakServer({
      secret: randomBytes(32).toString("base64url"),
      database: options.database === "sqlite" ? databases.sqlite("audit") : await databases.postgres(),
      rateLimit: "off",
      mail: smtp ? { kind: "smtp", url: smtp.url } : { kind: "function" },
    });
    log(`server pid ${server.pid} on ${server.url}; rate limits: ${server.rateLimit}`);
    const accounts = new Accounts();
    const users = Array.from(
      { length: options.warmup + options.tries },
      () => new VirtualUser(new Client({ url: server!.url, timeoutMs: options.timeoutMs }), accounts.next()),
    );
    try {
      await signUpAll(users, 4);
    } finally {
      for (const user of users) user.client.close();
    }
    log(`signed up ${users.length} known accounts`);
    const known = users.map((u) => u.account);
    const mailsBefore = smtp?.messages.length ?? 0;
    const client = new Client({ url: server.url, timeoutMs: options.timeoutMs });
    const checks: CheckResult[] = [];
    try {
      for (const spec of CHECKS) {
        const check = await runCheck(client, spec, known, options);
        log(`${spec.title}: ${verdict(check, options.threshold)}`);
        checks.push(check);
      }
    } finally {
      client.close();
    }
    const expectedMails = options.warmup + options.tries;
    const mails = smtp
      ? {
          received: (await waitForMails(smtp, mailsBefore + expectedMails, 10_000)) - mailsBefore,
          expected: expectedMails,
        }
      : undefined;
    const report = renderAuditReport(checks, {
      machine,
      command: commandLine("audit:timing", process.argv.slice(2)),
      load,
      source,
      options,
      rateLimit: server.rateLimit,
      mails,
      seconds: (performance.now() - started) / 1000,
    });
    console.log(`\n${report}`);
    if (options.out) {
      mkdirSync(dirname(options.out), { recursive: true });
      writeFileSync(options.out, report);
      log(`wrote ${options.out}`);
    }
    const failures = checks.reduce((sum, c) => sum + c.failures, 0);
    if (failures > 0) {
      console.error(`[audit] ${failures} tries failed outright: failing`);
      process.exitCode = 1;
    }
  } finally {
    await server?.stop();
    await smtp?.close();
    await databases.dispose().catch((error) => console.error("[audit] could not drop schemas:", error));
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  // A wrong option is a TypeError naming it: say so with the usage, not a stack trace.
  if (error instanceof TypeError) console.error(`${error.message}\n\n${AUDIT_USAGE}`);
  else console.error(error);
  process.exit(2);
});
