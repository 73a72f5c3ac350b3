import { describe, expect, it } from "vitest";
import type { Summary } from "../../bench/scenarios/interleave.js";
import { targets } from "../../bench/targets.js";

/** A protected-route summary from per-round req/s and CPU per request. */
function summary(rps: number[], cpu: number[]): Summary {
  const mid = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  return {
    rps: mid(rps),
    p50: 1,
    p99: 2,
    cpu: mid(cpu),
    rounds: rps.length,
    byRound: { rps, cpu },
    responses: 1000,
    unexpected: 0,
    errors: 0,
    statuses: { "200": 1000 },
  };
}

const peers = {
  "better-auth": summary([500, 520, 480], [1500, 1450, 1550]),
  authjs: summary([300, 310, 290], [2500, 2400, 2600]),
  "gatehouse-sqlite-cache": summary([5000, 5100, 4900], [200, 195, 205]),
};

describe("bench targets", () => {
  it("judges the ratio goals from each round's own ratio", () => {
    const results = new Map(
      Object.entries({
        bare: summary([6000, 4000, 6000], [160, 240, 160]),
        floor: summary([5000, 3400, 5000], [190, 280, 190]),
        "gatehouse-sqlite": summary([4200, 2900, 4300], [230, 330, 225]),
        ...peers,
      }),
    );
    const lines = targets(results, undefined).join("\n");
    expect(lines).not.toContain("Noisy run");
    // Round ratios 0.70, 0.725, 0.717: median 0.72 (a ratio of medians would say 0.72 too here).
    expect(lines).toMatch(/vs bare Express: 0\.72× by req\/s \(goal ≥ 0\.9×\) — \*\*not met\*\*/);
    expect(lines).toMatch(/reaches 0\.83× of bare Express by req\/s .* \*\*beyond\*\* reach/);
    expect(lines).toMatch(
      /Better Auth's getSession without cookie cache: 8\.40× by req\/s \(goal ≥ 2×\) — met/,
    );
  });

  it("does not judge goals against bare Express when the floor beat it in a round", () => {
    const results = new Map(
      Object.entries({
        bare: summary([3800, 4300, 3600], [300, 260, 307]),
        floor: summary([5100, 4000, 3800], [220, 280, 280]),
        "gatehouse-sqlite": summary([5000, 4100, 3700], [222, 269, 301]),
        ...peers,
      }),
    );
    const lines = targets(results, undefined).join("\n");
    expect(lines).toContain("**Noisy run**: in round 1, 3 of 3");
    expect(lines).toMatch(/vs bare Express: [\d.]+× by req\/s \(goal ≥ 0\.9×\) — not judged \(noisy run\)/);
    expect(lines).not.toMatch(/vs bare Express: [\d.]+× by req\/s \(goal ≥ 0\.9×\) — met/);
    expect(lines).toMatch(/reaches [\d.]+× of bare Express .* not judged \(noisy run\) reach/);
    // Goals against the peers do not depend on bare Express and are still judged.
    expect(lines).toMatch(/Auth\.js's getSession: [\d.]+× by req\/s \(goal ≥ 3×\) — met/);
  });
});
