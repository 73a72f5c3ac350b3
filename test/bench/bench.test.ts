/**
 * Runs the benchmark harness in quick mode to prove it works end to end: every server starts,
 * every scenario runs and the report has every table and row. Nothing here is about speed.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
const dir = mkdtempSync(join(tmpdir(), "gatehouse-bench-test-"));
const out = join(dir, "benchmarks.md");

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `tsx bench/run.ts --quick --no-build --out <tmp>`; resolves with its exit code and output. */
function runQuickBench(): Promise<{ code: number | null; output: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "bench/run.ts", "--quick", "--no-build", "--out", out],
      { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] },
    );
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => resolvePromise({ code, output }));
  });
}

/** The rows (first cells) of the table under `## <title>`. */
function rowsOf(markdown: string, title: string): string[] {
  const start = markdown.indexOf(`## ${title}`);
  if (start === -1) return [];
  const section = markdown.slice(start).split("\n## ")[0]!;
  return section
    .split("\n")
    .filter((line) => line.startsWith("| ") && !line.startsWith("| ---"))
    .slice(1) // the header
    .map((line) => line.split(" | ")[0]!.slice(2).trim());
}

const ALL = [
  "bare Express (no auth)",
  "floor: bare Express + one SQLite read (no auth library)",
  "Gatehouse, database sessions, SQLite",
  "Gatehouse, SQLite + cookie cache",
  "Gatehouse, JWT sessions",
  "Gatehouse, database sessions, PostgreSQL",
  "Better Auth, SQLite",
  "Better Auth, SQLite + cookie cache",
  "Auth.js, JWT sessions",
];

describe("npm run bench -- --quick", () => {
  it("runs every scenario and writes every table with its rows", { timeout: 180_000 }, async () => {
    const { code, output } = await runQuickBench();
    expect(code, output.slice(-4000)).toBe(0);
    const report = readFileSync(out, "utf8");

    expect(report).toContain("Quick mode");
    expect(report).toMatch(/Machine: .+, \d+ cores/);
    expect(report).toContain(`Node ${process.version}`);
    expect(rowsOf(report, "Protected route, valid session cookie")).toEqual(ALL);
    expect(rowsOf(report, "Protected route, no cookie (401)")).toEqual(ALL);
    expect(rowsOf(report, "`GET /api/auth/get-session` over HTTP")).toEqual(ALL.slice(2));
    expect(rowsOf(report, "Email + password: sign-in and sign-up")).toEqual([
      "Gatehouse, database sessions, SQLite",
      "Better Auth, SQLite",
      "Auth.js, JWT sessions",
    ]);
    expect(rowsOf(report, "Growth: protected route as the session table grows")).toEqual([
      "Gatehouse, database sessions, SQLite",
      "Gatehouse, database sessions, PostgreSQL",
      "Better Auth, SQLite",
    ]);
    expect(rowsOf(report, "Cold start")).toEqual(ALL);
    expect(rowsOf(report, "Memory: RSS after 2,000 authenticated requests")).toEqual(ALL);
    expect(rowsOf(report, "Install footprint")).toEqual([
      "bare Express (no auth)",
      "Gatehouse",
      "Better Auth",
      "Auth.js",
    ]);
    expect(report).toContain("## Targets");
    expect(report).toMatch(/The floor for any database-session check .* reaches \d+\.\d\d× of bare Express/);
    // Every row measured or says why not; no run answered with the wrong status.
    expect(report).not.toContain("| not run |");
    expect(report).not.toContain("⚠");
  });
});
