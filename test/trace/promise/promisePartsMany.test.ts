/**
 * A scout counting an acceptor from a Promise in nine parts, while msgs holds dozens of Promise
 * messages, is checked by the embedded spec in seconds. The spec's PromisePartsOf (and PartsOf,
 * for Welcomes) picks each part from the candidates of its own index; written as the functions
 * [is -> Promises] filtered afterwards, the engine enumerated |Promises|^9 of them (27^9 here)
 * and ran out of its 4 GiB of WebAssembly memory minutes later (validate-sim-traces --seed 41).
 */
import { describe, expect, it } from 'vitest';
import { formatVerdict } from '../../../src/trace/replay/check.js';
import type { SpecConstants, SpecMessage, TraceEvent } from '../../../src/trace/format/types.js';
import { specWalk } from '../../../src/trace/spec/specWalk.js';
import { traceFiles } from '../traceFiles.js';

const PARTS = 9;
const CONSTANTS: SpecConstants = {
  N: 3, Window: 2, Callers: [1], RequestsPerCaller: 2, MaxBallot: 3, MaxSlot: 2, MaxRestarts: 1, CheckpointNodes: [], PromiseParts: [PARTS],
};
const walk = specWalk({ constants: CONSTANTS, steps: 300, seed: 3, weights: { AcceptorReceivePrepare: 4, ScoutReceivePromise: 4, LeaderSpawnScout: 2 } });

const { textOf, write, check } = traceFiles('promise-parts-many-');
type Promise = Extract<SpecMessage, { type: 'Promise' }>;
const isPromise = (m: SpecMessage): m is Promise => m.type === 'Promise';
/** A scout step that counted an acceptor (a yes) from a Promise in PARTS parts. */
const counted = (e: TraceEvent): boolean => e.action === 'ScoutReceivePromise' && isPromise(e.params.message!)
  && e.params.message.parts === PARTS && e.params.message.promised.num === e.params.message.ballot.num
  && e.params.message.promised.leader === e.params.message.ballot.leader;
/** The Promise messages sent before event i (msgs keeps every message). */
const promisesBefore = (i: number): number => walk.events.slice(0, i).reduce((n, e) => n + e.sent.filter(isPromise).length, 0);

describe('a scout counting a Promise in nine parts among many Promise messages', () => {
  const at = walk.events.map(counted).lastIndexOf(true);

  it('happens in the walk, with msgs holding at least three Promises of nine parts', () => {
    expect(at).toBeGreaterThan(0);
    expect(promisesBefore(at)).toBeGreaterThanOrEqual(3 * PARTS);
  });

  it('passes the embedded spec, and the fast oracle', () => {
    const path = write('walk.ndjson', textOf(walk.header, walk.events.slice(0, at + 1)));
    const embedded = check(path, { fast: false, embedded: true });
    expect(embedded.ok, formatVerdict(embedded)).toBe(true);
    expect(embedded.embeddedEvents).toBe(at + 1);
    expect(check(path).ok).toBe(true);
  }, 120_000);

  it('is rejected by the embedded spec when one of the other eight parts was never sent', () => {
    const m = walk.events[at]!.params.message! as Promise;
    const other = (x: SpecMessage): boolean => isPromise(x) && x.acceptor === m.acceptor && x.ballot.num === m.ballot.num
      && x.ballot.leader === m.ballot.leader && x.mark === m.mark && x.parts === m.parts && x.part === (m.part === 1 ? 2 : 1);
    const edited = walk.events.slice(0, at + 1).map((e) => (e.action === 'AcceptorReceivePrepare' ? { ...e, sent: e.sent.filter((x) => !other(x)) } : e));
    const v = check(write('missing-part.ndjson', textOf(walk.header, edited)), { fast: false, embedded: true });
    expect(v.ok).toBe(false);
    expect(v.failure?.line, formatVerdict(v)).toBeLessThanOrEqual(at + 2);
  }, 120_000);
});
