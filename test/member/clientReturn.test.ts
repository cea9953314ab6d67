/**
 * The trace's ClientReturn is what the application was told. A Member resolves its invokes in
 * invocation order, so a request that executed early waits in a queue until the ones before it
 * are answered; the value it then resolves with must be its own output, and the trace must say
 * that value (the checker compares the trace's ClientReturn with the replica's execution, so a
 * trace that recorded the node's answer while the application got another would hide the bug).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { NodeApi, TraceEvent } from '../../src/node/api.js';
import { defaultNodeFactory, type NodeFactory } from '../../src/member/nodeFactory.js';
import { inMemoryCluster, setupAccounts } from './cluster.js';

const cleanups: (() => void)[] = [];
afterEach(() => { cleanups.splice(0).forEach((f) => f()); });

/** Refuses the `which`-th invoke once ('too-many-pending'): the Member offers it again later. */
function refuseOnce(which: number): NodeFactory {
  return (id, peers, options, env) => {
    const node = defaultNodeFactory(id, peers, options, env);
    let invokes = 0;
    return new Proxy(node, {
      get(target, prop) {
        if (prop === 'invoke') {
          return (clientId: number, input: string, o?: { retry?: boolean }) => {
            if (++invokes === which) return { durable: [], messages: [], timers: [], results: [], refused: 'too-many-pending' };
            return target.invoke(clientId, input, o);
          };
        }
        const v = Reflect.get(target, prop) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    }) as NodeApi;
  };
}

describe('Member client returns', () => {
  it('a request executed ahead of an earlier one resolves, later, with its own output, and the trace says that output', async () => {
    const returns = new Map<number, unknown>();
    const c = inMemoryCluster(3, {
      member: {
        retryMs: 40,
        createNode: refuseOnce(3), // the first deposit below (after the two opens)
        trace: (e: TraceEvent) => {
          if (e.node !== 1) return;
          const client = e.params.client;
          if (client?.kind === 'return') returns.set(client.clientId, client.output);
        },
      },
    });
    cleanups.push(c.stop);
    const m = c.members[0]!;
    await setupAccounts(m);
    const first = m.invoke({ op: 'deposit', account: 'a', amount: 5 });
    const second = m.invoke({ op: 'deposit', account: 'a', amount: 7 });
    const [a, b] = await Promise.all([first, second]);
    // The second ran first (the first was refused once and offered again): balances 7, then 12.
    expect(b).toEqual({ ok: true, op: 'deposit', account: 'a', balance: 7 });
    expect(a).toEqual({ ok: true, op: 'deposit', account: 'a', balance: 12 });
    // Client ids 1 and 2 were the opens; 3 and 4 the deposits.
    expect(returns.get(3)).toEqual(a);
    expect(returns.get(4)).toEqual(b);
  });
});
