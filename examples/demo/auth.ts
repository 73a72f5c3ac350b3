import { mkdirSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { createAuth } from "../../src/index.js";
import { username } from "../../src/plugins/username/index.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const dataDir = resolve(root, "data");
mkdirSync(dataDir, { recursive: true });

if (!process.env.AUTH_SECRET && !process.env.BETTER_AUTH_SECRET) {
  // Only the demo does this: a real app must set AUTH_SECRET (npx gatehouse secret).
  process.env.AUTH_SECRET = randomBytes(32).toString("base64url");
  console.warn(
    "demo: AUTH_SECRET is not set, so a development secret was generated; sessions end when the demo restarts.",
  );
}

/** The demo's auth instance: SQLite in ./data, email + password, usernames. */
export const auth = createAuth({
  appName: "Gatehouse demo",
  database: new Database(resolve(dataDir, "demo.db")),
  emailAndPassword: { enabled: true },
  plugins: [username()],
});
