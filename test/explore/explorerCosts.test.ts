/**
 * What the explorer behind `npm run check-fast` does per state and per transition, counted (never
 * timed), against bounds that do not grow with the search:
 *
 * - FingerprintSet.has: table words read per lookup (a probe run of a slot or two at load <= 1/2,
 *   not the table);
 * - the explorer's constraint: evaluations per distinct successor (1, not one per transition);
 * - exploreSuccessors: lookups of a message by its key per state (at most one per message: a
 *   message goes to the nodes it may reach, straight to receiveSteps);
 * - ownerOf: the share of fingerprints each part owns (about 1/parts, whatever `parts` is);
 * - the parallel driver: runLevel requests outstanding at once (every part, not one);
 * - Column: elements allocated as it grows (O(1) per element, O(log n) grows);
 * - StateCodec.fingerprintOf: message texts read per fingerprint (0: their hashes are kept);
 * - the explorer's loop: decode calls per expanded state (0: it steps from a view);
 * - a part of the parallel search: states sent twice to their owner (0).
 *
 * Each runs once per transition or per state of searches of up to 1.4 million states: a cost that
 * grows with the table, the frontier or the number of messages leaves every count of the search
 * as it was and only a count of the work shows it. The models are the smallest that show each
 * cost; spies are restored before each test ends (vitest runs files in one module graph).
 */
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadModel } from '../../src/modelcheck/cfg/models.js';
import { explore } from '../../src/explore/explorer.js';
import { FingerprintSet, hash64 } from '../../src/explore/fingerprints.js';
import { exploreModel } from '../../src/explore/model.js';
import { exploreParallel } from '../../src/explore/parallelExplorer.js';
import { type LevelResult, Partition, ownerOf } from '../../src/explore/partition.js';
import { StateCodec } from '../../src/explore/stateCodec.js';
import { exploreSuccessors } from '../../src/explore/successors.js';
import { Column } from '../../src/explore/vectorStore.js';
import type { SpecState } from '../../src/trace/spec/specState.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const cfgPath = (name: string): string => join(ROOT, 'spec', `${name}.cfg`);
const model = (name: string) => exploreModel(loadModel(cfgPath(name)));

/** A well-mixed fingerprint per integer (what the codec's fingerprints look like). */
const fingerprint = (i: number): [number, number] => hash64(Int32Array.of(i, 0x5eed));

/** Numeric-index reads of a typed array or array, through a Proxy that forwards everything. */
function countingReads<T extends object>(target: T, onRead: () => void): T {
  return new Proxy(target, {
    get(t, p) {
      if (typeof p === 'string' && p.length > 0 && p.charCodeAt(0) >= 48 && p.charCodeAt(0) <= 57) onRead();
      const v = Reflect.get(t, p, t) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(t) : v;
    },
  });
}

/** A sample of ci-race's states (three nodes, two leaders and two replicas: addressed messages of every kind), drawn once. */
let raceStates: SpecState[] | undefined;
function raceSample(): SpecState[] {
  const m = model('ci-race');
  return (raceStates ??= explore({ cfg: m.cfg, invariants: {}, constraints: m.constraints, maxStates: 2000, sample: { size: 50, seed: 3 } }).sample);
}

describe('costs of the explorer per state and per transition', () => {
  afterEach(() => vi.restoreAllMocks());

  it('FingerprintSet.has reads a probe run, not the table (bug 08)', () => {
    const f = new FingerprintSet(1 << 10);
    // 400 of 1,024 slots: under half full, so the set does not grow.
    for (let i = 0; i < 400; i++) f.add(...fingerprint(i));
    const holder = f as unknown as { table: Uint32Array };
    let words = 0;
    holder.table = countingReads(holder.table, () => words++);
    let found = 0;
    const lookups = 400;
    for (let i = 0; i < lookups / 2; i++) {
      if (f.has(...fingerprint(i))) found++; // present
      if (f.has(...fingerprint(100_000 + i))) found++; // absent
    }
    expect(found).toBe(lookups / 2);
    // Linear probing at load 0.39 reads about 1.3 slots for a hit, 1.8 for a miss (two words a
    // slot); a scan of the table reads up to its 2,048 words.
    expect(words / lookups).toBeLessThanOrEqual(8);
  });

  it('the explorer judges the constraint once per distinct state, not once per transition into it (bug 09)', () => {
    const m = model('ci-normal');
    // A constraint of our own (at most 4 messages), each call keyed by the state judged (its
    // fingerprint in a codec of our own): many transitions lead into each state with a fifth message.
    const codec = new StateCodec(m.cfg.N);
    const judged = new Map<string, number>();
    const small = (_b: unknown, s: SpecState): boolean => {
      const key = codec.fingerprintOf(codec.encode(s)).join(':');
      judged.set(key, (judged.get(key) ?? 0) + 1);
      return s.msgs.size <= 4;
    };
    const r = explore({ cfg: m.cfg, invariants: {}, constraints: { Small: small } });
    expect(r.verdict).toBe('pass');
    const calls = [...judged.values()].reduce((a, k) => a + k, 0);
    // More distinct states are judged than admitted: those outside were reached and remembered.
    expect(judged.size).toBeGreaterThan(r.distinct + 20);
    // Inside: judged when first reached, then known. Outside: judged once, then remembered.
    expect(Math.max(...judged.values())).toBe(1);
    expect(calls).toBe(judged.size);
  });

  it('exploreSuccessors looks each message up by its key at most once per state (bug 10)', () => {
    const m = model('ci-race');
    let lookups = 0;
    let messages = 0;
    let most = 0;
    for (const s of raceSample()) {
      const perKey = new Map<string, number>();
      const inner = s.msgs;
      const msgs = new Proxy(inner, {
        get(t, p) {
          const v = Reflect.get(t, p, t) as unknown;
          if (p === 'get' || p === 'has') return (k: string) => { lookups++; perKey.set(k, (perKey.get(k) ?? 0) + 1); return (v as (k: string) => unknown).call(t, k); };
          return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(t) : v;
        },
      });
      exploreSuccessors(m.cfg, { ...s, msgs });
      messages += inner.size;
      for (const k of inner.keys()) most = Math.max(most, perKey.get(k) ?? 0);
    }
    expect(messages).toBeGreaterThan(200);
    // A message goes to receiveSteps as msgs holds it, and only for nodes that may receive it; a
    // step may look one up (a Welcome's other parts). Offered to every node through stepsFor,
    // each would be looked up once per node: 3 to 4 times here.
    expect(most).toBeLessThanOrEqual(1);
    expect(lookups).toBeLessThanOrEqual(messages);
  });

  it('ownerOf gives every part a fair share of fingerprints, for any number of parts (bug 11)', () => {
    const count = 30_000;
    const fps = Array.from({ length: count }, (_, i) => fingerprint(i));
    for (const parts of [2, 3, 5, 6, 7]) {
      const owned = new Array<number>(parts).fill(0);
      let outOfRange = 0;
      for (const [hi, lo] of fps) {
        const p = ownerOf(hi, lo, parts);
        if (Number.isInteger(p) && p >= 0 && p < parts) owned[p]!++;
        else outOfRange++;
      }
      expect(outOfRange, `owners outside 0..${parts - 1}`).toBe(0);
      // Each about count / parts; a part owning nothing leaves its thread idle and loads the others.
      for (const [p, k] of owned.entries()) expect(k, `fingerprints part ${p} of ${parts} owns`).toBeGreaterThan(0.9 * count / parts);
    }
  });

  it('the parallel driver asks every part for its level at once, and each of 3 parts owns about a third of the states (bugs 12, 11)', async () => {
    const runLevel = Partition.prototype.runLevel;
    const partitions = new Set<Partition>();
    let outstanding = 0;
    let most = 0;
    // Each part replies a turn of the event loop later, as a worker thread would: a driver that
    // waits for one part's reply before asking the next never has two requests outstanding.
    vi.spyOn(Partition.prototype, 'runLevel').mockImplementation(function (this: Partition) {
      partitions.add(this);
      const level = runLevel.call(this);
      most = Math.max(most, ++outstanding);
      return new Promise<LevelResult>((done) => setImmediate(() => { outstanding--; done(level); })) as unknown as LevelResult;
    });
    const r = await exploreParallel({ cfgPath: cfgPath('ci-batch-redecided'), parts: 3, threads: false });
    expect(r.distinct).toBe(467);
    expect(partitions.size).toBe(3);
    expect(most).toBe(3);
    for (const p of partitions) expect(p.countsNow().distinct, `states part ${p.options.part} owns`).toBeGreaterThan(0.6 * r.distinct / 3);
  });

  it('Column grows by doubling: O(log n) grows and O(n) elements allocated (bug 13)', () => {
    const sizes: number[] = [];
    const column = new Column(new Int32Array(1024), (k) => { sizes.push(k); return new Int32Array(k); });
    const n = 300_000;
    for (let i = 0; i < n; i++) column.set(i, i);
    expect([column.get(0), column.get(1023), column.get(1024), column.get(n - 1)]).toEqual([0, 1023, 1024, n - 1]);
    // 1,024 -> 2^19 is 9 doublings; a fixed step of 1,024 is 292 grows and 44 million elements.
    expect(sizes.length).toBeLessThanOrEqual(Math.ceil(Math.log2(n / 1024)) + 1);
    expect(sizes.reduce((a, k) => a + k, 0)).toBeLessThanOrEqual(4 * n);
  });

  it('StateCodec.fingerprintOf reads no message text: it sums the hashes kept when each was interned (bug 14)', () => {
    const states = raceSample();
    const N = states[0]!.nodes.length - 1;
    const codec = new StateCodec(N);
    const vectors = states.map((s) => codec.encode(s));
    const interner = codec.messages as unknown as { keys: string[] };
    const keys = interner.keys;
    let texts = 0;
    interner.keys = countingReads(keys, () => texts++);
    let messages = 0;
    const fps = new Set<string>();
    for (const v of vectors) {
      fps.add(codec.fingerprintOf(v).join(':'));
      messages += v.length - (2 + N); // restarts, invoked, the nodes, then the message ids
    }
    interner.keys = keys;
    expect(messages).toBeGreaterThan(200);
    expect(fps.size).toBe(new Set(vectors.map((v) => v.join(','))).size);
    // Hashing a text again reads it from the interner (and then every code unit of it).
    expect(texts).toBe(0);
  });

  it('the explorer steps from a view of each state: no Map of its messages is decoded per expanded state (extra: decode)', () => {
    const m = model('ci-batch-redecided');
    const decode = vi.spyOn(StateCodec.prototype, 'decode');
    const r = explore({ cfg: m.cfg, invariants: m.invariants, stepProperties: m.stepProperties, constraints: m.constraints });
    expect(r.distinct).toBe(467);
    // Without a sample or a violation, nothing is decoded at all.
    expect(decode).not.toHaveBeenCalled();
  });

  it('a part of the parallel search sends each state to its owner once (extra: partition sent set)', async () => {
    const runLevel = Partition.prototype.runLevel;
    const sent = new Map<string, number>();
    // Records of an outbox: [parent id, hi, lo, length, ...vector].
    vi.spyOn(Partition.prototype, 'runLevel').mockImplementation(function (this: Partition) {
      const level = runLevel.call(this);
      for (const [to, batch] of level.outbox.entries()) {
        const r = batch?.records ?? new Int32Array(0);
        for (let i = 0; i < r.length; i += 4 + r[i + 3]!) {
          const key = `${this.options.part}->${to}:${r[i + 1]! >>> 0}:${r[i + 2]! >>> 0}`;
          sent.set(key, (sent.get(key) ?? 0) + 1);
        }
      }
      return level;
    });
    const r = await exploreParallel({ cfgPath: cfgPath('ci-batch-redecided'), parts: 3, threads: false });
    expect(r.distinct).toBe(467);
    expect(sent.size).toBeGreaterThan(100);
    // A state reached by several transitions is sent on the first; its owner would drop the rest.
    expect(Math.max(...sent.values())).toBe(1);
  });
});
