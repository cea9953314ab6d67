/**
 * A buffered trace stays write-ahead: the member calls `traceFlush` before it hands messages
 * to the transport and before it syncs records, so nothing the node did reaches the network
 * or the disk while the events describing it are still in a buffer (a SIGKILL there would
 * leave a trace behind what the others saw).
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Envelope, TraceEvent } from '../../src/node/api.js';
import { InMemoryNetwork } from '../../src/member/inMemoryTransport.js';
import { Member } from '../../src/member/member.js';
import type { Transport } from '../../src/member/transport.js';
import { FileDurableLog, snapshotFileName } from '../../src/storage/fileLog.js';
import { MemoryDurableLog } from '../../src/storage/memoryLog.js';
import { bank } from '../../src/statemachines/bank.js';
import { FAST_TIMING } from './cluster.js';

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => { for (const f of cleanups.splice(0)) await f(); });

describe('Member traceFlush', () => {
  it('writes the buffered events before every send and every sync, and not once per event', async () => {
    const net = new InMemoryNetwork();
    const peers = [1, 2, 3];
    let buffered: TraceEvent[] = [];
    let written = 0;
    let flushes = 0;
    /** Each send or sync of member 1, with the events still buffered at that moment. */
    const outputs: { what: string; unwritten: number }[] = [];
    const inner = net.transport(1);
    const transport: Transport = {
      send: (e: Envelope) => { outputs.push({ what: `send ${e.message.type}`, unwritten: buffered.length }); inner.send(e); },
      onReceive: (h) => inner.onReceive(h),
      close: () => inner.close(),
    };
    class WatchedLog extends MemoryDurableLog {
      override sync(): Promise<void> {
        outputs.push({ what: 'sync', unwritten: buffered.length });
        return super.sync();
      }
    }
    const members = peers.map((id) => new Member(bank, id === 1 ? transport : net.transport(id), peers, {
      id, timing: FAST_TIMING, clientIdBase: 1,
      ...(id === 1 ? {
        storage: new WatchedLog(1),
        trace: (e: TraceEvent) => { buffered.push(e); },
        traceFlush: () => { if (buffered.length > 0) { written += buffered.length; flushes++; buffered = []; } },
      } : {}),
    }));
    members.forEach((m) => m.start());
    cleanups.push(() => members.forEach((m) => m.stop()));
    await members[0]!.invoke({ op: 'open', account: 'a' });
    await Promise.all(Array.from({ length: 20 }, (_, i) => members[0]!.invoke({ op: 'deposit', account: 'a', amount: i + 1 })));
    expect(outputs.filter((o) => o.what.startsWith('send')).length).toBeGreaterThan(10);
    expect(outputs.filter((o) => o.what === 'sync').length).toBeGreaterThan(0);
    expect(outputs.filter((o) => o.unwritten > 0)).toEqual([]);
    // Batched: far fewer writes than events.
    expect(flushes).toBeLessThan(written / 2);
  });

  // A trace line may reach the disk before the sync of its step's records (the writer's buffer
  // fills, a reply flushes it): the snapshot it names must already be there, or a restart after
  // a SIGKILL in between could not reach its traced state (cli/node/durableCatchUp.ts).
  it('makes a snapshot durable before the trace event that takes it is emitted', async () => {
    const net = new InMemoryNetwork();
    const peers = [1, 2, 3];
    const dir = mkdtempSync(join(tmpdir(), 'stage-'));
    const log = await FileDurableLog.open(dir, { nodeId: 1, create: true });
    const seen: { slot: number; onDisk: boolean }[] = [];
    const members = peers.map((id) => new Member(bank, net.transport(id), peers, {
      id, timing: FAST_TIMING, clientIdBase: 1, checkpointEvery: 2,
      ...(id === 1 ? {
        storage: log,
        trace: (e: TraceEvent) => {
          if (e.action !== 'ReplicaSnapshot') return;
          const slot = e.state.rSnap.slot;
          seen.push({ slot, onDisk: existsSync(join(dir, snapshotFileName(slot))) });
        },
      } : {}),
    }));
    members.forEach((m) => m.start());
    // The log is the caller's: stopping its member leaves it open (its files closed only by the GC, with a warning).
    cleanups.push(async () => { members.forEach((m) => m.stop()); await log.close(); });
    await members[0]!.invoke({ op: 'open', account: 'a' });
    for (let i = 1; i <= 6; i++) await members[0]!.invoke({ op: 'deposit', account: 'a', amount: i });
    expect(seen.length).toBeGreaterThan(1);
    expect(seen.filter((s) => !s.onDisk)).toEqual([]);
  });
});
