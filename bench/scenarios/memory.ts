import type { Contender, Prepared } from "../contenders.js";
import { runLoad } from "../load.js";
import { formatMB, type Table } from "../report.js";
import type { Settings } from "../settings.js";
import { problemNote, summarize } from "./interleave.js";

interface Reading {
  idle: number;
  after: number;
  note: string | null;
}

/** Starts a fresh server, reads its RSS, sends the requests, reads it again. */
async function measure(prepared: Prepared, settings: Settings): Promise<Reading> {
  // The cookie comes from another process, so sign-in's password hashing (argon2id and scrypt
  // take 19–32 MiB each) is not in the reading.
  const primer = await prepared.start();
  let cookie: string;
  try {
    cookie = await prepared.cookie(primer);
  } finally {
    await primer.stop();
  }
  const server = await prepared.start();
  try {
    const idle = await server.rss();
    const result = await runLoad({
      url: server.url,
      path: "/api/protected",
      headers: { cookie },
      expectStatus: 200,
      connections: settings.connections,
      amount: settings.memoryRequests,
    });
    const after = await server.rss();
    const note = problemNote(prepared.contender.label, summarize([result]), 200);
    console.log(
      `[memory] ${prepared.contender.label}: ${formatMB(idle)} MB idle, ${formatMB(after)} MB after`,
    );
    return { idle, after, note };
  } finally {
    await server.stop();
  }
}

/**
 * RSS of a fresh server process before and after `memoryRequests` authenticated requests to the
 * protected route. Two servers run at a time: a reading does not depend on speed, and the
 * slowest contenders need a minute or more each for 100,000 requests.
 */
export async function memory(
  contenders: Contender[],
  prepared: Map<string, Prepared>,
  settings: Settings,
): Promise<Table> {
  const readings = new Map<string, Reading>();
  const queue = [...prepared];
  const worker = async (): Promise<void> => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const [id, p] = next;
      readings.set(id, await measure(p, settings));
    }
  };
  await Promise.all([worker(), worker()]);
  const count = settings.memoryRequests.toLocaleString("en-US");
  const notes: string[] = [];
  const rows = contenders.map((contender) => {
    const reading = readings.get(contender.id);
    if (contender.unavailable || !reading)
      return [contender.label, contender.unavailable ?? "not run", "—", "—"];
    if (reading.note) notes.push(reading.note);
    return [
      contender.label,
      formatMB(reading.idle),
      formatMB(reading.after),
      `+${formatMB(reading.after - reading.idle)}`,
    ];
  });
  return {
    id: "memory",
    title: `Memory: RSS after ${count} authenticated requests`,
    intro:
      `Resident set size of a fresh server process (\`process.memoryUsage().rss\`), after start-up and after ` +
      `${count} requests to the protected route with a valid cookie (${settings.connections} connections), ` +
      "one run each, two servers at a time (RSS does not depend on speed).",
    columns: ["Contender", "idle RSS (MB)", `RSS after ${count} (MB)`, "growth (MB)"],
    rows,
    notes,
  };
}
