import { setTimeout as sleep } from "node:timers/promises";
import type { MemoryReading } from "./server-config.js";
import type { SoakServer } from "./server-process.js";
import { slope } from "./stats.js";
import type { Tally } from "./tally.js";

/** One sample: the server's memory and the run's counters at `t` seconds into the load. */
export interface Sample extends MemoryReading {
  t: number;
  requests: number;
  unexpected: number;
  /** Taken after the load stopped (the last sample and the final GC reading). */
  afterLoad: boolean;
}

/** Memory readings of a whole run. */
export interface MemoryTrace {
  samples: Sample[];
  /** Seconds into the load where growth starts being measured. */
  warmupEnd: number;
  /** Heap after a full GC at the end of the warm-up and after the load, if they were taken. */
  gcAtWarmupEnd?: Sample | undefined;
  gcAtEnd?: Sample | undefined;
}

/**
 * Samples the server every `every` seconds until `stop()` is called; at the first sample past
 * `warmupEnd` it also takes a reading after a full garbage collection (the heap that is really
 * retained), and `finish()` takes one more after the load.
 */
export class MemorySampler {
  readonly trace: MemoryTrace;
  private stopped = false;
  private readonly wake = new AbortController();
  private loop: Promise<void> | undefined;
  private readonly started = performance.now();

  constructor(
    private readonly server: SoakServer,
    private readonly tally: Tally,
    private readonly every: number,
    warmupEnd: number,
  ) {
    this.trace = { samples: [], warmupEnd };
  }

  private async read(gc: boolean): Promise<Sample> {
    const reading = await this.server.memory({ gc });
    return {
      ...reading,
      t: (performance.now() - this.started) / 1000,
      requests: this.tally.total,
      unexpected: this.tally.unexpected,
      afterLoad: this.stopped,
    };
  }

  /** Starts sampling (the first sample is taken at once). */
  start(): void {
    this.loop = (async () => {
      let tick = 0;
      while (!this.stopped) {
        try {
          const sample = await this.read(false);
          this.trace.samples.push(sample);
          if (!this.trace.gcAtWarmupEnd && sample.t >= this.trace.warmupEnd) {
            this.trace.gcAtWarmupEnd = await this.read(true);
          }
        } catch (error) {
          console.error(`[soak] memory sample failed: ${(error as Error).message}`);
          return;
        }
        tick += 1;
        const wait = this.started + tick * this.every * 1000 - performance.now();
        if (wait > 0) await sleep(wait, undefined, { signal: this.wake.signal }).catch(() => {});
      }
    })();
  }

  /**
   * Stops sampling, takes a last sample, lets the server settle for a second and reads the heap
   * after a full GC.
   */
  async finish(): Promise<MemoryTrace> {
    this.stopped = true;
    this.wake.abort();
    await this.loop;
    try {
      this.trace.samples.push(await this.read(false));
      await sleep(1000);
      this.trace.gcAtEnd = await this.read(true);
    } catch (error) {
      console.error(`[soak] final memory reading failed: ${(error as Error).message}`);
    }
    return this.trace;
  }
}

/** Growth of one measure after the warm-up. */
export interface Growth {
  /** Bytes at the end of the warm-up, at the end, and the most seen. */
  atWarmupEnd: number;
  atEnd: number;
  peak: number;
  /** Bytes gained between the two, and bytes per minute. */
  growth: number;
  perMinute: number;
}

type Measure = "rss" | "heapUsed";

/**
 * Growth of RSS or heap after the warm-up: the first sample at or past its end against the
 * last one under load, and the rate as the least-squares slope over every sample in between
 * (steadier than two points when the heap saws up and down between collections, and RSS with
 * the password hashes in flight). The sample taken after the load is left out: an idle server
 * against a busy one would read as shrinking.
 */
export function growthOf(trace: MemoryTrace, measure: Measure): Growth | undefined {
  const after = trace.samples.filter((s) => s.t >= trace.warmupEnd && !s.afterLoad);
  if (after.length < 2) return undefined;
  const first = after[0]!;
  const last = after[after.length - 1]!;
  const rate = slope(after.map((s) => ({ x: s.t / 60, y: s[measure] })));
  return {
    atWarmupEnd: first[measure],
    atEnd: last[measure],
    peak: Math.max(...trace.samples.map((s) => s[measure])),
    growth: last[measure] - first[measure],
    perMinute: rate,
  };
}

/** Growth of the heap that survives a full GC, from the end of the warm-up to after the load. */
export function retainedGrowth(trace: MemoryTrace): Growth | undefined {
  const { gcAtWarmupEnd: start, gcAtEnd: end } = trace;
  if (!start?.afterGc || !end?.afterGc || end.t <= start.t) return undefined;
  const growth = end.heapUsed - start.heapUsed;
  return {
    atWarmupEnd: start.heapUsed,
    atEnd: end.heapUsed,
    peak: Math.max(start.heapUsed, end.heapUsed),
    growth,
    perMinute: growth / ((end.t - start.t) / 60),
  };
}
