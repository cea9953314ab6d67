/**
 * A replica snapshot taken with checkpoints and no trace that lists histories holds no history.
 * A node restarted from it that must keep one (no checkpoints: a Welcome ships the history; a
 * trace sink that lists it in every state) is refused when it is built, with the reason. Before,
 * it started and threw an invariant violation from a timer at its first execution.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Member, type MemberOptions } from '../../src/member/member.js';
import { MemoryDurableLog } from '../../src/storage/memoryLog.js';
import { type BankOutput, type BankState, bank } from '../../src/statemachines/bank.js';
import type { TraceEvent } from '../../src/node/api.js';
import { FAST_TIMING, type inMemoryCluster, oneNodeFirstIncarnation } from './cluster.js';

const cleanups: Array<() => void> = [];
afterEach(() => { while (cleanups.length > 0) cleanups.pop()!(); });

/** A one-node cluster run untraced with checkpoints every 2 slots, then crashed: its log and network. */
const checkpointedRun = () => oneNodeFirstIncarnation({ checkpointEvery: 2 });

const restart = (log: MemoryDurableLog, c: ReturnType<typeof inMemoryCluster>, options: Partial<MemberOptions>): Member<BankState, BankOutput> => {
  const m = new Member(bank, c.net.transport(1), [1], { id: 1, storage: log, startAs: 'join', timing: FAST_TIMING, clientIdBase: 1000, checkpointEvery: 2, deadlineMs: 5_000, ...options });
  cleanups.push(() => m.stop());
  m.start();
  return m;
};

describe('a node restarted from a snapshot that holds no history', () => {
  it('is refused, with the reason, when its trace lists every state', async () => {
    const { log, c } = await checkpointedRun();
    expect(() => restart(log, c, { trace: () => {} })).toThrow(/snapshot at slot \d+ taken without its history, which this node's trace lists/);
  });

  it('is refused, with the reason, when it runs without checkpoints', async () => {
    const { log, c } = await checkpointedRun();
    expect(() => restart(log, c, { checkpointEvery: 0 })).toThrow(/run it with checkpoints/);
  });

  it('goes on when its trace sink takes deltas (histories named by length)', async () => {
    const { log, c } = await checkpointedRun();
    const actions: string[] = [];
    const sink = Object.assign((ev: TraceEvent) => { actions.push(ev.action); }, { takesDeltas: true });
    const again = restart(log, c, { trace: sink });
    expect(await again.invoke({ op: 'deposit', account: 'a', amount: 100 })).toMatchObject({ ok: true, balance: 110 });
    expect(actions[0]).toBe('NodeRestart');
    expect(actions).toContain('ReplicaExecute');
  });
});
