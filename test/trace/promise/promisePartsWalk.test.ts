/**
 * Traces with Promise parts (spec "Promise parts"): a walk of the spec where a Promise may be
 * sent in 1, 2 or 3 parts replays on the fast oracle and on the embedded spec; a scout step
 * that counts an acceptor whose other part was never sent is rejected there; a one-part Promise
 * is written as before parts (no part fields).
 */
import { describe, expect, it } from 'vitest';
import { formatVerdict } from '../../../src/trace/replay/check.js';
import type { SpecConstants, SpecMessage, TraceEvent } from '../../../src/trace/format/types.js';
import { specWalk } from '../../../src/trace/spec/specWalk.js';
import { traceFiles } from '../traceFiles.js';

const CONSTANTS: SpecConstants = {
  N: 3, Window: 2, Callers: [1, 2], RequestsPerCaller: 2, MaxBallot: 2, MaxSlot: 3, MaxRestarts: 3, CheckpointNodes: [1, 2, 3], PromiseParts: [1, 2, 3],
};
// Restarts favoured, so that leaders run phase 1 again over acceptors that accepted pvalues.
const walk = specWalk({ constants: CONSTANTS, steps: 400, seed: 8, weights: { NodeRestart: 0.5, ScoutReceivePromise: 5, AcceptorReceivePrepare: 3 } });

const { textOf, write, check } = traceFiles('promise-parts-traces-');
const partsOf = (m: SpecMessage): number => (m.type === 'Promise' ? m.parts ?? 1 : 0);
/** A scout step that counted an acceptor from a Promise in parts carrying pvalues. */
const countedFromParts = (e: TraceEvent): boolean => e.action === 'ScoutReceivePromise' && partsOf(e.params.message!) >= 2
  && e.params.message!.type === 'Promise' && e.params.message!.promised.num === e.params.message!.ballot.num
  && e.params.message!.promised.leader === e.params.message!.ballot.leader;

describe('a spec walk with Promise parts', () => {
  it('sends Promises in one part and in several, and a scout counts one from several parts', () => {
    const promises = walk.events.flatMap((e) => e.sent.filter((m) => m.type === 'Promise'));
    expect(promises.some((m) => partsOf(m) === 1 && !('part' in m) && !('parts' in m))).toBe(true);
    expect(promises.some((m) => partsOf(m) >= 2 && m.type === 'Promise' && m.accepted.length > 0)).toBe(true);
    expect(walk.events.some(countedFromParts)).toBe(true);
    // A Prepare answered in k parts sends k messages, parts 1..k.
    for (const e of walk.events.filter((x) => x.action === 'AcceptorReceivePrepare')) {
      const sent = e.sent.filter((m) => m.type === 'Promise');
      const k = partsOf(sent[0]!);
      expect(sent.map((m) => (m.type === 'Promise' ? m.part ?? 1 : 0)).sort()).toEqual(Array.from({ length: k }, (_, i) => i + 1));
    }
  });

  it('passes the fast oracle and the embedded spec', () => {
    const path = write('walk.ndjson', textOf(walk.header, walk.events));
    const fast = check(path);
    expect(fast.ok, formatVerdict(fast)).toBe(true);
    expect(fast.events).toBe(walk.events.length);
    const embedded = check(path, { fast: false, embedded: true });
    expect(embedded.ok, formatVerdict(embedded)).toBe(true);
  }, 300_000);

  it('rejects a count whose other part was never sent (the Prepare step shows one part less)', () => {
    const at = walk.events.findIndex(countedFromParts);
    const m = walk.events[at]!.params.message! as Extract<SpecMessage, { type: 'Promise' }>;
    const other = (x: SpecMessage): boolean => x.type === 'Promise' && x.acceptor === m.acceptor && x.ballot.num === m.ballot.num
      && x.ballot.leader === m.ballot.leader && x.parts === m.parts && x.part !== m.part;
    const edited = walk.events.map((e) => (e.action === 'AcceptorReceivePrepare' ? { ...e, sent: e.sent.filter((x) => !other(x)) } : e));
    const v = check(write('missing-part.ndjson', textOf(walk.header, edited)));
    expect(v.ok).toBe(false);
    expect(v.failure?.line, formatVerdict(v)).toBeLessThanOrEqual(at + 2);
  });
});
