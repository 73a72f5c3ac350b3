import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import type { ServerConfig, ServerMessage } from "./servers/config.js";

/** A benchmark server running in its own process. */
export interface RunningServer {
  url: string;
  port: number;
  pid: number;
  /** Resident set size of the server process, in bytes, as the process itself reports it. */
  rss(): Promise<number>;
  /** CPU time (user + system) the server process has used so far, in microseconds. */
  cpu(): Promise<number>;
  /** SIGTERM, then wait for the exit (SIGKILL after 5 s). */
  stop(): Promise<void>;
}

/** Extra settings for starting a server. */
export interface StartOptions {
  /** Write a V8 CPU profile of the server into this directory when it stops. */
  cpuProfileDir?: string;
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port was assigned");
  return address.port;
}

/** Spawns `node <file>` with the config in BENCH_CONFIG and an IPC channel; no waiting. */
export function spawnServer(file: string, config: ServerConfig, options: StartOptions = {}): ChildProcess {
  const args = options.cpuProfileDir ? ["--cpu-prof", `--cpu-prof-dir=${options.cpuProfileDir}`] : [];
  return spawn(process.execPath, [...args, file], {
    env: { ...process.env, BENCH_CONFIG: JSON.stringify(config), NODE_ENV: "production" },
    stdio: ["ignore", "ignore", "pipe", "ipc"],
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

/** Stops a child: SIGTERM, SIGKILL if it has not exited after 5 s. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
  await exited(child);
  clearTimeout(timer);
}

/** Keeps the last few KiB of a child's stderr for error messages. */
function stderrTail(child: ChildProcess): () => string {
  let tail = "";
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (chunk: string) => {
    tail = (tail + chunk).slice(-4096);
  });
  return () => tail.trim();
}

/** Starts a server and resolves once it listens; rejects with its stderr if it dies first. */
export async function startServer(
  file: string,
  config: ServerConfig,
  options: StartOptions = {},
): Promise<RunningServer> {
  const child = spawnServer(file, config, options);
  const tail = stderrTail(child);
  await new Promise<void>((resolve, reject) => {
    const onMessage = (message: ServerMessage): void => {
      if (message.type !== "ready") return;
      cleanup();
      resolve();
    };
    const onExit = (code: number | null, signal: string | null): void => {
      cleanup();
      reject(new Error(`${file} exited before listening (${signal ?? `code ${code}`}):\n${tail()}`));
    };
    const cleanup = (): void => {
      child.off("message", onMessage);
      child.off("exit", onExit);
    };
    child.on("message", onMessage);
    child.on("exit", onExit);
  });
  const url = `http://127.0.0.1:${config.port}`;
  const ask = <T extends ServerMessage["type"]>(type: T): Promise<Extract<ServerMessage, { type: T }>> =>
    new Promise((resolve, reject) => {
      const onMessage = (message: ServerMessage): void => {
        if (message.type !== type) return;
        child.off("message", onMessage);
        resolve(message as Extract<ServerMessage, { type: T }>);
      };
      child.on("message", onMessage);
      child.send({ type }, (error) => {
        if (error) reject(error);
      });
    });
  return {
    url,
    port: config.port,
    pid: child.pid ?? -1,
    rss: async () => (await ask("rss")).rss,
    cpu: async () => (await ask("cpu")).micros,
    stop: () => stopChild(child),
  };
}
