import type { Timing } from '../../src/node/api.js';
import { InMemoryNetwork, type InMemoryNetworkOptions } from '../../src/member/inMemoryTransport.js';
import { MemoryDurableLog } from '../../src/storage/memoryLog.js';
import { Member, type MemberOptions } from '../../src/member/member.js';
import { bank, type BankOutput, type BankState } from '../../src/statemachines/bank.js';
import { SlowSyncLog } from './slowSyncLog.js';

/** Short protocol timers so that recovery in real time takes milliseconds, not seconds. */
export const FAST_TIMING: Partial<Timing> = {
  joinRetransmitMs: 50, seedLingerMs: 200, prepareRetransmitMs: 50, acceptRetransmitMs: 50,
  invokeRetransmitMs: 80, heartbeatMs: 30, leaderTimeoutMs: 120, gapMs: 70,
};

export type BankMember = Member<BankState, BankOutput>;

/**
 * `n` Members over one in-memory network. Each syncs its log in 0 to 2 ms (SlowSyncLog), as a
 * disk does, unless `member.storage` says otherwise: a log that syncs before its promise is even
 * returned hides every ordering bug between what a member appends, syncs, sends and answers.
 */
export function inMemoryCluster(n: number, opts: { net?: InMemoryNetworkOptions; member?: Partial<MemberOptions>; start?: number[] } = {}) {
  const net = new InMemoryNetwork(opts.net);
  const peers = Array.from({ length: n }, (_, i) => i + 1);
  let draws = 0;
  const members = peers.map((id) => new Member(bank, net.transport(id), peers, {
    id, timing: FAST_TIMING, clientIdBase: 1, storage: new SlowSyncLog(id, () => draws++ % 3), ...opts.member,
  }));
  for (const m of members) if (!opts.start || opts.start.includes(m.id)) m.start();
  return { net, peers, members, stop: () => members.forEach((m) => m.stop()) };
}

export async function setupAccounts(m: BankMember): Promise<void> {
  await m.invoke({ op: 'open', account: 'a' });
  await m.invoke({ op: 'open', account: 'b' });
}

/**
 * A one-node cluster's first incarnation: opens account a, deposits 1 to 4 (a balance of 10),
 * stops and crashes. Returns its durable log and network, for a second incarnation to restart
 * from. `stop` is called on the way (the caller's cleanups may call it again).
 */
export async function oneNodeFirstIncarnation(options: Partial<MemberOptions>): Promise<{ log: MemoryDurableLog; c: ReturnType<typeof inMemoryCluster> }> {
  const log = new MemoryDurableLog(1);
  const c = inMemoryCluster(1, { start: [] });
  const first = new Member(bank, c.net.transport(1), [1], { id: 1, storage: log, timing: FAST_TIMING, clientIdBase: 1, ...options });
  try {
    first.start();
    const inputs = [{ op: 'open', account: 'a' } as const, ...[1, 2, 3, 4].map((amount) => ({ op: 'deposit', account: 'a', amount }) as const)];
    for (const input of inputs) {
      const out = await first.invoke(input);
      if (!out.ok) throw new Error(`first incarnation: ${JSON.stringify(input)} failed: ${JSON.stringify(out)}`);
    }
  } finally {
    first.stop();
  }
  log.crash();
  return { log, c };
}
