/**
 * The simulated network's fault model: for each message it decides whether it is lost,
 * duplicated, reordered, and how long each copy takes, drawing every choice from the
 * run's Prng. Partitions and loss bursts are switched on and off by the simulator.
 */
import type { Prng } from './prng.js';
import type { LossBurstFault, NetworkFaults, PartitionFault } from './schedule.js';

export type DropReason = 'loss' | 'partition' | 'crashed';

export type Plan = { readonly delays: readonly number[] } | { readonly dropped: DropReason };

export class SimNetwork {
  private readonly partitions = new Set<PartitionFault>();
  private readonly bursts = new Set<LossBurstFault>();

  constructor(
    private readonly faults: NetworkFaults,
    private readonly rng: Prng,
  ) {}

  startPartition(p: PartitionFault): void { this.partitions.add(p); }
  healPartition(p: PartitionFault): void { this.partitions.delete(p); }
  startBurst(b: LossBurstFault): void { this.bursts.add(b); }
  endBurst(b: LossBurstFault): void { this.bursts.delete(b); }

  private calm = false;

  /** Clears every partition and burst and stops random loss (the simulator's final settling phase). */
  healAll(): void {
    this.partitions.clear();
    this.bursts.clear();
    this.calm = true;
  }

  get partitioned(): boolean {
    return this.partitions.size > 0;
  }

  /** Can a message go from `a` to `b` now? Nodes in different groups of any active partition cannot talk. */
  connected(a: number, b: number): boolean {
    for (const p of this.partitions) if (groupOf(p, a) !== groupOf(p, b)) return false;
    return true;
  }

  lossRate(): number {
    if (this.calm) return 0;
    let rate = this.faults.loss;
    if (this.bursts.size > 0) for (const b of this.bursts) rate = Math.max(rate, b.loss);
    return rate;
  }

  /** How the copies of one message from `from` to `to` travel. */
  plan(from: number, to: number): Plan {
    const delays: number[] = [];
    const routed = this.route(from, to, delays);
    return typeof routed === 'string' ? { dropped: routed } : { delays: delays.slice(0, routed) };
  }

  /**
   * {@link plan} without allocating (the simulator routes every message): why the message is
   * dropped, or how many copies travel, their delays written at the start of `delays`. The
   * array is not emptied: setting its length to 0 drops its storage, and the next write then
   * allocated anew (a twentieth of a run's allocations).
   */
  route(from: number, to: number, delays: number[]): DropReason | number {
    if (this.partitions.size > 0 && !this.connected(from, to)) return 'partition';
    if (this.rng.chance(this.lossRate())) return 'loss';
    const copies = this.rng.chance(this.faults.duplicate) ? 2 : 1;
    for (let i = 0; i < copies; i++) delays[i] = this.delay();
    return copies;
  }

  private delay(): number {
    const { minMs, maxMs } = this.faults.delay;
    let d = minMs + this.rng.next() * (maxMs - minMs);
    if (this.rng.chance(this.faults.reorder)) d += this.rng.next() * this.faults.reorderMs;
    // Whole microseconds keep the event log short and exactly reproducible as text.
    return Math.round(d * 1000) / 1000;
  }
}

function groupOf(p: PartitionFault, node: number): number {
  const i = p.groups.findIndex((g) => g.includes(node));
  return i; // -1: the implicit group of unlisted nodes
}
