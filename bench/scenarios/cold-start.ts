import { request } from "node:http";
import { performance } from "node:perf_hooks";
import type { Contender, Prepared } from "../contenders.js";
import { freePort, spawnServer, stopChild } from "../process.js";
import { formatMs, median, type Table } from "../report.js";
import type { Settings } from "../settings.js";

/** One GET; resolves with the status, or null when the connection failed (not listening yet). */
function probe(port: number, cookie: string): Promise<number | null> {
  return new Promise((resolve) => {
    const req = request(
      { host: "127.0.0.1", port, path: "/api/protected", headers: { cookie }, agent: false },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? null));
      },
    );
    req.on("error", () => resolve(null));
    req.end();
  });
}

/** Milliseconds from spawning the server process to its first 200 on the protected route. */
async function coldStartOnce(prepared: Prepared, cookie: string): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child = spawnServer(prepared.serverFile, prepared.config(port));
  let exited = false;
  child.once("exit", () => {
    exited = true;
  });
  try {
    while (performance.now() - started < 30_000) {
      if (exited) throw new Error(`${prepared.contender.label} exited during its cold start`);
      if ((await probe(port, cookie)) === 200) return performance.now() - started;
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    throw new Error(`${prepared.contender.label} gave no 200 within 30 s of starting`);
  } finally {
    await stopChild(child);
  }
}

/** Cold start of every contender, interleaved, median of `coldStartRounds`. */
export async function coldStart(
  contenders: Contender[],
  prepared: Map<string, Prepared>,
  settings: Settings,
): Promise<Table> {
  const cookies = new Map<string, string>();
  await Promise.all(
    [...prepared].map(async ([id, p]) => {
      const server = await p.start();
      try {
        cookies.set(id, await p.cookie(server));
      } finally {
        await server.stop();
      }
    }),
  );
  const times = new Map<string, number[]>([...prepared.keys()].map((id) => [id, []]));
  for (let round = 1; round <= settings.coldStartRounds; round++) {
    for (const [id, p] of prepared) {
      const ms = await coldStartOnce(p, cookies.get(id)!);
      times.get(id)!.push(ms);
      console.log(
        `[cold-start] round ${round}/${settings.coldStartRounds} ${p.contender.label}: ${ms.toFixed(0)} ms`,
      );
    }
  }
  const rows = contenders.map((contender) => {
    const list = times.get(contender.id);
    if (contender.unavailable || !list)
      return [contender.label, contender.unavailable ?? "not run", "—", "—"];
    return [
      contender.label,
      formatMs(median(list)),
      formatMs(Math.min(...list)),
      formatMs(Math.max(...list)),
    ];
  });
  return {
    id: "cold-start",
    title: "Cold start",
    intro:
      "From spawning `node server.mjs` to the first 200 on the protected route with a valid cookie " +
      `(the harness polls every millisecond), median of ${settings.coldStartRounds} starts. ` +
      "Includes Node's own start-up, loading the libraries and opening the database; tables already exist (no migration at start).",
    columns: ["Contender", "median (ms)", "min (ms)", "max (ms)"],
    rows,
    notes: [],
  };
}
