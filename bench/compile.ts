import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { build, type Plugin } from "esbuild";

/** The repository root (bench/ sits right under it). */
export const ROOT = resolve(import.meta.dirname, "..");

/** Where compiled servers go: under node_modules so Node finds the installed packages from there. */
export const BUILD_DIR = resolve(ROOT, "node_modules/.cache/gatehouse-bench");

/** The server entry points, by file name (without extension) under bench/servers/. */
export const SERVER_FILES = ["bare", "floor", "gatehouse", "better-auth", "authjs"] as const;
export type ServerFile = (typeof SERVER_FILES)[number];

/** Source entry points of the package and the built files a user's `import "gatehouse/…"` loads. */
const PACKAGE_ENTRIES: Record<string, string> = {
  "src/index.js": "dist/index.js",
  "src/express/index.js": "dist/express/index.js",
  "src/node/index.js": "dist/node/index.js",
};

/**
 * Imports of the package's source become imports of its build, so the servers type-check
 * against src/ but run what `npm install gatehouse` would run.
 */
const useBuiltPackage: Plugin = {
  name: "use-built-package",
  setup(b) {
    b.onResolve({ filter: /\/src\// }, (args) => {
      const absolute = resolve(args.resolveDir, args.path);
      const relative = absolute.slice(ROOT.length + 1);
      const built = PACKAGE_ENTRIES[relative];
      if (!built)
        throw new Error(`bench servers may import only the package's entry points, not ${relative}`);
      return { path: pathToFileURL(resolve(ROOT, built)).href, external: true };
    });
  },
};

/**
 * Compiles the servers to plain ESM JavaScript, so they start with `node file.mjs` and no
 * TypeScript loader adds to the cold-start time. Packages stay external (loaded from node_modules).
 * @returns The absolute path of each compiled server.
 */
export async function compileServers(): Promise<Record<ServerFile, string>> {
  mkdirSync(BUILD_DIR, { recursive: true });
  await build({
    entryPoints: SERVER_FILES.map((name) => resolve(ROOT, "bench/servers", `${name}.ts`)),
    outdir: BUILD_DIR,
    outExtension: { ".js": ".mjs" },
    bundle: true,
    packages: "external",
    platform: "node",
    format: "esm",
    target: "node20",
    logLevel: "warning",
    plugins: [useBuiltPackage],
  });
  return Object.fromEntries(SERVER_FILES.map((name) => [name, resolve(BUILD_DIR, `${name}.mjs`)])) as Record<
    ServerFile,
    string
  >;
}
