import { readdirSync } from "node:fs";
import { defineConfig } from "tsup";

/** Engine files are internal; every other file in src/providers is a preset with its own subpath. */
const INTERNAL = new Set(["engine.ts", "resolve.ts", "registry.ts", "types.ts"]);
const presets = Object.fromEntries(
  readdirSync("src/providers")
    .filter((f) => f.endsWith(".ts") && !INTERNAL.has(f))
    .map((f) => [`providers/${f.slice(0, -3)}`, `src/providers/${f}`]),
);

export default defineConfig({
  entry: {
    index: "src/index.ts",
    "node/index": "src/node/index.ts",
    "express/index": "src/express/index.ts",
    "plugins/username/index": "src/plugins/username/index.ts",
    "plugins/magic-link/index": "src/plugins/magic-link/index.ts",
    "adapters/memory": "src/adapters/memory.ts",
    "adapters/kysely": "src/adapters/kysely.ts",
    "cli/index": "src/cli/index.ts",
    ...presets,
  },
  format: ["esm", "cjs"],
  dts: true,
  clean: true,
  target: "node20",
  platform: "node",
  shims: true,
  splitting: true,
  sourcemap: false,
  noExternal: ["kysely", "zod"],
});
