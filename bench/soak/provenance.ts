import { execFileSync } from "node:child_process";
import { loadavg } from "node:os";
import { ROOT } from "../compile.js";

/**
 * Whether the src/ the server runs matches the commit in the report: tracked files under src/
 * with uncommitted changes, and new files there, counted.
 */
export function sourceState(): string {
  try {
    const lines = execFileSync("git", ["status", "--porcelain", "--", "src"], { cwd: ROOT, encoding: "utf8" })
      .split("\n")
      .filter((line) => line.trim() !== "");
    if (lines.length === 0) return "src/ as committed";
    const added = lines.filter((line) => line.startsWith("??")).length;
    return `src/ with uncommitted changes (${lines.length - added} modified, ${added} new files)`;
  } catch {
    return "src/ (git state unknown)";
  }
}

/** The 1-minute load average now, e.g. "load average 8.1 on 2 cores". */
export function loadNow(cores: number): string {
  return `load average ${loadavg()[0]!.toFixed(1)} on ${cores} cores at the start`;
}

/** How the command was run, for the report: `npm run <script> -- <args>`. */
export function commandLine(script: string, argv: string[]): string {
  return `npm run ${script}${argv.length > 0 ? ` -- ${argv.join(" ")}` : ""}`;
}
