/**
 * A pool Gatehouse makes from a postgres:// URL survives its connections dying (issue #6,
 * item 5.1). pg emits 'error' on the pool when an idle connection dies and on the client when
 * one dies while Kysely holds it for a query; with nobody listening, Node ends the process.
 * The probe runs in a child process so a crash cannot take the test runner with it. Both
 * tests failed before src/db/resolve-database.ts attached listeners.
 */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { requireService } from "../helpers/services.js";
import pg from "pg";
import { POSTGRES_URL } from "./support.js";

const probe = fileURLToPath(new URL("./fixtures/pg-crash-probe.ts", import.meta.url));

const up = await requireService("postgres", async () => {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 3000 });
  await client.connect();
  await client.end();
});

function runProbe(
  mode: "mid-query" | "idle",
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", probe, POSTGRES_URL, mode],
      { timeout: 20_000 },
      (error, stdout, stderr) => resolve({ code: error ? (error.code as number) : 0, stdout, stderr }),
    );
  });
}

describe.skipIf(!up).concurrent("a pool Gatehouse makes from a postgres:// URL", () => {
  it("survives a connection cut in the middle of a query (answers 503)", async () => {
    const result = await runProbe("mid-query");
    expect(result.stderr).not.toContain("Unhandled 'error' event");
    expect(result.stdout).toContain("answer 503");
    expect(result.code).toBe(0);
  });

  it("survives a connection cut while idle in the pool", async () => {
    const result = await runProbe("idle");
    expect(result.stderr).not.toContain("Unhandled 'error' event");
    expect(result.stdout).toContain("alive");
    expect(result.code).toBe(0);
  });
});
