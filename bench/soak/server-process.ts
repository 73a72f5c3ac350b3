import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { ROOT } from "../compile.js";
import { freePort, stopChild } from "../process.js";
import type {
  MemoryReading,
  SoakServerConfig,
  SoakServerMessage,
  SoakServerRequest,
} from "./server-config.js";

const SERVER_FILE = resolve(ROOT, "bench/soak/server.ts");

/** The soak / audit server running in its own process. */
export interface SoakServer {
  url: string;
  port: number;
  pid: number;
  /** The rate-limit rules in force, as the server describes them. */
  rateLimit: string;
  /** Memory and CPU of the server process; `gc: true` runs a full collection first. */
  memory(options?: { gc?: boolean }): Promise<MemoryReading>;
  /** Resolves when the process exits, with how ("code 1", "SIGKILL"). */
  exited: Promise<string>;
  /** What the server wrote to stdout and stderr: the first lines and the total line count. */
  output(): { lines: number; head: string[] };
  /** SIGTERM, then wait for the exit (SIGKILL after 5 s). */
  stop(): Promise<void>;
}

/** Keeps the first lines a child writes (error logs of a soak come early and repeat). */
class OutputLog {
  lines = 0;
  readonly head: string[] = [];
  private partial = "";

  add(chunk: string): void {
    const parts = (this.partial + chunk).split("\n");
    this.partial = parts.pop() ?? "";
    for (const line of parts) {
      if (line.trim() === "") continue;
      this.lines += 1;
      if (this.head.length < 40) this.head.push(line.slice(0, 400));
    }
  }
}

/**
 * Starts bench/soak/server.ts with `node --import tsx --expose-gc` (NODE_ENV=production) and
 * resolves once it listens; rejects with its output if it exits first.
 */
export async function startSoakServer(options: Omit<SoakServerConfig, "port">): Promise<SoakServer> {
  const config: SoakServerConfig = { ...options, port: await freePort() };
  const child = spawn(process.execPath, ["--import", "tsx", "--expose-gc", SERVER_FILE], {
    cwd: ROOT,
    env: { ...process.env, SOAK_CONFIG: JSON.stringify(config), NODE_ENV: "production" },
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  const exited = new Promise<string>((resolveExit) =>
    child.once("exit", (code, signal) => resolveExit(signal ?? `code ${code}`)),
  );
  const log = new OutputLog();
  for (const stream of [child.stdout, child.stderr]) {
    stream?.setEncoding("utf8");
    stream?.on("data", (chunk: string) => log.add(chunk));
  }
  const rateLimit = await new Promise<string>((resolvePromise, reject) => {
    const onMessage = (message: SoakServerMessage): void => {
      if (message.type !== "ready") return;
      cleanup();
      resolvePromise(message.rateLimit);
    };
    const onExit = (code: number | null, signal: string | null): void => {
      cleanup();
      reject(
        new Error(
          `the soak server exited before listening (${signal ?? `code ${code}`}):\n${log.head.join("\n")}`,
        ),
      );
    };
    const cleanup = (): void => {
      child.off("message", onMessage);
      child.off("exit", onExit);
    };
    child.on("message", onMessage);
    child.on("exit", onExit);
  });
  let lastId = 0;
  const memory = (request: { gc?: boolean } = {}): Promise<MemoryReading> =>
    new Promise((resolvePromise, reject) => {
      const id = ++lastId;
      const onMessage = (message: SoakServerMessage): void => {
        if (message.type !== "memory" || message.id !== id) return;
        child.off("message", onMessage);
        const { type: _type, id: _id, ...rest } = message;
        resolvePromise(rest);
      };
      child.on("message", onMessage);
      const ask: SoakServerRequest = { type: "memory", id, gc: request.gc === true };
      child.send(ask, (error) => {
        if (error) {
          child.off("message", onMessage);
          reject(error);
        }
      });
    });
  return {
    url: `http://127.0.0.1:${config.port}`,
    port: config.port,
    pid: child.pid ?? -1,
    rateLimit,
    memory,
    exited,
    output: () => ({ lines: log.lines, head: [...log.head] }),
    stop: () => stopChild(child),
  };
}
