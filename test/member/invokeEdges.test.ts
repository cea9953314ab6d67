/**
 * Edges of the Member API that the cluster tests do not reach: a request that fails at once
 * still waits for the ones invoked before it; a request the node keeps refusing for now still
 * times out; the trace's ClientInvoke comes before anything the node did with the request; and
 * records no message waits for (a one-node cluster, a clientIds record) are synced all the same.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DeadlineExceededError } from '../../src/member/errors.js';
import { InMemoryNetwork } from '../../src/member/inMemoryTransport.js';
import { CLIENT_ID_BLOCK, Member } from '../../src/member/member.js';
import { defaultNodeFactory, type NodeFactory } from '../../src/member/nodeFactory.js';
import type { NodeApi, TraceEvent } from '../../src/node/api.js';
import type { Proposal } from '../../src/protocol/values.js';
import { bank } from '../../src/statemachines/bank.js';
import { MemoryDurableLog } from '../../src/storage/memoryLog.js';
import { FAST_TIMING, inMemoryCluster } from './cluster.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  cleanups.splice(0).forEach((f) => f());
  vi.useRealTimers();
});

/** Lets pending callbacks run (a flush's setImmediate, a sync's promise, the sends behind it). */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('Member invoke edges', () => {
  it('a request refused for good waits for an earlier pending one before it rejects (invocation order holds for errors too)', async () => {
    // Only node 1 of 3 runs: request a can never be decided and rejects at its deadline; b is
    // refused at once (too long), and must still reject after a.
    const c = inMemoryCluster(3, { start: [1], member: { deadlineMs: 100, limits: { maxInputLength: 64 } } });
    cleanups.push(c.stop);
    const m = c.members[0]!;
    const settled: string[] = [];
    const a = m.invoke({ op: 'open', account: 'a' }).catch((e: Error) => { settled.push(`a:${e.name}`); });
    const b = m.invoke({ op: 'open', account: 'x'.repeat(100) }).catch((e: Error) => { settled.push(`b:${e.name}`); });
    await Promise.all([a, b]);
    expect(settled).toEqual(['a:DeadlineExceededError', 'b:InvokeRefusedError']);
  });

  it('a request the node keeps refusing for now (retried every retryMs) still rejects at deadlineMs after invoke', async () => {
    vi.useFakeTimers();
    const offers: number[] = [];
    const alwaysBusy: NodeFactory = (id, peers, options, env) => {
      const node = defaultNodeFactory(id, peers, options, env);
      return new Proxy(node, {
        get(target, prop) {
          if (prop === 'invoke') {
            return (clientId: number) => {
              offers.push(clientId);
              return { durable: [], messages: [], timers: [], results: [], refused: 'too-many-pending' };
            };
          }
          const v = Reflect.get(target, prop) as unknown;
          return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
        },
      }) as NodeApi;
    };
    const m = new Member(bank, new InMemoryNetwork().transport(1), [1], {
      id: 1, timing: FAST_TIMING, clientIdBase: 1, deadlineMs: 100, retryMs: 10, createNode: alwaysBusy,
    });
    m.start();
    cleanups.push(() => m.stop());
    let outcome: unknown = 'pending';
    void m.invoke({ op: 'open', account: 'a' }).then((o) => { outcome = o; }, (e: unknown) => { outcome = e; });
    await vi.advanceTimersByTimeAsync(99);
    expect(outcome).toBe('pending');
    await vi.advanceTimersByTimeAsync(1);
    expect(outcome).toBeInstanceOf(DeadlineExceededError);
    expect((outcome as DeadlineExceededError).clientId).toBe(1);
    // Offered at 0 and again every retryMs (10 ms) until the deadline: about ten times, not
    // once a millisecond (a retry timer that lost its delay passed the bound before).
    expect(offers.length).toBeGreaterThanOrEqual(9);
    expect(offers.length).toBeLessThanOrEqual(11);
    expect(new Set(offers)).toEqual(new Set([1])); // one client id for the request's whole life
  });

  it('traces ClientInvoke before any step of the node for that request, and before its ClientReturn', async () => {
    const events: TraceEvent[] = [];
    const m = new Member(bank, new InMemoryNetwork().transport(1), [1], {
      id: 1, timing: FAST_TIMING, clientIdBase: 1, trace: (e) => events.push(e),
    });
    m.start();
    cleanups.push(() => m.stop());
    const from = events.length;
    const out = m.invoke({ op: 'open', account: 'a' });
    const first = events[from]!;
    expect(`${first.role} ${first.action}`).toBe('Client ClientInvoke');
    expect(first.params.client).toMatchObject({ kind: 'invoke', clientId: 1 });
    expect(await out).toMatchObject({ ok: true });
    const client = events.slice(from).filter((e) => e.role === 'Client').map((e) => `${e.action} ${e.params.client?.clientId}`);
    expect(client).toEqual(['ClientInvoke 1', 'ClientReturn 1']);
  });

  it('syncs records no message waits for: a one-node member\'s promise, ballot and clientIds records survive a crash after invoke', async () => {
    const log = new MemoryDurableLog(1);
    const m = new Member(bank, new InMemoryNetwork().transport(1), [1], { id: 1, storage: log, timing: FAST_TIMING, clientIdBase: 1 });
    m.start();
    cleanups.push(() => m.stop());
    expect(await m.invoke({ op: 'open', account: 'a' })).toMatchObject({ ok: true });
    for (let i = 0; i < 3; i++) await turn();
    expect(log.pendingSync).toBe(false);
    log.crash();
    const durable = log.load();
    expect(durable?.clientIdsBelow).toBe(1 + CLIENT_ID_BLOCK);
    expect(durable?.aBallot).toEqual({ num: 0, leader: 1 }); // its promise to its own first ballot
    expect(durable?.aAccepted.map((pv) => pv.slot)).toEqual([1]); // the request it accepted
  });

  it('a one-node member resolves an invoke only once the records that decided it are synced: a crash right after loses no acknowledged request', async () => {
    // One node is its own majority: the request is accepted, decided and executed in the one
    // call that appends its pvalue, with no message whose sync would have covered it.
    const log = new MemoryDurableLog(1);
    const m = new Member(bank, new InMemoryNetwork().transport(1), [1], { id: 1, storage: log, timing: FAST_TIMING, clientIdBase: 1 });
    m.start();
    cleanups.push(() => m.stop());
    expect(await m.invoke({ op: 'open', account: 'a' })).toMatchObject({ ok: true });
    expect(await m.invoke({ op: 'deposit', account: 'a', amount: 5 })).toMatchObject({ ok: true, balance: 5 });
    // Power loss the moment the application was told: what it was told must be durable.
    m.stop();
    log.crash();
    const accepted = log.load()?.aAccepted ?? [];
    expect(accepted.map((pv) => [pv.slot, JSON.parse((pv.prop as Proposal).input) as unknown])).toEqual([
      [1, { op: 'open', account: 'a' }],
      [2, { op: 'deposit', account: 'a', amount: 5 }],
    ]);
  });
});

