import { defineConfig } from "tsup";

export default defineConfig({
  entry: {
    index: "src/index.ts",
    "node/index": "src/node/index.ts",
    "express/index": "src/express/index.ts",
    "plugins/username/index": "src/plugins/username/index.ts",
    "adapters/memory": "src/adapters/memory.ts",
    "adapters/kysely": "src/adapters/kysely.ts",
    "cli/index": "src/cli/index.ts",
  },
  format: ["esm", "cjs"],
  dts: true,
  clean: true,
  target: "node20",
  platform: "node",
  shims: true,
  splitting: true,
  sourcemap: false,
});
