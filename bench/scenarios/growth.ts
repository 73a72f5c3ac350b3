import { performance } from "node:perf_hooks";
import type { ServerFile } from "../compile.js";
import { type Contender, Prepared } from "../contenders.js";
import { type Databases, seedSessions } from "../databases.js";
import { formatMs, formatRate, formatRatio, type Table } from "../report.js";
import type { Settings } from "../settings.js";
import { interleave, problemNote, type Target } from "./interleave.js";

/** Contenders whose session table grows: Gatehouse on both engines and Better Auth for reference. */
const GROWTH_IDS = ["gatehouse-sqlite", "gatehouse-postgres", "better-auth"];

const count = (n: number): string => n.toLocaleString("en-US");

/**
 * The protected route with the session table holding `growthSizes[0]` and then `growthSizes[1]`
 * rows: a fresh database per size, the extra rows inserted in bulk with SQL, all servers interleaved.
 */
export async function growth(
  contenders: Contender[],
  files: Record<ServerFile, string>,
  secret: string,
  databases: Databases,
  settings: Settings,
): Promise<Table> {
  const [small, large] = settings.growthSizes;
  const chosen = contenders.filter((c) => GROWTH_IDS.includes(c.id));
  const targets: Target[] = [];
  const notes: string[] = [];
  try {
    const plan = chosen.flatMap((contender) =>
      contender.unavailable || !contender.server
        ? []
        : [small, large].map((size) => ({ contender, server: contender.server!, size })),
    );
    const created = await Promise.allSettled(
      plan.map(({ contender, server }) =>
        Prepared.create({ ...contender, server }, files[server], secret, databases),
      ),
    );
    for (const [i, outcome] of created.entries()) {
      if (outcome.status === "fulfilled") {
        const { contender, size } = plan[i]!;
        const label = `${contender.label}, ${count(size)} sessions`;
        targets.push({ key: `${contender.id}@${size}`, label, ...outcome.value });
      }
    }
    const failed = created.find((o): o is PromiseRejectedResult => o.status === "rejected");
    if (failed) throw failed.reason;
    for (const [i, target] of targets.entries()) {
      const { contender, size } = plan[i]!;
      const started = performance.now();
      await seedSessions(target.prepared.database!, size - 1);
      const seconds = (performance.now() - started) / 1000;
      console.log(
        `[growth] seeded ${count(size)} sessions for ${contender.label} in ${seconds.toFixed(1)} s`,
      );
      if (size === large)
        notes.push(`${contender.label}: ${count(large)} rows seeded in ${seconds.toFixed(1)} s.`);
    }
    const results = await interleave(
      "growth",
      targets,
      async (target) => ({
        url: target.server.url,
        path: "/api/protected",
        headers: { cookie: await target.prepared.cookie(target.server) },
        expectStatus: 200,
      }),
      settings,
    );
    const rows = chosen.map((contender) => {
      if (contender.unavailable) return [contender.label, contender.unavailable, "—", "—", "—", "—"];
      const a = results.get(`${contender.id}@${small}`);
      const b = results.get(`${contender.id}@${large}`);
      if (!a || !b) return [contender.label, "not run", "—", "—", "—", "—"];
      for (const [s, size] of [
        [a, small],
        [b, large],
      ] as const) {
        const note = problemNote(`${contender.label}, ${count(size)} sessions`, s, 200);
        if (note) notes.push(note);
      }
      return [
        contender.label,
        formatRate(a.rps),
        formatMs(a.p99),
        formatRate(b.rps),
        formatMs(b.p99),
        formatRatio(b.rps / a.rps),
      ];
    });
    return {
      id: "growth",
      title: "Growth: protected route as the session table grows",
      intro:
        `The protected route with ${count(small)} and with ${count(large)} rows in the session table ` +
        "(one real session, the rest copied from it with new ids and random tokens by one `INSERT … SELECT`, then `ANALYZE`). " +
        "Lookups go through the unique index on the token (Gatehouse stores its SHA-256 hex; Better Auth the raw token).",
      columns: [
        "Contender",
        `req/s, ${count(small)}`,
        `p99 (ms), ${count(small)}`,
        `req/s, ${count(large)}`,
        `p99 (ms), ${count(large)}`,
        `${count(large)} vs ${count(small)}`,
      ],
      rows,
      notes,
    };
  } finally {
    await Promise.all(targets.map((t) => t.server.stop()));
  }
}
