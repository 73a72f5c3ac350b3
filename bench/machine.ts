import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus, platform, release, totalmem } from "node:os";
import { resolve } from "node:path";
import { ROOT } from "./compile.js";

/** Where and on what the numbers were taken. */
export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  date: string;
  /** Commit of this checkout ("+ local changes" when the tree is dirty). */
  commit: string;
  /** Versions of the libraries under test, as installed. */
  versions: Record<string, string>;
}

function installedVersion(name: string): string {
  try {
    const file = resolve(ROOT, "node_modules", name, "package.json");
    return (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version;
  } catch {
    return "not installed";
  }
}

function gitCommit(): string {
  try {
    const head = execFileSync("git", ["rev-parse", "--short", "HEAD"], {
      cwd: ROOT,
      encoding: "utf8",
    }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--untracked-files=no"], {
      cwd: ROOT,
      encoding: "utf8",
    }).trim();
    return dirty ? `${head} + local changes` : head;
  } catch {
    return "unknown";
  }
}

/** Describes this machine and the versions under test. */
export function describeMachine(): Machine {
  const list = cpus();
  const own = JSON.parse(readFileSync(resolve(ROOT, "package.json"), "utf8")) as { version: string };
  return {
    cpu: list[0]?.model.trim() ?? "unknown",
    cores: list.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    os: `${platform()} ${release()}`,
    node: process.version,
    date: new Date().toISOString().slice(0, 16).replace("T", " ") + " UTC",
    commit: gitCommit(),
    versions: {
      gatehouse: own.version,
      "better-auth": installedVersion("better-auth"),
      "@auth/express": installedVersion("@auth/express"),
      "@auth/core": installedVersion("@auth/core"),
      express: installedVersion("express"),
      "better-sqlite3": installedVersion("better-sqlite3"),
      pg: installedVersion("pg"),
      autocannon: installedVersion("autocannon"),
    },
  };
}
