/**
 * Splits a long run into ten equal parts by work done (e.g. decided commands) and records,
 * for each part, the CPU and wall time it took and the peak memory seen during it. A cost
 * that grows with history shows up as a last tenth dearer than the first, measured in the
 * same run (so the machine's load affects both ends alike).
 *
 * The clocks are injected: the benchmark passes process.cpuUsage and performance.now,
 * tests pass fakes.
 */
export interface TenthsClocks {
  /** CPU time used so far, in ms. */
  cpuMs(): number;
  /** Wall time so far, in ms. */
  wallMs(): number;
  /** Resident memory now, in bytes. */
  rssBytes(): number;
}

export interface Tenth {
  /** Units of work in this tenth (the last one takes the remainder). */
  readonly units: number;
  readonly cpuMs: number;
  readonly wallMs: number;
  /** Highest resident memory sampled while this tenth ran. */
  readonly peakRssBytes: number;
}

export class TenthsMeter {
  private readonly done: Tenth[] = [];
  private startCpu: number;
  private startWall: number;
  private startUnits = 0;
  private peakRss = 0;
  /** Units at which the current tenth ends. */
  private nextBoundary: number;

  constructor(
    private readonly total: number,
    private readonly clocks: TenthsClocks,
  ) {
    if (!Number.isSafeInteger(total) || total < 10) throw new RangeError(`TenthsMeter needs a total of at least 10 units, got ${total}`);
    this.startCpu = clocks.cpuMs();
    this.startWall = clocks.wallMs();
    this.nextBoundary = this.boundary(1);
  }

  /** Boundary k of 10, rounded so the ten parts cover the total exactly. */
  private boundary(k: number): number {
    return Math.round((this.total * k) / 10);
  }

  /** Samples memory (call it often: the peak is only as good as the sampling). */
  sample(): void {
    const rss = this.clocks.rssBytes();
    if (rss > this.peakRss) this.peakRss = rss;
  }

  /** Work done so far is `units`; closes every tenth it has reached. Cheap when none. */
  progress(units: number): void {
    while (units >= this.nextBoundary && this.done.length < 10) {
      this.sample();
      const cpu = this.clocks.cpuMs();
      const wall = this.clocks.wallMs();
      this.done.push({ units: this.nextBoundary - this.startUnits, cpuMs: cpu - this.startCpu, wallMs: wall - this.startWall, peakRssBytes: this.peakRss });
      this.startCpu = cpu;
      this.startWall = wall;
      this.startUnits = this.nextBoundary;
      this.peakRss = 0;
      this.nextBoundary = this.done.length < 10 ? this.boundary(this.done.length + 1) : Infinity;
    }
  }

  /** The tenths completed so far (ten once the total is reached). */
  get tenths(): readonly Tenth[] {
    return this.done;
  }
}

/** CPU ms per `per` units in each tenth. */
export function cpuPer(tenths: readonly Tenth[], per: number): number[] {
  return tenths.map((t) => (t.cpuMs * per) / t.units);
}
