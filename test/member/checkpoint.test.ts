/**
 * Checkpoints through Members (real timers, in-memory network): a member restarted from a
 * compacted log restores its snapshot and is welcomed with a state larger than the message
 * limit, which crosses the network in fragments under it; and the fragment reassembly
 * refuses what does not add up.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { InMemoryNetwork } from '../../src/member/inMemoryTransport.js';
import { Member } from '../../src/member/member.js';
import { DEFAULT_MAX_MESSAGE_BYTES, Fragmenter, MAX_PARTIAL_PER_SENDER, Reassembler, type FragmentWire } from '../../src/member/fragments.js';
import type { Envelope } from '../../src/node/api.js';
import { kv, type KvOutput, type KvState } from '../../src/statemachines/kv.js';
import { MemoryDurableLog } from '../../src/storage/memoryLog.js';
import { FAST_TIMING } from './cluster.js';

const VALUE = 'v'.repeat(4_000);
const KEYS = 40; // 40 x 4,000 characters: a state of about 160 KB, over the 60 KB limit

describe('checkpoints through Members', () => {
  it('restarts a member from its compacted log and welcomes it with a state larger than the message limit, in fragments', async () => {
    const sizes: number[] = [];
    const net = new InMemoryNetwork({ drop: (e) => { sizes.push(JSON.stringify(e).length); return false; } });
    const peers = [1, 2, 3];
    const logs = new Map(peers.map((id) => [id, new MemoryDurableLog(id)]));
    const logLines: string[] = [];
    const make = (id: number, startAs: 'member' | 'join') => new Member<KvState, KvOutput>(kv, net.transport(id), peers, {
      id, timing: FAST_TIMING, clientIdBase: startAs === 'join' ? 1_000_000 : 1, storage: logs.get(id)!, startAs, checkpointEvery: 5,
      log: (line) => logLines.push(line),
    });
    const members = peers.map((id) => make(id, 'member'));
    members.forEach((m) => m.start());
    try {
      // Every member has a client: a replica that proposes nothing does not snapshot (Replica.checkpointIfDue).
      for (let k = 0; k < KEYS / 2; k++) await members[k % 3]!.invoke({ op: 'set', key: `k${k}`, value: VALUE });
      const snapshotBefore = logs.get(3)!.load()!.snapshot!.slot;
      expect(snapshotBefore).toBeGreaterThan(5); // member 3 snapshotted and compacted

      members[2]!.stop(); // node 3 goes down; the others go on and compact past it
      for (let k = KEYS / 2; k < KEYS; k++) await members[k % 2]!.invoke({ op: 'set', key: `k${k}`, value: VALUE });
      expect(logs.get(1)!.load()!.compactedBelow).toBeGreaterThan(snapshotBefore + 5);

      const restarted = make(3, 'join');
      members[2] = restarted;
      restarted.start();
      // It restored its snapshot, was welcomed past it, and serves reads of the latest state.
      const read = await restarted.invoke({ op: 'get', key: `k${KEYS - 1}` });
      expect(read).toEqual({ ok: true, op: 'get', key: `k${KEYS - 1}`, value: VALUE });
      expect(logs.get(3)!.load()!.snapshot!.slot).toBeGreaterThan(snapshotBefore);
    } finally {
      members.forEach((m) => m.stop());
    }
    // Nothing on the wire was over the limit, though the state moved was about 160 KB.
    expect(Math.max(...sizes)).toBeLessThanOrEqual(DEFAULT_MAX_MESSAGE_BYTES);
    expect(sizes.filter((n) => n > DEFAULT_MAX_MESSAGE_BYTES / 2).length).toBeGreaterThan(2); // fragments of one Welcome
    expect(logLines.filter((l) => l.includes('dropped'))).toEqual([]);
  }, 30_000);
});

describe('fragments', () => {
  const envelope = (size: number): Envelope => ({ from: 2, to: 1, clock: 7, message: { type: 'Join', node: 2, pad: 'é'.repeat(size) } as never });

  it('sends a small envelope as it is, and a large one as fragments under the limit that reassemble to it in any order', () => {
    const f = new Fragmenter(2_000);
    expect(f.split(envelope(10))).toEqual([envelope(10)]);
    const pieces = f.split(envelope(5_000)) as FragmentWire[];
    expect(pieces.length).toBeGreaterThan(5);
    for (const p of pieces) expect(Buffer.byteLength(JSON.stringify(p))).toBeLessThanOrEqual(2_000);
    const r = new Reassembler(1, [1, 2, 3]);
    const order = [...pieces].reverse();
    const got = order.map((p) => r.accept(JSON.parse(JSON.stringify(p))));
    expect(got.slice(0, -1).every((g) => g.kind === 'pending')).toBe(true);
    expect(got.at(-1)).toEqual({ kind: 'whole', value: envelope(5_000) });
    expect(r.pendingEnvelopes).toBe(0);
  });

  it('drops a corrupted, inconsistent or malformed fragment with a reason, and buffers a bounded number of envelopes per sender', () => {
    const f = new Fragmenter(2_000);
    const pieces = f.split(envelope(5_000)) as FragmentWire[];
    const r = new Reassembler(1, [1, 2, 3]);
    const flipped = pieces.map((p, i) => (i === 1 ? { ...p, fragment: { ...p.fragment, data: p.fragment.data.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) } } : p));
    const results = flipped.map((p) => r.accept(p));
    expect(results.at(-1)).toEqual({ kind: 'dropped', reason: expect.stringMatching(/fails its checksum/) });

    const bad = (change: (p: FragmentWire) => unknown) => new Reassembler(1, [1, 2, 3]).accept(change(pieces[0]!));
    expect(bad((p) => ({ ...p, from: 9 }))).toMatchObject({ kind: 'dropped', reason: expect.stringMatching(/not another node/) });
    expect(bad((p) => ({ ...p, to: 2 }))).toMatchObject({ kind: 'dropped', reason: expect.stringMatching(/addressed to 2/) });
    expect(bad((p) => ({ ...p, fragment: { ...p.fragment, count: 1 } }))).toMatchObject({ kind: 'dropped', reason: expect.stringMatching(/count/) });
    expect(bad((p) => ({ ...p, fragment: { ...p.fragment, index: p.fragment.count } }))).toMatchObject({ kind: 'dropped', reason: expect.stringMatching(/index/) });
    expect(bad((p) => ({ ...p, fragment: { ...p.fragment, bytes: 2 ** 40 } }))).toMatchObject({ kind: 'dropped', reason: expect.stringMatching(/bytes/) });
    expect(bad((p) => ({ ...p, fragment: { ...p.fragment, data: 'not base64!' } }))).toMatchObject({ kind: 'dropped', reason: expect.stringMatching(/base64/) });
    expect(bad((p) => ({ ...p, fragment: { ...p.fragment, bytes: 10 } }))).toMatchObject({ kind: 'dropped', reason: expect.stringMatching(/exceed the 10 bytes/) });

    // A sender starting many envelopes and finishing none holds at most MAX_PARTIAL_PER_SENDER.
    const flood = new Reassembler(1, [1, 2, 3]);
    for (let i = 0; i < 10; i++) flood.accept((f.split(envelope(5_000 + i)) as FragmentWire[])[0]);
    expect(flood.pendingEnvelopes).toBe(MAX_PARTIAL_PER_SENDER);
  });

  it('drops a fragment claiming to come from the receiving node itself', () => {
    const [first] = new Fragmenter(2_000).split(envelope(5_000)) as FragmentWire[];
    expect(new Reassembler(1, [1, 2, 3]).accept({ ...first!, from: 1 })).toMatchObject({ kind: 'dropped', reason: expect.stringMatching(/from 1 is not another node/) });
  });

  it('reassembles an envelope one of whose fragments the network duplicated', () => {
    const pieces = new Fragmenter(2_000).split(envelope(5_000)) as FragmentWire[];
    const r = new Reassembler(1, [1, 2, 3]);
    const got = [pieces[0]!, pieces[1]!, pieces[1]!, ...pieces.slice(2)].map((p) => r.accept(p));
    expect(got.at(-1)).toEqual({ kind: 'whole', value: envelope(5_000) });
  });

  it('drops a whole shorter than its fragments declare, even when its checksum is right for what came', () => {
    const pieces = new Fragmenter(2_000).split(envelope(5_000)) as FragmentWire[];
    const came = Buffer.concat(pieces.map((p) => Buffer.from(p.fragment.data, 'base64')));
    const sha256 = createHash('sha256').update(came).digest('hex').slice(0, 16);
    const lying = pieces.map((p) => ({ ...p, fragment: { ...p.fragment, bytes: came.length + 1, sha256 } }));
    const r = new Reassembler(1, [1, 2, 3]);
    const got = lying.map((p) => r.accept(p));
    expect(got.at(-1)).toEqual({ kind: 'dropped', reason: `fragment: envelope 1 from 2 has ${came.length} bytes, it declares ${came.length + 1}` });
  });

  it('keeps apart two envelopes of one sender with the same id and size (it restarted, numbering from 1 again)', () => {
    const other: Envelope = { ...envelope(5_000), message: { type: 'Join', node: 2, pad: 'è'.repeat(5_000) } as never };
    const before = new Fragmenter(2_000).split(envelope(5_000)) as FragmentWire[];
    const after = new Fragmenter(2_000).split(other) as FragmentWire[];
    expect(after[0]!.fragment).toMatchObject({ id: before[0]!.fragment.id, count: before[0]!.fragment.count, bytes: before[0]!.fragment.bytes });
    const r = new Reassembler(1, [1, 2, 3]);
    expect(r.accept(before[0])).toEqual({ kind: 'pending' });
    const got = after.map((p) => r.accept(p));
    expect(got.at(-1)).toEqual({ kind: 'whole', value: other });
  });
});
