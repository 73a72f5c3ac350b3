import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { createJiti } from "jiti";
import { type Auth, createAuth } from "../create-auth.js";
import type { AuthOptions } from "../core/options.js";

/** Where the CLI looks for a config when `--config` is not given, in order. */
export const DEFAULT_CONFIG_PATHS = [
  "gatehouse.config.ts",
  "gatehouse.config.js",
  "gatehouse.config.mjs",
  "auth.ts",
  "auth.js",
  "src/auth.ts",
  "src/auth.js",
  "src/lib/auth.ts",
  "lib/auth.ts",
];

function isAuth(value: unknown): value is Auth {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as Auth).handler === "function" &&
    "$context" in value
  );
}

/**
 * Loads an auth instance from a TypeScript or JavaScript file: its `auth` export, its default
 * export, or (when it exports plain options) `createAuth(options)`.
 */
export async function loadAuth(
  configPath: string | undefined,
  cwd: string,
): Promise<{ auth: Auth; path: string }> {
  const path = configPath
    ? resolve(cwd, configPath)
    : DEFAULT_CONFIG_PATHS.map((p) => resolve(cwd, p)).find((p) => existsSync(p));
  if (!path || !existsSync(path)) {
    const tried = configPath ? configPath : DEFAULT_CONFIG_PATHS.join(", ");
    throw new Error(`No config file found (looked for ${tried}). Pass one with --config <path>.`);
  }
  const jiti = createJiti(pathToFileURL(resolve(cwd, "gatehouse-cli.js")).href, {
    interopDefault: true,
    moduleCache: false,
  });
  const mod = (await jiti.import(pathToFileURL(path).href)) as Record<string, unknown>;
  const candidate = mod.auth ?? mod.default ?? mod;
  if (isAuth(candidate)) return { auth: candidate, path };
  const nested = (candidate as { auth?: unknown }).auth;
  if (isAuth(nested)) return { auth: nested, path };
  if (typeof candidate === "object" && candidate !== null)
    return { auth: createAuth(candidate as AuthOptions), path };
  throw new Error(
    `${path} exports neither an auth instance (export const auth = createAuth(...)) nor options.`,
  );
}
