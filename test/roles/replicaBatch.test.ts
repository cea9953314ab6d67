/**
 * A replica's batches (spec "Batches"): what it proposes when requests wait, and how it runs a
 * decided batch. Each test names the bug it is there to catch.
 */
import { describe, expect, it, vi } from 'vitest';
import { NOOP, type Batch } from '../../src/protocol/values.js';
import { Replica, REPLICA_PROPOSE_TIMER } from '../../src/roles/replica.js';
import { counter, FakeHost, prop, specOf } from './fake-host.js';

function replicaOn(options: ConstructorParameters<typeof FakeHost>[0] = {}) {
  const host = new FakeHost({ self: 2, ...options, limits: { window: 1, batchMaxRequests: 3, ...options.limits } });
  const replica = new Replica(host);
  host.addRole(replica);
  host.clear();
  return { host, replica };
}
const invoke = (p: ReturnType<typeof prop>) => ({ type: 'Invoke' as const, replica: 2, prop: p });
const decision = (slot: number, p: Batch) => ({ type: 'Decision' as const, slot, prop: p });
const proposed = (host: FakeHost) => host.sends('Propose').map((s) => s.message);

describe('Replica batches', () => {
  it('proposes the requests that waited for a full window as one batch, oldest first, at most batchMaxRequests', () => {
    const { host, replica } = replicaOn();
    for (let id = 1; id <= 5; id++) replica.receive(2, invoke(prop(2, id)));
    // Slot 1 went out alone (the window was open); 2..5 wait behind it.
    expect(proposed(host)).toEqual([{ type: 'Propose', slot: 1, prop: prop(2, 1) }]);
    host.clear();

    replica.receive(1, decision(1, prop(2, 1)));

    expect(proposed(host)).toEqual([{ type: 'Propose', slot: 2, prop: { batch: [prop(2, 2), prop(2, 3), prop(2, 4)] } }]);
    expect(specOf(replica)).toMatchObject({ rRequests: [prop(2, 5)], rProposals: [{ slot: 2, prop: { batch: [prop(2, 2), prop(2, 3), prop(2, 4)] } }] });
  });

  it('stops a batch before batchMaxInput characters of input, but proposes a longer request alone', () => {
    const { host, replica } = replicaOn({ limits: { batchMaxRequests: 10, batchMaxInput: 10 } });
    replica.receive(2, invoke(prop(2, 1, 'x')));
    for (const [id, input] of [[2, 'aaaa'], [3, 'bbbb'], [4, 'cccc'], [5, 'a much longer input']] as const) replica.receive(2, invoke(prop(2, id, input)));
    host.clear();

    replica.receive(1, decision(1, prop(2, 1, 'x')));
    expect(proposed(host)).toEqual([{ type: 'Propose', slot: 2, prop: { batch: [prop(2, 2, 'aaaa'), prop(2, 3, 'bbbb')] } }]);
    host.clear();
    replica.receive(1, decision(2, { batch: [prop(2, 2, 'aaaa'), prop(2, 3, 'bbbb')] }));
    expect(proposed(host)).toEqual([{ type: 'Propose', slot: 3, prop: prop(2, 4, 'cccc') }]);
    host.clear();
    replica.receive(1, decision(3, prop(2, 4, 'cccc')));
    expect(proposed(host)).toEqual([{ type: 'Propose', slot: 4, prop: prop(2, 5, 'a much longer input') }]);
  });

  it('fills a batch up to exactly batchMaxInput units of input: the bound is inclusive, a batch that fits is not cut', () => {
    // A bound tested with >= cut this batch in two: one more slot (and its Accepts, fsyncs and Decisions) for nothing.
    const { host, replica } = replicaOn({ limits: { batchMaxRequests: 10, batchMaxInput: 9 } });
    replica.receive(2, invoke(prop(2, 1, 'x')));
    for (const [id, input] of [[2, 'aaaa'], [3, 'bbbbb'], [4, 'c']] as const) replica.receive(2, invoke(prop(2, id, input)));
    host.clear();

    replica.receive(1, decision(1, prop(2, 1, 'x')));
    expect(proposed(host)).toEqual([{ type: 'Propose', slot: 2, prop: { batch: [prop(2, 2, 'aaaa'), prop(2, 3, 'bbbbb')] } }]);
  });

  it('runs a decided batch in its order and answers each request with its own index (not the batch\'s last)', () => {
    const apply = vi.fn((s: number, input: string): [number, unknown] => [s * 10 + Number(input), s * 10 + Number(input)]);
    const { host, replica } = replicaOn({ stateMachine: { initial: () => 0, apply } });

    replica.receive(1, decision(1, { batch: [prop(2, 1, '1'), prop(3, 1, '2'), prop(2, 2, '3')] }));

    expect(apply.mock.calls.map((c) => c[1])).toEqual(['1', '2', '3']);
    expect(host.sends('Invoked').map((s) => [s.to, (s.message as { index: number }).index, (s.message as { output: unknown }).output])).toEqual([
      [2, 1, 1], [null, 2, 12], [2, 3, 123],
    ]);
    expect(specOf(replica)).toMatchObject({ rSlotOut: 2, rExecuted: [prop(2, 1, '1'), prop(3, 1, '2'), prop(2, 2, '3')] });
    expect(host.journal.filter((e) => e.kind === 'action' && e.action === 'ReplicaExecute').map((e) => (e as { params?: unknown }).params)).toEqual([
      { proposal: { batch: [prop(2, 1, '1'), prop(3, 1, '2'), prop(2, 2, '3')] }, outputs: [1, 12, 123], digest: expect.any(String) },
    ]);
  });

  it('skips, request by request, what an earlier slot executed (a request decided in two batches runs once)', () => {
    const apply = vi.fn(counter.apply);
    const { replica } = replicaOn({ stateMachine: { initial: () => 0, apply } });

    replica.receive(1, decision(1, { batch: [prop(3, 1, '1'), prop(3, 2, '2')] }));
    replica.receive(1, decision(2, NOOP));
    replica.receive(1, decision(3, { batch: [prop(3, 2, '2'), prop(4, 1, '4')] }));

    expect(apply.mock.calls.map((c) => c[1])).toEqual(['1', '2', '4']);
    expect(specOf(replica)).toMatchObject({ rSlotOut: 4, rExecuted: [prop(3, 1, '1'), prop(3, 2, '2'), prop(4, 1, '4')] });
  });

  it('re-queues the requests of its own batch that the decided batch left out, and only those', () => {
    const { host, replica } = replicaOn();
    for (let id = 1; id <= 4; id++) replica.receive(2, invoke(prop(2, id)));
    replica.receive(1, decision(1, prop(2, 1)));
    host.clear(); // slot 2 holds our batch [2, 3, 4]

    // Another replica's batch won slot 2; it happens to hold our request 3.
    replica.receive(1, decision(2, { batch: [prop(5, 1), prop(2, 3)] }));

    expect(specOf(replica).rExecuted).toEqual([prop(2, 1), prop(5, 1), prop(2, 3)]);
    expect(proposed(host)).toEqual([{ type: 'Propose', slot: 3, prop: { batch: [prop(2, 2), prop(2, 4)] } }]);
  });

  it('knows a request that is inside a decided or proposed batch (a retransmitted Invoke is not queued twice)', () => {
    const { host, replica } = replicaOn();
    for (let id = 1; id <= 3; id++) replica.receive(2, invoke(prop(2, id)));
    replica.receive(1, decision(5, { batch: [prop(2, 9), prop(4, 1)] }));
    host.clear();

    replica.receive(2, invoke(prop(2, 2))); // waiting
    replica.receive(2, invoke(prop(2, 9))); // in a decided batch, not yet executed
    replica.receive(2, invoke(prop(2, 1))); // proposed alone for slot 1

    expect(host.journal).toEqual([]);
  });
});

describe("Replica with deferProposals 'turn' (requests that arrive together share a slot)", () => {
  const deferring = (limits: Record<string, unknown> = {}) => replicaOn({ limits: { window: 5, batchMaxRequests: 4, deferProposals: 'turn', ...limits } });
  const proposeTimers = (host: FakeHost) => host.journal.filter((e) => e.kind === 'timer' && e.name === REPLICA_PROPOSE_TIMER);

  it('proposes a lone request at once: nothing of its own in flight (a deferral here would only add a turn of latency)', () => {
    const { host, replica } = deferring();
    replica.receive(2, invoke(prop(2, 1)));
    expect(proposed(host)).toEqual([{ type: 'Propose', slot: 1, prop: prop(2, 1) }]);
    expect(proposeTimers(host)).toEqual([]);
  });

  it('with a proposal in flight, arms one 0 ms timer for the turn and proposes what arrived as one batch when it fires', () => {
    const { host, replica } = deferring();
    replica.receive(2, invoke(prop(2, 1)));
    host.clear();
    for (let id = 2; id <= 4; id++) replica.receive(2, invoke(prop(2, id)));
    // Catches a replica that proposes each one at once (three slots) or arms a timer per request.
    expect(proposed(host)).toEqual([]);
    expect(proposeTimers(host)).toEqual([{ kind: 'timer', name: REPLICA_PROPOSE_TIMER, key: undefined, afterMs: 0 }]);
    expect(specOf(replica).rRequests).toEqual([prop(2, 2), prop(2, 3), prop(2, 4)]);
    host.clear();

    replica.onTimer(REPLICA_PROPOSE_TIMER);
    expect(proposed(host)).toEqual([{ type: 'Propose', slot: 2, prop: { batch: [prop(2, 2), prop(2, 3), prop(2, 4)] } }]);

    // Catches a flag left set after the timer fired: the next turn's requests would wait forever.
    host.clear();
    replica.receive(2, invoke(prop(2, 5)));
    expect(proposeTimers(host)).toHaveLength(1);
  });

  it('proposes the waiting requests when a Decision opens the window before the timer fires; the timer then does nothing', () => {
    const { host, replica } = deferring();
    replica.receive(2, invoke(prop(2, 1)));
    replica.receive(2, invoke(prop(2, 2)));
    host.clear();
    replica.receive(1, decision(1, prop(2, 1)));
    expect(proposed(host)).toEqual([{ type: 'Propose', slot: 2, prop: prop(2, 2) }]);
    host.clear();
    replica.onTimer(REPLICA_PROPOSE_TIMER);
    expect(proposed(host)).toEqual([]);
  });

  it('does nothing without batching (batchMaxRequests 1): a deferral could not put two requests in one slot', () => {
    const { host, replica } = deferring({ batchMaxRequests: 1 });
    replica.receive(2, invoke(prop(2, 1)));
    replica.receive(2, invoke(prop(2, 2)));
    expect(proposed(host).map((m) => (m as { slot: number }).slot)).toEqual([1, 2]);
    expect(proposeTimers(host)).toEqual([]);
  });
});

describe("Replica with deferProposals 'decision' (at most one batch of its own in flight)", () => {
  const deferring = () => replicaOn({ limits: { window: 5, batchMaxRequests: 4, deferProposals: 'decision' } });

  it('proposes a lone request at once, then holds what arrives until a Decision, and proposes it as one batch', () => {
    const { host, replica } = deferring();
    replica.receive(2, invoke(prop(2, 1)));
    expect(proposed(host)).toEqual([{ type: 'Propose', slot: 1, prop: prop(2, 1) }]);
    host.clear();
    for (let id = 2; id <= 4; id++) replica.receive(2, invoke(prop(2, id)));
    // Catches a replica that proposes them at once (window room) or arms a timer for them.
    expect(proposed(host)).toEqual([]);
    expect(host.journal.filter((e) => e.kind === 'timer')).toEqual([]);
    replica.receive(1, decision(1, prop(2, 1)));
    expect(proposed(host)).toEqual([{ type: 'Propose', slot: 2, prop: { batch: [prop(2, 2), prop(2, 3), prop(2, 4)] } }]);
  });

  it('proposes what waits when a Decision of another replica\'s value re-queues its own batch', () => {
    const { host, replica } = deferring();
    replica.receive(2, invoke(prop(2, 1)));
    replica.receive(2, invoke(prop(2, 2))); // waits behind slot 1
    host.clear();
    replica.receive(1, decision(1, prop(5, 1))); // another replica's request won slot 1
    // Catches a replica that keeps waiting (its own proposal is no longer in flight): a stall.
    expect(proposed(host)).toEqual([{ type: 'Propose', slot: 2, prop: { batch: [prop(2, 2), prop(2, 1)] } }]);
  });
});

describe('Replica decidedKeys (spec Known without a scan)', () => {
  class Exposed extends Replica {
    counted(): number {
      return this.decidedKeys.size;
    }
  }

  it('counts only the requests of slots not yet executed: executing a slot uncounts it, so a snapshot has nothing left to uncount', () => {
    const host = new FakeHost({ self: 2, limits: { window: 5, batchMaxRequests: 3 } });
    const replica = new Exposed(host);
    host.addRole(replica);
    replica.receive(1, decision(1, { batch: [prop(3, 1), prop(4, 1)] }));
    replica.receive(1, decision(3, { batch: [prop(3, 2), prop(4, 2)] })); // slot 2 missing: 3 waits
    // Catches a replica that keeps counting executed slots until they are forgotten (the pause
    // that this moved out of the snapshot step), and one that stops counting unexecuted ones.
    expect(replica.counted()).toBe(2);
    host.clear();
    replica.receive(4, invoke(prop(4, 2))); // decided in slot 3, not executed: known, ignored
    expect(host.journal).toEqual([]);
    replica.receive(4, invoke(prop(4, 1))); // executed in slot 1: answered again
    expect(host.sends('Invoked')).toHaveLength(1);
    replica.receive(1, decision(2, NOOP));
    expect(replica.counted()).toBe(0);
  });
});

describe('Node options for batches', () => {
  it('refuses a batchMaxRequests the message schemas would reject (0, or more than MAX_BATCH_REQUESTS)', async () => {
    const { Node } = await import('../../src/node/node.js');
    const { MAX_BATCH_REQUESTS } = await import('../../src/protocol/limits.js');
    const make = (batchMaxRequests: number) => () => new Node(1, [1, 2, 3], { durable: undefined }, { stateMachine: counter, limits: { batchMaxRequests } });
    expect(make(0)).toThrow(/batchMaxRequests must be an integer in 1\.\.1000, got 0/);
    expect(make(MAX_BATCH_REQUESTS + 1)).toThrow(RangeError);
    expect(make(MAX_BATCH_REQUESTS)).not.toThrow();
  });

  it('refuses an input or batch input bound its peers would refuse (over the schemas\' maxLength, or over what an acceptor logs)', async () => {
    const { Node } = await import('../../src/node/node.js');
    const { MAX_BATCH_INPUT, MAX_INPUT_LENGTH } = await import('../../src/protocol/limits.js');
    const make = (limits: { maxInputLength?: number; batchMaxInput?: number }) => () => new Node(1, [1, 2, 3], { durable: undefined }, { stateMachine: counter, limits });
    expect(make({ maxInputLength: MAX_INPUT_LENGTH + 1 })).toThrow(/maxInputLength must be an integer in 0\.\.65536, got 65537/);
    expect(make({ batchMaxInput: MAX_BATCH_INPUT + 1 })).toThrow(/batchMaxInput must be an integer in 0\.\.65536, got 65537/);
    expect(make({ maxInputLength: -1 })).toThrow(RangeError);
    expect(make({ batchMaxInput: 1.5 })).toThrow(RangeError);
    expect(make({ maxInputLength: MAX_INPUT_LENGTH, batchMaxInput: MAX_BATCH_INPUT })).not.toThrow();
    expect(make({ maxInputLength: 0, batchMaxInput: 0 })).not.toThrow();
  });
});
