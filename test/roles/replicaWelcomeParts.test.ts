/**
 * A Welcome larger than Limits.maxWelcomeBytes is sent in parts, each a spec message (spec
 * "Welcome parts"): every part fits; the joiner installs once it holds every part of one
 * Welcome, whatever their order, and not before; parts of another Welcome from the same sender
 * replace the ones held, while each sender's parts are held apart;
 * and a Welcome that fits is sent whole, as before parts. Each part passes the wire checks.
 */
import { describe, expect, it } from 'vitest';
import type { Welcome } from '../../src/protocol/messages.js';
import { Replica } from '../../src/roles/replica.js';
import { kv } from '../../src/statemachines/kv.js';
import { toNodeStateMachine } from '../../src/statemachines/codec.js';
import { checkMessage } from '../../src/protocol/validate.js';
import { FakeHost, specOf, prop, type FakeHostOptions } from './fake-host.js';

const sm = toNodeStateMachine(kv);
const set = (caller: number, clientId: number, key: string) => prop(caller, clientId, JSON.stringify({ op: 'set', key, value: `${caller}.${clientId}`.padEnd(200, '.') }));
const bytes = (m: Welcome): number => Buffer.byteLength(JSON.stringify(m), 'utf8');

function replicaOn(options: FakeHostOptions = {}) {
  const host = new FakeHost({ self: 2, stateMachine: sm, checkpointEvery: 4, ...options });
  const replica = new Replica(host);
  host.addRole(replica);
  host.clear();
  return { host, replica };
}

/** A replica that executed `slots` decisions and answers node 3's Join: the Welcome it sends. */
function welcomeFrom(slots: number, options: FakeHostOptions = {}): { parts: Welcome[]; sender: ReturnType<typeof replicaOn> } {
  const sender = replicaOn(options);
  for (let slot = 1; slot <= slots; slot++) sender.replica.receive(1, { type: 'Decision', slot, prop: set(1, slot, `k${slot}`) });
  sender.host.clear();
  sender.replica.receive(3, { type: 'Join', node: 3 });
  return { parts: sender.host.sends('Welcome').map((s) => s.message as Welcome), sender };
}

describe.each([['with checkpoints', 4], ['without checkpoints', 0]])('Welcome parts %s', (_name, checkpointEvery) => {
  const limits = { maxWelcomeBytes: 3_000 };

  it('sends a Welcome over maxWelcomeBytes in parts that each fit, each a valid wire message, in one ReplicaReceiveJoin', () => {
    const { parts, sender } = welcomeFrom(10, { checkpointEvery, limits });
    expect(parts.length).toBeGreaterThan(1);
    parts.forEach((p, i) => {
      expect(p).toMatchObject({ node: 3, slot: 11, part: i + 1, parts: parts.length });
      expect(bytes(p)).toBeLessThanOrEqual(3_000);
      const checked = checkMessage(JSON.parse(JSON.stringify(p)), [1, 2, 3]);
      expect(checked.ok, JSON.stringify(checked)).toBe(true);
    });
    // The segments are the spec's: the decisions in slot order and the history, cut in order.
    expect(parts.flatMap((p) => p.decisions.map((d) => d.slot))).toEqual(specOf(sender.replica).rDecisions.map((d) => d.slot).sort((a, b) => a - b));
    expect(parts.flatMap((p) => p.executed)).toEqual(Array.from({ length: 10 }, (_, i) => set(1, i + 1, `k${i + 1}`)));
    expect(sender.host.actions()).toEqual(['ReplicaReceiveJoin']);
  });

  it('installs once it holds every part, in any order: the same state as the whole Welcome', () => {
    const { parts, sender } = welcomeFrom(10, { checkpointEvery, limits });
    const joiner = replicaOn({ self: 3, checkpointEvery, limits });
    const reversed = [...parts].reverse();
    for (const p of reversed.slice(0, -1)) joiner.replica.receive(2, p);
    expect(joiner.host.actions()).toEqual([]); // parts that complete nothing: no spec step
    expect(specOf(joiner.replica).rSlotOut).toBe(1);
    joiner.replica.receive(2, reversed.at(-1)!);
    expect(joiner.host.actions()[0]).toBe('ReplicaReceiveWelcome');
    expect(joiner.replica.appState).toEqual(sender.replica.appState);
    expect(specOf(joiner.replica)).toMatchObject({ rSlotOut: 11, rExecuted: parts.flatMap((p) => p.executed) });
  });

  it('drops the parts it holds for parts of another Welcome (lost messages), and installs the other once complete', () => {
    const older = welcomeFrom(10, { checkpointEvery, limits }).parts;
    const { parts, sender } = welcomeFrom(12, { checkpointEvery, limits });
    const joiner = replicaOn({ self: 3, checkpointEvery, limits });
    joiner.replica.receive(2, older[0]!);
    for (const p of parts) joiner.replica.receive(2, p);
    // older's remaining parts arrive too late: they start a new set that never completes.
    for (const p of older.slice(1)) joiner.replica.receive(2, p);
    expect(joiner.host.actions().filter((a) => a === 'ReplicaReceiveWelcome')).toHaveLength(1);
    expect(joiner.replica.appState).toEqual(sender.replica.appState);
    expect(specOf(joiner.replica).rSlotOut).toBe(13);
    expect(joiner.host.logs.some((l) => /dropped 1 of \d+ parts of a Welcome/.test(l))).toBe(true);
  });

  it('sends a Welcome that fits whole, without part fields (as before parts)', () => {
    const { parts } = welcomeFrom(2, { checkpointEvery });
    expect(parts).toHaveLength(1);
    expect(parts[0]).not.toHaveProperty('part');
    expect(parts[0]).not.toHaveProperty('parts');
  });
});

describe('Welcome parts from several senders', () => {
  const limits = { maxWelcomeBytes: 3_000 };

  it('holds each sender\'s parts apart: two Welcomes whose parts arrive interleaved both complete', () => {
    // Every peer answers a Join; their parts reach the joiner interleaved. A buffer of one
    // Welcome for all senders dropped one sender's parts at each switch and completed neither.
    const a = welcomeFrom(10, { checkpointEvery: 4, limits });
    const b = welcomeFrom(12, { checkpointEvery: 4, limits, self: 4, peers: [1, 2, 3, 4] });
    expect(a.parts.length).toBeGreaterThan(1);
    expect(b.parts.length).toBeGreaterThan(1);
    const joiner = replicaOn({ self: 3, checkpointEvery: 4, limits, peers: [1, 2, 3, 4] });
    for (let i = 0; i < Math.max(a.parts.length, b.parts.length) - 1; i++) {
      if (i < a.parts.length - 1) joiner.replica.receive(2, a.parts[i]!);
      if (i < b.parts.length - 1) joiner.replica.receive(4, b.parts[i]!);
    }
    expect(joiner.host.actions()).toEqual([]);
    joiner.replica.receive(4, b.parts.at(-1)!);
    expect(joiner.host.actions()[0]).toBe('ReplicaReceiveWelcome');
    expect(specOf(joiner.replica).rSlotOut).toBe(13);
    expect(joiner.replica.appState).toEqual(b.sender.replica.appState);
    expect(joiner.host.logs.filter((l) => l.includes('dropped'))).toEqual([]);
  });
});
