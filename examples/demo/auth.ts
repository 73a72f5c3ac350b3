import { mkdirSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { createAuth } from "../../src/index.js";
import type { Provider } from "../../src/index.js";
import { username } from "../../src/plugins/username/index.js";
import GitHub from "../../src/providers/github.js";
import OIDC from "../../src/providers/oidc.js";

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

/** Where the demo's local OpenID Provider listens (started by server.ts). */
export const localOP = {
  port: Number(process.env.LOCAL_OP_PORT ?? Number(process.env.PORT ?? 3000) + 1),
  clientId: "gatehouse-demo",
  clientSecret: process.env.LOCAL_OP_SECRET ?? randomBytes(24).toString("base64url"),
};

const providers: Provider[] = [
  OIDC({
    id: "local",
    name: "Local OpenID Provider",
    issuer: `http://localhost:${localOP.port}`,
    clientId: localOP.clientId,
    clientSecret: localOP.clientSecret,
  }),
];
// GitHub appears when AUTH_GITHUB_ID and AUTH_GITHUB_SECRET are set.
if (process.env.AUTH_GITHUB_ID && process.env.AUTH_GITHUB_SECRET) providers.push(GitHub);

/** The demo's auth instance: SQLite in ./data, email + password, usernames, social sign-in. */
export const auth = createAuth({
  appName: "Gatehouse demo",
  database: new Database(resolve(dataDir, "demo.db")),
  emailAndPassword: { enabled: true },
  plugins: [username()],
  providers,
  // The local OP vouches for its emails; trusting it lets a password user also sign in through it.
  account: { accountLinking: { trustedProviders: ["local"] } },
});
