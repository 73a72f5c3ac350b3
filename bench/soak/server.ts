/**
 * The Gatehouse server of `npm run soak` and `npm run audit:timing`: the JSON API from src/
 * (run through tsx, so no build is needed and dist/ is left alone), mounted as an Express app
 * mounts it, on SQLite or PostgreSQL. One process per run; the parent reads its memory over IPC.
 */
import Database from "better-sqlite3";
import express from "express";
import { createAuth } from "../../src/index.js";
import { toNodeHandler } from "../../src/node/index.js";
import type {
  MemoryReading,
  SoakServerConfig,
  SoakServerMessage,
  SoakServerRequest,
} from "./server-config.js";

const raw = process.env.SOAK_CONFIG;
if (!raw)
  throw new Error(
    "SOAK_CONFIG is not set: start this server through `npm run soak` or `npm run audit:timing`",
  );
const config = JSON.parse(raw) as SoakServerConfig;
const target = config.database;

// pg is loaded only on PostgreSQL, as an app on SQLite would not load it.
const pool =
  target.kind === "postgres"
    ? new (await import("pg")).default.Pool({
        connectionString: target.url,
        options: `-c search_path=${target.schema}`,
      })
    : undefined;

const auth = createAuth({
  secret: config.secret,
  database: pool ?? new Database(target.kind === "sqlite" ? target.file : ":memory:"),
  emailAndPassword: { enabled: true },
  email: { transport: config.mail.kind === "smtp" ? config.mail.url : async () => {} },
  ...(config.rateLimit === "off" ? { rateLimit: { enabled: false } } : {}),
});
await auth.migrate();

/** "10 per 60 s" for a `{ window, max }` rule, "off" for `false`. */
function ruleText(rule: unknown): string {
  if (rule === false) return "off";
  const { window, max } = (rule ?? {}) as { window?: unknown; max?: unknown };
  return `${String(max)} per ${String(window)} s`;
}

/**
 * The rate limits in force, in words. They are read from the resolved context, which is
 * internal: every field is checked before use, and a shape this does not know is said so
 * rather than guessed.
 */
function describeRateLimit(context: object): string {
  const passed =
    config.rateLimit === "off"
      ? "`rateLimit: { enabled: false }`"
      : "library defaults (no `rateLimit` option)";
  const { rateLimitRules, rateLimiter, passwordFailures } = context as {
    rateLimitRules?: unknown;
    rateLimiter?: { rules?: { general?: unknown } };
    passwordFailures?: { slowDownAfter?: unknown; resetRequiredAfter?: unknown };
  };
  if (!(rateLimitRules instanceof Map)) return `${passed}; effective rules not readable from auth.$context`;
  const parts: string[] = [];
  if (rateLimitRules.size > 0) {
    const list = [...rateLimitRules].map(([path, rule]) => `${String(path)} ${ruleText(rule)}`).join(", ");
    parts.push(`per client address and path: ${list}`);
  }
  const general = rateLimiter?.rules?.general;
  if (general) parts.push(`any other path ${ruleText(general)}`);
  if (passwordFailures) {
    parts.push(
      `per account: failed password sign-ins slowed down after ${String(passwordFailures.slowDownAfter)}, ` +
        `a password reset required after ${String(passwordFailures.resetRequiredAfter)}`,
    );
  }
  return `${passed}; ${parts.length > 0 ? parts.join("; ") : "no rule in force"}`;
}

function send(message: SoakServerMessage): void {
  process.send?.(message);
}

function reading(afterGc: boolean): MemoryReading {
  const { rss, heapUsed, heapTotal, external } = process.memoryUsage();
  const { user, system } = process.cpuUsage();
  return { rss, heapUsed, heapTotal, external, cpuMicros: user + system, afterGc };
}

const app = express();
app.all("/api/auth/*splat", toNodeHandler(auth));
const server = app.listen(config.port, "127.0.0.1", (error?: Error) => {
  if (error) throw error;
  send({ type: "ready", rateLimit: describeRateLimit(auth.$context) });
});

process.on("message", (message: SoakServerRequest) => {
  if (message.type !== "memory") return;
  const gc = (globalThis as { gc?: () => void }).gc;
  if (message.gc && gc) gc();
  send({ type: "memory", id: message.id, ...reading(Boolean(message.gc && gc)) });
});

process.on("SIGTERM", () => {
  server.closeAllConnections();
  server.close(() => {
    Promise.resolve(pool?.end())
      .catch(() => {})
      .finally(() => process.exit(0));
  });
});
