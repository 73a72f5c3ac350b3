/**
 * Runs `npm run audit:timing` with a handful of tries to prove it works end to end: the report
 * has both checks with both cases, their differences and a verdict. Nothing here is about the
 * timings themselves (too few tries to mean anything).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
const dir = mkdtempSync(join(tmpdir(), "gatehouse-audit-test-"));
const out = join(dir, "audit-timing.md");

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `tsx bench/audit-timing.ts <args>`; resolves with its exit code and output. */
function runAudit(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "bench/audit-timing.ts", ...args], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
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

/** The first two cells of every row of the table under `## <title>`. */
function rowsOf(markdown: string, title: string): string[][] {
  const start = markdown.indexOf(`\n## ${title}\n`);
  if (start === -1) return [];
  const section = markdown.slice(start + 1).split("\n## ")[0]!;
  return section
    .split("\n")
    .filter((line) => line.startsWith("| ") && !line.startsWith("| ---"))
    .slice(1)
    .map((line) =>
      line
        .slice(2, -2)
        .split(" | ")
        .map((c) => c.trim()),
    );
}

describe("npm run audit:timing -- --tries 5", () => {
  it("times both checks for unknown and known emails and writes the report", {
    timeout: 120_000,
  }, async () => {
    const { code, output } = await runAudit(["--tries", "5", "--warmup", "1", "--out", out]);
    expect(code, output.slice(-4000)).toBe(0);
    const report = readFileSync(out, "utf8");
    expect(report).toContain("`rateLimit: { enabled: false }`");
    const times = rowsOf(report, "Times (ms)").map((r) => [r[0], r[1], r[2]]);
    expect(times).toEqual([
      ["Sign-in", "unknown email", "5"],
      ["", "known email, wrong password", "5"],
      ["Password-reset request", "unknown email", "5"],
      ["", "known email", "5"],
    ]);
    const differences = rowsOf(report, "Differences (known − unknown)");
    expect(differences.map((r) => r[0])).toEqual(["Sign-in", "Password-reset request"]);
    for (const row of differences) expect(row[7], "a verdict").toMatch(/^[✓⚠~]/);
  });
});
