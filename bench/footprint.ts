import { execFile } from "node:child_process";
import { mkdirSync, readdirSync, lstatSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { ROOT } from "./compile.js";

const run = promisify(execFile);

/** Packages installed and bytes on disk for a minimal app with one library. */
export interface Footprint {
  packages: number;
  /** Sum of the sizes of every file under node_modules (apparent size, not blocks). */
  bytes: number;
}

/** Counts installed packages (folders with a package.json right under a node_modules) and sums file sizes. */
function measure(nodeModules: string): Footprint {
  let packages = 0;
  let bytes = 0;
  const walk = (dir: string, packageParent: boolean): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isSymbolicLink()) continue;
      if (entry.isDirectory()) {
        if (packageParent && entry.name.startsWith("@")) {
          walk(path, true);
          continue;
        }
        if (packageParent && entry.name !== ".bin" && !entry.name.startsWith(".")) {
          try {
            if (lstatSync(join(path, "package.json")).isFile()) packages += 1;
          } catch {
            // a folder that is not a package (npm's own bookkeeping)
          }
        }
        walk(path, entry.name === "node_modules");
      } else if (entry.isFile()) {
        bytes += lstatSync(path).size;
      }
    }
  };
  walk(nodeModules, true);
  return { packages, bytes };
}

/** Packs this repository as npm would publish it; returns the tarball's path. */
export async function packGatehouse(dir: string): Promise<string> {
  const { stdout } = await run("npm", ["pack", "--json", "--pack-destination", dir, "--loglevel=error"], {
    cwd: ROOT,
  });
  const [info] = JSON.parse(stdout) as { filename: string }[];
  if (!info) throw new Error("npm pack printed no file name");
  return join(dir, info.filename);
}

/**
 * Installs `dependencies` into a fresh project under `dir` with `npm install --omit=dev
 * --ignore-scripts` (install scripts would compile native addons; see the notes) and measures
 * its node_modules.
 */
export async function installFootprint(dir: string, dependencies: string[]): Promise<Footprint> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, "package.json"),
    JSON.stringify({ name: "footprint", private: true, type: "module" }),
  );
  await run(
    "npm",
    [
      "install",
      "--omit=dev",
      "--ignore-scripts",
      "--no-audit",
      "--no-fund",
      "--prefer-offline",
      "--loglevel=error",
      ...dependencies,
    ],
    { cwd: dir, maxBuffer: 16 * 1024 * 1024 },
  );
  return measure(join(dir, "node_modules"));
}
