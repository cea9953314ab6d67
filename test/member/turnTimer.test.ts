/**
 * A replica that defers proposals to the end of the turn (Limits.deferProposals 'turn', what
 * `paxos node` runs with) asks its host for a 0 ms timer. The Member arms it with setImmediate:
 * a 0 ms setTimeout waits at least 1 ms in Node, which every deferred batch paid in latency.
 * These tests stop the clock (setTimeout faked, setImmediate real): a 0 ms timer must still fire.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { InMemoryNetwork } from '../../src/member/inMemoryTransport.js';
import { Member } from '../../src/member/member.js';
import { defaultNodeFactory, type NodeFactory } from '../../src/member/nodeFactory.js';
import type { NodeApi } from '../../src/node/api.js';
import { bank } from '../../src/statemachines/bank.js';
import { FAST_TIMING } from './cluster.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  cleanups.splice(0).forEach((f) => f());
  vi.useRealTimers();
});

/** Lets pending setImmediate callbacks run (deliveries, a flush, the sends behind a sync). */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A node whose invoke asks for one 0 ms timer, and that records the timers it is fired with. */
function zeroTimerNode(fired: string[]): NodeFactory {
  return (id, peers, options, env) => {
    const node = defaultNodeFactory(id, peers, options, env);
    return new Proxy(node, {
      get(target, prop) {
        if (prop === 'invoke') return () => ({ durable: [], messages: [], results: [], timers: [{ name: 'test-zero', afterMs: 0 }] });
        if (prop === 'fireTimer') {
          return (name: string) => {
            fired.push(name);
            return { durable: [], messages: [], results: [], timers: [] };
          };
        }
        const v = Reflect.get(target, prop) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    }) as NodeApi;
  };
}

describe('Member: a node timer of 0 ms', () => {
  it('fires at the end of the turn, with no time passing on the clock', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const fired: string[] = [];
    const m = new Member(bank, new InMemoryNetwork().transport(1), [1], { id: 1, timing: FAST_TIMING, createNode: zeroTimerNode(fired) });
    m.start();
    cleanups.push(() => m.stop());
    void m.invoke({ op: 'open', account: 'a' }).catch(() => undefined);
    expect(fired).toEqual([]); // not within the call itself
    await turn();
    expect(fired).toEqual(['test-zero']);
  });

  it('does not fire once the member stopped', async () => {
    const fired: string[] = [];
    const m = new Member(bank, new InMemoryNetwork().transport(1), [1], { id: 1, timing: FAST_TIMING, createNode: zeroTimerNode(fired) });
    m.start();
    void m.invoke({ op: 'open', account: 'a' }).catch(() => undefined);
    m.stop();
    for (let i = 0; i < 3; i++) await turn();
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(fired).toEqual([]);
  });

  // In a one-node cluster the first request's Decision also proposes what waits, so this one
  // passes with a setTimeout too: it shows the deferred path answers, in order, on turns alone.
  it('lets a batching replica answer the requests its turn deferred with the clock stopped, in order', async () => {
    const m = new Member(bank, new InMemoryNetwork().transport(1), [1], {
      id: 1, timing: FAST_TIMING, limits: { batchMaxRequests: 8, deferProposals: 'turn' },
    });
    m.start();
    cleanups.push(() => m.stop());
    // Elected first, with the clock running; then the clock stops.
    await m.invoke({ op: 'open', account: 'a' });
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const answers: unknown[] = [];
    // The first deposit is proposed at once; the others arrive while it is in flight, so the
    // replica defers them to the end of the turn (a 0 ms timer).
    for (let i = 1; i <= 4; i++) void m.invoke({ op: 'deposit', account: 'a', amount: i }).then((o) => answers.push(o));
    for (let i = 0; i < 50 && answers.length < 4; i++) await turn();
    expect(answers).toHaveLength(4);
    expect(answers.at(-1)).toEqual({ ok: true, op: 'deposit', account: 'a', balance: 10 });
  });
});
