import type { Server } from "node:http";
import type { Express } from "express";
import type { ServerConfig, ServerMessage } from "./config.js";

/** The JSON every contender's protected route answers, so response sizes match. */
export interface ProtectedBody {
  ok: true;
  user: { id: string; email: string };
}

/** The 401 body every contender answers without a session. */
export const UNAUTHORIZED = { code: "UNAUTHORIZED", message: "Unauthorized" } as const;

function send(message: ServerMessage): void {
  process.send?.(message);
}

/**
 * Listens on the harness's port, tells the harness when ready, answers RSS and CPU-time queries over IPC and
 * exits cleanly on SIGTERM (so `--cpu-prof` gets to write its profile).
 */
export function serve(app: Express, config: ServerConfig, onClose?: () => Promise<void>): Server {
  const server = app.listen(config.port, "127.0.0.1", (error?: Error) => {
    if (error) throw error;
    send({ type: "ready" });
  });
  process.on("message", (message: { type?: string }) => {
    if (message.type === "rss") send({ type: "rss", rss: process.memoryUsage().rss });
    if (message.type === "cpu") {
      const { user, system } = process.cpuUsage();
      send({ type: "cpu", micros: user + system });
    }
  });
  process.on("SIGTERM", () => {
    server.closeAllConnections();
    server.close(() => {
      Promise.resolve(onClose?.()).finally(() => process.exit(0));
    });
  });
  return server;
}
