/**
 * Seeded pseudo-random generator for the simulator: xoshiro128** (Blackman & Vigna),
 * seeded through splitmix32 so that any 32-bit seed (including 0) gives a good state.
 * Every random choice of a simulated run comes from its seed, so a seed fixes the run; each part
 * of the run that draws numbers (the network, the workload) draws them from a stream of its own.
 */

/** splitmix32 step: spreads a seed into well-mixed 32-bit words for the state. */
function splitmix32(state: { x: number }): number {
  state.x = (state.x + 0x9e3779b9) | 0;
  let z = state.x;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** The parts of a simulated run that draw random numbers: each has its own stream of the run's seed. */
export type StreamName = 'network' | 'workload';
/** Which fork of the seed's generator each stream is (the network's was the first before workloads had their own). */
const STREAM_FORK: Readonly<Record<StreamName, number>> = { network: 1, workload: 2 };

export class Prng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  /** Seed from one integer (any safe integer; it is reduced to 32 bits). */
  static fromSeed(seed: number): Prng {
    if (!Number.isSafeInteger(seed)) throw new RangeError(`Prng seed must be a safe integer, got ${seed}`);
    const st = { x: seed >>> 0 };
    return new Prng([splitmix32(st), splitmix32(st), splitmix32(st), splitmix32(st)]);
  }

  /**
   * The stream `name` of a run seeded with `seed`: one fork of the seed's generator per name. Two
   * parts drawing from the same stream would tie one's choices to the other's (which messages are
   * lost to which requests the clients send).
   */
  static stream(seed: number, name: StreamName): Prng {
    const parent = Prng.fromSeed(seed);
    let fork = parent.fork();
    for (let i = 1; i < STREAM_FORK[name]; i++) fork = parent.fork();
    return fork;
  }

  /** Raw state constructor (used by the reference-vector test). The state must not be all zero. */
  constructor(state: readonly [number, number, number, number]) {
    [this.s0, this.s1, this.s2, this.s3] = state.map((w) => w >>> 0) as [number, number, number, number];
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) throw new RangeError('xoshiro128** state must not be all zero');
  }

  /** Next uniformly distributed unsigned 32-bit integer. */
  nextU32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (this.s1 << 9) >>> 0;
    this.s2 = (this.s2 ^ this.s0) >>> 0;
    this.s3 = (this.s3 ^ this.s1) >>> 0;
    this.s1 = (this.s1 ^ this.s2) >>> 0;
    this.s0 = (this.s0 ^ this.s3) >>> 0;
    this.s2 = (this.s2 ^ t) >>> 0;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform float in [0, 1). */
  next(): number {
    return this.nextU32() / 0x1_0000_0000;
  }

  /** Uniform integer in [lo, hi] (inclusive). */
  int(lo: number, hi: number): number {
    if (!Number.isInteger(lo) || !Number.isInteger(hi) || hi < lo) {
      throw new RangeError(`Prng.int needs integers lo <= hi, got ${lo}, ${hi}`);
    }
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  /** True with probability p (p outside [0, 1] is clamped). */
  chance(p: number): boolean {
    if (p <= 0) return false;
    if (p >= 1) return true;
    return this.next() < p;
  }

  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('Prng.pick on an empty array');
    return items[this.int(0, items.length - 1)] as T;
  }

  /** An independent generator derived from this one (for sub-streams such as the workload). */
  fork(): Prng {
    return new Prng([this.nextU32() | 1, this.nextU32(), this.nextU32(), this.nextU32()]);
  }
}
