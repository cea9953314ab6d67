/**
 * Client ids across restarts (MemberOptions.clientIdBase). A replica answers a (caller, client
 * id) it executed with the output it kept, so a restarted member that hands out an id again
 * gets an old request's output back for a new request. The default base is the wall clock, and
 * a clock can read the same after a restart (a machine without a real-time clock restores the
 * time it saved): the member's storage keeps a bound (a clientIds record) above every id that
 * left the node, and a restarted member starts above it.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Member, CLIENT_ID_BLOCK } from '../../src/member/member.js';
import { MemoryDurableLog } from '../../src/storage/memoryLog.js';
import { bank } from '../../src/statemachines/bank.js';
import { FAST_TIMING, inMemoryCluster, setupAccounts } from './cluster.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  cleanups.splice(0).forEach((f) => f());
  vi.restoreAllMocks();
});

describe('client ids across restarts', () => {
  it('a member restarted with its clock reading as at its last start hands out no id again (the old output would come back)', async () => {
    const T = 1_790_000_000_000;
    vi.spyOn(Date, 'now').mockReturnValue(T);
    const storages = [new MemoryDurableLog(1), new MemoryDurableLog(2), new MemoryDurableLog(3)];
    const c = inMemoryCluster(3);
    cleanups.push(c.stop);
    c.members.forEach((m) => m.stop());
    // Nodes 1 and 2 pick their own bases; node 3 takes the default, from the (mocked) clock.
    const members = c.peers.map((id) => new Member(bank, c.net.transport(id), c.peers, {
      id, storage: storages[id - 1], timing: FAST_TIMING, ...(id === 3 ? {} : { clientIdBase: 1 }),
    }));
    cleanups.push(() => members.forEach((m) => m.stop()));
    members.forEach((m) => m.start());
    await setupAccounts(members[0]!);
    expect(await members[2]!.invoke({ op: 'deposit', account: 'a', amount: 5 })).toMatchObject({ ok: true, balance: 5 });
    // The bound was synced before the deposit's id left the node: a power loss keeps it.
    members[2]!.stop();
    storages[2]!.crash();
    expect(storages[2]!.load()?.clientIdsBelow).toBe(T * 1000 + CLIENT_ID_BLOCK);
    const again = new Member(bank, c.net.transport(3), c.peers, { id: 3, storage: storages[2], startAs: 'join', timing: FAST_TIMING });
    cleanups.push(() => again.stop());
    again.start();
    // The same clock, so the same default base: without the bound this deposit reused the
    // first one's id and was answered with its output (balance 5), not executed.
    expect(await again.invoke({ op: 'deposit', account: 'a', amount: 7 })).toMatchObject({ ok: true, balance: 12 });
    expect(await members[1]!.invoke({ op: 'balance', account: 'a' })).toMatchObject({ balance: 12 });
  });

  it('one clientIds record covers a block of ids: 300 invokes append one, not one each (a record per invoke costs a write per command)', async () => {
    const log = new MemoryDurableLog(1);
    const appended: string[] = [];
    const append = log.append.bind(log);
    vi.spyOn(log, 'append').mockImplementation((records) => { for (const r of records) appended.push(r.kind); append(records); });
    const c = inMemoryCluster(1, { start: [] });
    const m = new Member(bank, c.net.transport(1), [1], { id: 1, storage: log, timing: FAST_TIMING, clientIdBase: 1 });
    cleanups.push(() => m.stop());
    m.start();
    expect(await m.invoke({ op: 'open', account: 'a' })).toMatchObject({ ok: true });
    const outs = await Promise.all(Array.from({ length: 299 }, () => m.invoke({ op: 'deposit', account: 'a', amount: 1 })));
    expect(outs.at(-1)).toMatchObject({ ok: true });
    expect(appended.filter((k) => k === 'clientIds')).toHaveLength(1);
    expect(log.load()?.clientIdsBelow).toBe(1 + CLIENT_ID_BLOCK);
  });

  it('a member with an explicit base below its storage\'s bound starts at the bound', async () => {
    const log = new MemoryDurableLog(1);
    log.append([{ kind: 'clientIds', below: 5000 }]);
    await log.sync();
    const invoked: number[] = [];
    const c = inMemoryCluster(1, { start: [] });
    const m = new Member(bank, c.net.transport(1), [1], { id: 1, storage: log, timing: FAST_TIMING, clientIdBase: 1,
      trace: (ev) => { if (ev.action === 'ClientInvoke') invoked.push((ev.params as { client: { clientId: number } }).client.clientId); } });
    cleanups.push(() => m.stop());
    m.start();
    expect(await m.invoke({ op: 'open', account: 'a' })).toMatchObject({ ok: true });
    expect(invoked).toEqual([5000]);
    expect(log.load()?.clientIdsBelow).toBe(5000 + CLIENT_ID_BLOCK);
  });
});
