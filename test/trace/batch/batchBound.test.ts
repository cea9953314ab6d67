import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../../src/trace/format/types.js';
import { type BatchBounds, batchBoundProblem } from '../../../src/trace/replay/batchBound.js';

const req = (clientId: number) => ({ caller: 1, clientId, input: `in${clientId}` });
const batchOf = (k: number) => ({ batch: Array.from({ length: k }, (_, i) => req(i + 1)) });
const ballot = { num: 1, leader: 1 };
const max = (batchMax: number | undefined): BatchBounds => ({ batchMax, batchMaxInput: undefined });
const event = (params: object, sent: object[]): TraceEvent =>
  ({ node: 1, seq: 1, clock: 1, role: 'Leader', action: 'LeaderReceivePropose', params, sent, delta: {} }) as unknown as TraceEvent;

describe('batchBoundProblem names the first batch over BatchMax by its JSON pointer', () => {
  it('a sent message: its index in sent', () => {
    const ev = event({}, [{ type: 'Accept', ballot, slot: 1, prop: req(9) }, { type: 'Accept', ballot, slot: 2, prop: batchOf(3) }]);
    expect(batchBoundProblem(ev, max(2))).toEqual({ pointer: '/sent/1/prop/batch', message: "/sent/1/prop/batch is a batch of 3 requests, but the header's BatchMax is 2" });
    expect(batchBoundProblem(ev, max(3))).toBeNull();
  });
  it('the received message, before anything sent', () => {
    const ev = event({ message: { type: 'Propose', slot: 1, prop: batchOf(2) } }, [{ type: 'Accept', ballot, slot: 2, prop: batchOf(3) }]);
    expect(batchBoundProblem(ev, max(undefined))?.pointer).toBe('/params/message/prop/batch');
    expect(batchBoundProblem(ev, max(undefined))?.message).toMatch(/batch of 2 requests, but the header has no BatchMax/);
  });
  it("the step's own proposal first", () => {
    const ev = event({ proposal: batchOf(4), message: { type: 'Propose', slot: 1, prop: batchOf(5) } }, []);
    expect(batchBoundProblem(ev, max(3))?.pointer).toBe('/params/proposal/batch');
    expect(batchBoundProblem(ev, max(1))?.message).toBe("/params/proposal/batch is a batch of 4 requests, but the header's BatchMax is 1");
  });
});

describe("batchBoundProblem holds a batch's input text to the header's cluster.batchMaxInput", () => {
  // Inputs of 10, 20 and 30 units: the replica's sum is that of input.length.
  const sized = (...lengths: number[]) => ({ batch: lengths.map((n, i) => ({ caller: 1, clientId: i + 1, input: 'x'.repeat(n) })) });
  const bounds = (batchMaxInput: number | undefined): BatchBounds => ({ batchMax: 4, batchMaxInput });

  it('a batch over the bound, by its pointer, with its sum', () => {
    const ev = event({}, [{ type: 'Accept', ballot, slot: 1, prop: sized(10, 20) }, { type: 'Accept', ballot, slot: 2, prop: sized(10, 20, 30) }]);
    expect(batchBoundProblem(ev, bounds(59))).toEqual({ pointer: '/sent/1/prop/batch',
      message: "/sent/1/prop/batch holds 60 units of input text in 3 requests, but the header's cluster.batchMaxInput is 59 (only a request alone may exceed it)" });
    // At the bound exactly: within it (the replica adds a request while the sum stays <= the bound).
    expect(batchBoundProblem(ev, bounds(60))).toBeNull();
  });
  it('a request alone may exceed it, and without the bound nothing is summed', () => {
    const alone = event({ proposal: { caller: 1, clientId: 1, input: 'x'.repeat(500) } }, []);
    expect(batchBoundProblem(alone, bounds(0))).toBeNull();
    const long = event({ message: { type: 'Decision', slot: 1, prop: sized(400, 400) } }, []);
    expect(batchBoundProblem(long, bounds(undefined))).toBeNull();
    expect(batchBoundProblem(long, bounds(799))?.pointer).toBe('/params/message/prop/batch');
  });
  it('counts UTF-16 units, as the replica does, not bytes', () => {
    // Two units each in UTF-16 (a surrogate pair), four bytes each in UTF-8.
    const ev = event({ proposal: { batch: [{ caller: 1, clientId: 1, input: '😀😀' }, { caller: 1, clientId: 2, input: '😀' }] } }, []);
    expect(batchBoundProblem(ev, bounds(6))).toBeNull();
    expect(batchBoundProblem(ev, bounds(5))?.message).toMatch(/holds 6 units of input text in 2 requests/);
  });
  it('BatchMax first: a batch over both is named for its length', () => {
    const ev = event({ proposal: sized(30, 30, 30, 30, 30) }, []);
    expect(batchBoundProblem(ev, bounds(10))?.message).toMatch(/a batch of 5 requests, but the header's BatchMax is 4/);
  });
});
