/**
 * stop() while a request is answered but waits, for invocation order, behind one that is not:
 * the answered one was never handed over, so it must reject like every other pending invoke.
 * A stop() that rejected only the requests without an answer left that promise unsettled for
 * ever (a reviewer's bug): the application would wait on it and never learn the member stopped.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemberStoppedError } from '../../src/member/errors.js';
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

/** Lets pending callbacks run (a flush's setImmediate, a sync's promise, the deliveries behind it). */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A node that answers every request at once except the one with `unanswered` as client id. */
function answersAllBut(unanswered: number): NodeFactory {
  return (id, peers, options, env) => {
    const node = defaultNodeFactory(id, peers, options, env);
    return new Proxy(node, {
      get(target, prop) {
        if (prop === 'invoke') {
          return (clientId: number) => ({
            durable: [], messages: [], timers: [],
            results: clientId === unanswered ? [] : [{ clientId, output: { ok: true, answered: clientId } }],
          });
        }
        const v = Reflect.get(target, prop) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    }) as NodeApi;
  };
}

describe('Member stop()', () => {
  it('rejects a request that was answered but still waits behind an earlier unanswered one', async () => {
    const m = new Member(bank, new InMemoryNetwork().transport(1), [1], {
      id: 1, timing: FAST_TIMING, clientIdBase: 1, createNode: answersAllBut(1),
    });
    m.start();
    cleanups.push(() => m.stop());
    const outcomes: Record<string, unknown> = { first: 'pending', second: 'pending' };
    void m.invoke({ op: 'open', account: 'a' }).then((o) => { outcomes.first = o; }, (e: unknown) => { outcomes.first = e; });
    void m.invoke({ op: 'open', account: 'b' }).then((o) => { outcomes.second = o; }, (e: unknown) => { outcomes.second = e; });
    for (let i = 0; i < 5; i++) await turn();
    // The second is answered, and held back for the first: invocation order.
    expect(outcomes).toEqual({ first: 'pending', second: 'pending' });
    m.stop();
    for (let i = 0; i < 5; i++) await turn();
    expect(outcomes.first).toBeInstanceOf(MemberStoppedError);
    expect(outcomes.second).toBeInstanceOf(MemberStoppedError);
  });

  it('leaves no timer armed: the deadline of a request already answered is cleared, not left to fire', async () => {
    // stop() "stops timers": a settled request's deadline left armed keeps the process up for
    // deadlineMs after stop, holding the request and its output, for every request answered
    // in that time.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const m = new Member(bank, new InMemoryNetwork().transport(1), [1], { id: 1, timing: FAST_TIMING, clientIdBase: 1, deadlineMs: 60_000 });
    m.start();
    cleanups.push(() => m.stop());
    expect(await m.invoke({ op: 'open', account: 'a' })).toMatchObject({ ok: true });
    expect(await m.invoke({ op: 'deposit', account: 'a', amount: 3 })).toMatchObject({ ok: true, balance: 3 });
    m.stop();
    expect(vi.getTimerCount(), 'timers still armed after stop()').toBe(0);
  });
});
