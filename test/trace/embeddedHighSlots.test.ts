/**
 * A header without model bounds is a real run's: the embedded spec replays it with MaxSlot and
 * MaxBallot as high as any node takes from a peer (2^52), not 1e9, which a long-lived cluster
 * passes after some hours. TLC's trace validation keeps bounds it can represent (its integers
 * are 32-bit). The step replayed here proposes at slot 2,000,000,001 from a window's start.
 */
import { describe, expect, it } from 'vitest';
import { loadSpec } from '../../src/trace/replay/check.js';
import { EmbeddedOracle, replayConstants } from '../../src/trace/replay/oracles.js';
import { configFromConstants, initialState, type NodeSpec } from '../../src/trace/spec/specState.js';
import { propKey } from '../../src/trace/format/keys.js';
import { MAX_BALLOT_NUM, MAX_SLOT } from '../../src/protocol/limits.js';
import type { SpecConstants, TraceEvent } from '../../src/trace/format/types.js';

const HEADER: SpecConstants = { N: 3, Window: 2 };
const SLOT = 2_000_000_001;
const req = { caller: 1, clientId: 1, input: 'x' };

/** Node 1's replica at slot SLOT with req waiting: a point a fast replay of a long run reached. */
function longRunPoint() {
  const s = initialState(configFromConstants(HEADER));
  const nodes = s.nodes as NodeSpec[];
  nodes[1] = { ...nodes[1]!, rSlotIn: SLOT, rSlotOut: SLOT, rRequests: new Map([[propKey(req), req]]) };
  (s.invoked as Map<string, typeof req>).set(propKey(req), req);
  return { state: s, invoked: () => [] };
}

const propose = (slot: number): TraceEvent => ({
  node: 1, seq: 1, clock: 1, role: 'Replica', action: 'ReplicaPropose', params: { proposal: req },
  sent: [{ type: 'Propose', slot, prop: req }],
  delta: { rSlotIn: slot + 1, rRequests: { remove: [req] }, rProposals: { add: [{ slot, prop: req }] } },
} as unknown as TraceEvent);

describe('the embedded replay of a header without model bounds', () => {
  it('replays a proposal at a slot past 2^31', () => {
    const oracle = new EmbeddedOracle(loadSpec().text, HEADER, longRunPoint());
    expect(oracle.step(propose(SLOT))).toEqual({ ok: true });
  });

  it('still rejects a proposal at another slot (the step is judged, not waved through)', () => {
    const oracle = new EmbeddedOracle(loadSpec().text, HEADER, longRunPoint());
    expect(oracle.step(propose(SLOT + 1)).ok).toBe(false);
  });

  it('bounds slots and ballots by what a node takes from a peer, and TLC by its 32-bit integers', () => {
    expect(replayConstants(HEADER)).toMatchObject({ MaxSlot: MAX_SLOT, MaxBallot: MAX_BALLOT_NUM });
    const tlc = replayConstants(HEADER, 'tlc');
    for (const k of ['MaxSlot', 'MaxBallot', 'MaxRestarts'] as const) expect(tlc[k]).toBeLessThan(2 ** 31);
    expect(replayConstants({ ...HEADER, MaxSlot: 3 })).toMatchObject({ MaxSlot: 3 });
  });
});
