/**
 * Runs `npm run soak` for a few seconds to prove it works end to end: the server starts, the
 * mixed load runs, the report has a row for every kind and no answer was unexpected. Nothing
 * here is about speed.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { postgresUnavailable } from "../../bench/databases.js";
import { requireService } from "../helpers/services.js";

const ROOT = resolve(import.meta.dirname, "../..");
const dir = mkdtempSync(join(tmpdir(), "gatehouse-soak-test-"));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const pgUp = await requireService("postgres", async () => {
  const reason = await postgresUnavailable();
  if (reason) throw new Error(reason);
});

/** Runs `tsx bench/soak.ts <args>`; resolves with its exit code and output. */
function runSoak(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "bench/soak.ts", ...args], {
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

/** The cells of the requests table of a section (`## <title>`), by first cell. */
function requestRows(markdown: string, title: string): Map<string, string[]> {
  const start = markdown.indexOf(`\n## ${title}\n`);
  if (start === -1) return new Map();
  const section = markdown.slice(start + 1).split("\n## ")[0]!;
  const lines = section.split("\n");
  const header = lines.findIndex((line) => line.startsWith("| Kind |"));
  const rows = new Map<string, string[]>();
  for (const line of lines.slice(header + 2)) {
    if (!line.startsWith("| ")) break;
    const cells = line
      .slice(2, -2)
      .split(" | ")
      .map((c) => c.trim());
    rows.set(cells[0]!, cells);
  }
  return rows;
}

const KINDS = ["get-session", "sign-in", "sign-up", "sign-out", "all"];

async function shortSoak(db: "sqlite" | "postgres", title: string): Promise<void> {
  const out = join(dir, `soak-${db}.md`);
  const { code, output } = await runSoak([
    "--duration",
    "8s",
    "--concurrency",
    "4",
    "--users",
    "20",
    "--db",
    db,
    "--out",
    out,
  ]);
  expect(code, output.slice(-4000)).toBe(0);
  const report = readFileSync(out, "utf8");
  expect(report).toMatch(/Machine: .+, \d+ cores/);
  expect(report).toContain("Rate limits: ");
  const rows = requestRows(report, title);
  expect([...rows.keys()]).toEqual(KINDS);
  // Columns: Kind, Requests, Share, req/s, OK, Intended, Unexpected, …
  for (const kind of KINDS) expect(rows.get(kind)![6], `${kind} unexpected`).toBe("0");
  expect(Number(rows.get("all")![1]!.replaceAll(",", ""))).toBeGreaterThan(0);
  expect(report).toMatch(/\| RSS \| [\d.]+ \|/);
  expect(report).toMatch(/\| Heap after full GC \| [\d.]+ \|/);
}

describe("npm run soak -- --duration 8s --concurrency 4", () => {
  it("holds the mix on SQLite with no unexpected answer", { timeout: 180_000 }, async () => {
    await shortSoak("sqlite", "SQLite");
  });

  it.skipIf(!pgUp)(
    "holds the mix on PostgreSQL with no unexpected answer",
    { timeout: 180_000 },
    async () => {
      await shortSoak("postgres", "PostgreSQL");
    },
  );
});
