/**
 * A cluster of one node comes back after a restart. Its Bootstrap has no peer to Join and none
 * to Welcome it, so it becomes a member by itself on its first Join retransmission (a Stutter
 * step, as a Welcome's is); its Replica starts from the durable snapshot (spec NodeRestart: the
 * replica restarts from rSnap) and its Leader re-learns the rest from its own acceptor. Before,
 * it waited for a Welcome for ever and every invoke timed out.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Member } from '../../src/member/member.js';
import { bank } from '../../src/statemachines/bank.js';
import type { TraceEvent } from '../../src/node/api.js';
import { FAST_TIMING, oneNodeFirstIncarnation } from './cluster.js';

const cleanups: Array<() => void> = [];
afterEach(() => { while (cleanups.length > 0) cleanups.pop()!(); });

describe('a one-node cluster', () => {
  for (const [checkpointEvery, traced] of [[0, true], [2, false], [2, true]] as const) {
    it(`restarts from its durable log and goes on (checkpointEvery ${checkpointEvery}${traced ? ', traced' : ''})`, async () => {
      // Traced, both incarnations are: a snapshot keeps its history for a trace that lists it.
      const { log, c } = await oneNodeFirstIncarnation({ checkpointEvery, ...(traced ? { trace: () => {} } : {}) });
      const actions: string[] = [];
      const again = new Member(bank, c.net.transport(1), [1], {
        id: 1, storage: log, startAs: 'join', timing: FAST_TIMING, clientIdBase: 1000, checkpointEvery, deadlineMs: 5_000,
        ...(traced ? { trace: (ev: TraceEvent) => { actions.push(`${ev.role} ${ev.action}`); } } : {}),
      });
      cleanups.push(() => again.stop());
      again.start();
      expect(await again.invoke({ op: 'deposit', account: 'a', amount: 100 })).toMatchObject({ ok: true, balance: 110 });
      expect(await again.invoke({ op: 'balance', account: 'a' })).toMatchObject({ ok: true, balance: 110 });
      if (!traced) return;
      // The restart, then the Bootstrap's hand-over as a step of its own (a Stutter), once,
      // before any step of the roles it hands over to; no rejoin after.
      expect(actions[0]).toBe('Node NodeRestart');
      const handOver = actions.indexOf('Bootstrap Stutter');
      expect(handOver).toBeGreaterThan(0);
      expect(actions.findIndex((a) => /^(Replica|Leader|Acceptor|Scout|Commander) /.test(a))).toBeGreaterThan(handOver);
      expect(actions.filter((a) => a === 'Node NodeRestart')).toHaveLength(1);
    });
  }
});
