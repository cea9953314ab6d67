import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../../src/trace/format/types.js';
import { batchBoundProblem } from '../../../src/trace/replay/batchBound.js';

const req = (clientId: number) => ({ caller: 1, clientId, input: `in${clientId}` });
const batchOf = (k: number) => ({ batch: Array.from({ length: k }, (_, i) => req(i + 1)) });
const ballot = { num: 1, leader: 1 };
const event = (params: object, sent: object[]): TraceEvent =>
  ({ node: 1, seq: 1, clock: 1, role: 'Leader', action: 'LeaderReceivePropose', params, sent, delta: {} }) as unknown as TraceEvent;

describe('batchBoundProblem names the first batch over BatchMax by its JSON pointer', () => {
  it('a sent message: its index in sent', () => {
    const ev = event({}, [{ type: 'Accept', ballot, slot: 1, prop: req(9) }, { type: 'Accept', ballot, slot: 2, prop: batchOf(3) }]);
    expect(batchBoundProblem(ev, 2)).toEqual({ pointer: '/sent/1/prop/batch', message: "/sent/1/prop/batch is a batch of 3 requests, but the header's BatchMax is 2" });
    expect(batchBoundProblem(ev, 3)).toBeNull();
  });
  it('the received message, before anything sent', () => {
    const ev = event({ message: { type: 'Propose', slot: 1, prop: batchOf(2) } }, [{ type: 'Accept', ballot, slot: 2, prop: batchOf(3) }]);
    expect(batchBoundProblem(ev, undefined)?.pointer).toBe('/params/message/prop/batch');
    expect(batchBoundProblem(ev, undefined)?.message).toMatch(/batch of 2 requests, but the header has no BatchMax/);
  });
  it("the step's own proposal first", () => {
    const ev = event({ proposal: batchOf(4), message: { type: 'Propose', slot: 1, prop: batchOf(5) } }, []);
    expect(batchBoundProblem(ev, 3)?.pointer).toBe('/params/proposal/batch');
    expect(batchBoundProblem(ev, 1)?.message).toBe("/params/proposal/batch is a batch of 4 requests, but the header's BatchMax is 1");
  });
});
