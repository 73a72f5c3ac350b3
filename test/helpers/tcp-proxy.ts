/**
 * A TCP proxy for fault tests: it sits between a client (a pg or mysql2 pool) and a real
 * server, and can take the server away without touching it (other test files share it).
 *
 * - `pause("reset")`: new connections are accepted and reset at once, as a stopped server's
 *   port answers (ECONNRESET / "Connection terminated unexpectedly" in the drivers);
 *   `pause("hang")`: accepted and never answered, as behind a dead network (only the
 *   client's connect timeout ends them). Live connections are left alone.
 * - `cut()`: destroys every live connection, both sides (a crash or restart of the server).
 * - `cutWhenClientSends(pattern)`: destroys the first connection whose client bytes match,
 *   e.g. in the middle of a transaction.
 * - `resume()`: new connections are forwarded again.
 */
import { createConnection, createServer, type Socket } from "node:net";
import type { AddressInfo } from "node:net";

/** How a paused proxy treats new connections. */
export type PauseMode = "reset" | "hang";

/** Options of {@link TcpProxy.cutWhenClientSends}. */
export interface CutWhenOptions {
  /**
   * "before-forwarding" (default): the matching bytes never reach the server.
   * "after-forwarding": they reach it, then the connection is cut (a crash right after a
   * statement or a COMMIT was sent, before its answer came back).
   */
  readonly when?: "before-forwarding" | "after-forwarding";
}

export interface TcpProxy {
  readonly host: "127.0.0.1";
  readonly port: number;
  /** Live connections being forwarded. */
  readonly liveConnections: number;
  /** Connections accepted so far (all modes). */
  readonly accepted: number;
  pause(mode?: PauseMode): void;
  /** Destroys every live connection (client and server side); returns how many. */
  cut(): number;
  resume(): void;
  /**
   * Arms a one-shot trigger: the first connection whose client-to-server bytes match
   * `pattern` (searched across chunk boundaries, as latin1 text) is cut. Resolves once it
   * fired; {@link TcpProxy.disarm} drops a trigger that has not.
   */
  cutWhenClientSends(pattern: string | RegExp, options?: CutWhenOptions): Promise<void>;
  disarm(): void;
  close(): Promise<void>;
}

interface Pair {
  client: Socket;
  server: Socket;
  /** The end of what the client sent, so a pattern split over two chunks is still seen. */
  tail: string;
}

interface Trigger {
  pattern: string | RegExp;
  when: "before-forwarding" | "after-forwarding";
  fired: () => void;
}

/** How much of the previous chunk is kept to match patterns across chunk boundaries. */
const TAIL = 256;

/** Starts a proxy on a free 127.0.0.1 port forwarding to `target`. Close it in `afterAll`. */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const pairs = new Set<Pair>();
  const held = new Set<Socket>();
  let mode: "forward" | PauseMode = "forward";
  let accepted = 0;
  let trigger: Trigger | undefined;

  const destroy = (pair: Pair): void => {
    pairs.delete(pair);
    // resetAndDestroy sends an RST where it can, as a dying server's kernel does.
    for (const socket of [pair.client, pair.server]) {
      if (socket.destroyed) continue;
      if (typeof socket.resetAndDestroy === "function" && socket.readyState === "open")
        socket.resetAndDestroy();
      else socket.destroy();
    }
  };

  /** Whether `pattern` occurs in `text` and ends inside its new part (after `seen` chars). */
  const matches = (pattern: string | RegExp, text: string, seen: number): boolean => {
    if (typeof pattern === "string")
      return text.indexOf(pattern, Math.max(0, seen - pattern.length + 1)) >= 0;
    const global = new RegExp(
      pattern.source,
      pattern.flags.includes("g") ? pattern.flags : `${pattern.flags}g`,
    );
    for (const m of text.matchAll(global)) if (m.index + m[0].length > seen) return true;
    return false;
  };

  const server = createServer((client) => {
    accepted += 1;
    client.on("error", () => {});
    if (mode === "reset") {
      client.resetAndDestroy();
      return;
    }
    if (mode === "hang") {
      held.add(client);
      client.on("close", () => held.delete(client));
      return;
    }
    const upstream = createConnection({ host: target.host, port: target.port });
    upstream.on("error", () => {});
    const pair: Pair = { client, server: upstream, tail: "" };
    pairs.add(pair);
    client.on("data", (chunk: Buffer) => {
      const seen = pair.tail.length;
      const text = pair.tail + chunk.toString("latin1");
      pair.tail = text.slice(-TAIL);
      const armed = trigger;
      if (armed && matches(armed.pattern, text, seen)) {
        trigger = undefined;
        if (armed.when === "after-forwarding") {
          // Let the bytes leave before the cut; the server sees them, the client no answer.
          upstream.write(chunk, () => {
            destroy(pair);
            armed.fired();
          });
          return;
        }
        destroy(pair);
        armed.fired();
        return;
      }
      upstream.write(chunk);
    });
    upstream.on("data", (chunk: Buffer) => client.write(chunk));
    client.on("close", () => destroy(pair));
    upstream.on("close", () => destroy(pair));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    host: "127.0.0.1",
    port,
    get liveConnections() {
      return pairs.size;
    },
    get accepted() {
      return accepted;
    },
    pause(next: PauseMode = "reset") {
      mode = next;
    },
    cut() {
      const count = pairs.size;
      for (const pair of [...pairs]) destroy(pair);
      for (const socket of held) socket.destroy();
      return count;
    },
    resume() {
      mode = "forward";
      for (const socket of held) socket.destroy();
    },
    cutWhenClientSends(pattern, options = {}) {
      return new Promise<void>((resolve) => {
        trigger = { pattern, when: options.when ?? "before-forwarding", fired: resolve };
      });
    },
    disarm() {
      trigger = undefined;
    },
    close() {
      mode = "reset";
      for (const pair of [...pairs]) destroy(pair);
      for (const socket of held) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
