/**
 * The replica's checkpoint steps (docs/design-checkpoints.md): ReplicaSnapshot every
 * `checkpointEvery` executed slots, ReplicaForget below the previous snapshot (a tail of
 * decisions that CatchUp serves), a Decision below the snapshot ignored, a restarted
 * replica starting from its snapshot, and a Welcome that ships its state as checkpoint bytes.
 */
import { describe, expect, it } from 'vitest';
import type { Welcome } from '../../src/protocol/messages.js';
import { Replica } from '../../src/roles/replica.js';
import { appSnapshotsOf, decodeReplicaImage, readCheckpointTransfer } from '../../src/roles/replicaImage.js';
import { kv } from '../../src/statemachines/kv.js';
import { toNodeStateMachine } from '../../src/statemachines/codec.js';
import { digestOf } from '../../src/statemachines/digest.js';
import { FakeHost, prop, specOf, type FakeHostOptions } from './fake-host.js';
import { StateChanges } from '../../src/node/stateChanges.js';

const sm = toNodeStateMachine(kv);
const snapshots = appSnapshotsOf(sm)!;
const set = (caller: number, clientId: number, key: string) => prop(caller, clientId, JSON.stringify({ op: 'set', key, value: `${caller}.${clientId}` }));
const decision = (slot: number, p: ReturnType<typeof prop>) => ({ type: 'Decision' as const, slot, prop: p });

function replicaOn(options: FakeHostOptions = {}) {
  const host = new FakeHost({ self: 2, stateMachine: sm, checkpointEvery: 3, ...options });
  const replica = new Replica(host);
  host.addRole(replica);
  host.clear();
  return { host, replica };
}

/** Its own request, which loses slots 1..3 to others and is proposed for slot 4 at last. */
const mine = set(2, 9, 'z');

/**
 * A replica that executed slots 1..3 (requests of callers 2 and 3) and snapshotted at slot 4,
 * once its own request, losing each slot, was proposed for slot 4 (rSlotIn reached rSlotOut).
 */
function snapshotted(options: FakeHostOptions = {}) {
  const made = replicaOn(options);
  made.replica.receive(2, { type: 'Invoke', replica: 2, prop: mine });
  made.replica.receive(1, decision(1, set(2, 1, 'a')));
  made.replica.receive(1, decision(2, set(3, 1, 'b')));
  made.replica.receive(1, decision(3, set(2, 2, 'a')));
  return made;
}

describe('Replica checkpoints', () => {
  it('takes a ReplicaSnapshot at slotOut every checkpointEvery slots: a durable snapshot record; the decisions stay (the first snapshot has no previous one to forget below)', () => {
    const { host, replica } = snapshotted();

    expect(host.actions().slice(-3)).toEqual(['ReplicaExecute', 'ReplicaSnapshot', 'ReplicaPropose']);
    const records = host.records();
    expect(records.map((r) => r.kind)).toEqual(['snapshot']);
    const record = records[0] as { kind: 'snapshot'; slot: number; state: Uint8Array };
    expect(record.slot).toBe(4);
    const image = decodeReplicaImage(snapshots, record.state, 1000);
    expect(image.app).toEqual(replica.appState);
    expect(image.table.count).toBe(3);
    expect(image.history).toEqual([set(2, 1, 'a'), set(3, 1, 'b'), set(2, 2, 'a')]); // tracing is on: the trace needs it
    expect(specOf(replica)).toMatchObject({ rSlotIn: 5, rSlotOut: 4, rProposals: [{ slot: 4, prop: mine }], rSnap: { slot: 4, executed: image.history } });
    expect(specOf(replica).rDecisions.map((d) => d.slot)).toEqual([1, 2, 3]);
  });

  it('an idle replica snapshots too, and moves its next proposal slot up to the snapshot (spec ReplicaSnapshot)', () => {
    const { host, replica } = replicaOn(); // no request of its own: it proposes nothing
    for (let slot = 1; slot <= 6; slot++) replica.receive(1, decision(slot, set(3, slot, 'b')));
    expect(host.actions().filter((a) => a === 'ReplicaSnapshot')).toHaveLength(2); // at slots 4 and 7
    // Below 7 every slot is decided and its decision will be forgotten: a proposal there would wait forever.
    expect(specOf(replica)).toMatchObject({ rSlotIn: 7, rSlotOut: 7, rSnap: { slot: 7 } });

    replica.receive(2, { type: 'Invoke', replica: 2, prop: mine });
    expect(host.actions().slice(-2)).toEqual(['ReplicaReceiveInvoke', 'ReplicaPropose']);
    expect(specOf(replica)).toMatchObject({ rSlotIn: 8, rProposals: [{ slot: 7, prop: mine }] });
  });

  it('writes no history into the snapshot with tracing off', () => {
    const { host } = snapshotted({ tracing: false });
    const record = host.records()[0] as { state: Uint8Array };
    expect(decodeReplicaImage(snapshots, record.state, 1000).history).toBeUndefined();
  });

  it('tracing into a sink that takes deltas, keeps no history: none in its snapshot or Welcome, its executions reported as they happen, its history by length where a whole state would list it', () => {
    const { host, replica } = snapshotted({ traceNamesHistory: true });
    const record = host.records()[0] as { state: Uint8Array };
    expect(decodeReplicaImage(snapshots, record.state, 1000).history).toBeUndefined();
    host.clear();
    replica.receive(3, { type: 'Join', node: 3 });
    const welcome = host.sends().find((s) => s.message.type === 'Welcome')!.message as Welcome;
    expect(welcome).toMatchObject({ slot: 4, executed: [], executedLength: 3 });
    const changes = new StateChanges({ aBallot: { num: 0, leader: 0 }, lBallot: { num: 0, leader: 2 }, lActive: false, rSlotIn: 1, rSlotOut: 1 });
    replica.traceChanges(changes, true); // since the start: nothing is held back for a later event
    replica.receive(1, decision(4, set(3, 4, 'c')));
    const after = new StateChanges({ aBallot: { num: 0, leader: 0 }, lBallot: { num: 0, leader: 2 }, lActive: false, rSlotIn: 1, rSlotOut: 1 });
    replica.traceChanges(after, true);
    expect(after.executed).toEqual({ append: [set(3, 4, 'c')] });
    const whole = specOf(replica);
    expect(whole.rExecuted).toEqual([]); // specState() lists only a history it keeps
    const named = { ...whole };
    replica.snapshot(named, true);
    expect(named.rExecuted).toEqual({ historyLength: 4 });
    expect(named.rSnap).toEqual({ slot: 4, executed: { historyLength: 3 } });
  });

  it('does not snapshot before checkpointEvery slots were executed, nor ever when it is 0', () => {
    const early = replicaOn();
    early.replica.receive(1, decision(1, set(2, 1, 'a')));
    early.replica.receive(1, decision(2, set(2, 2, 'a')));
    expect(early.host.actions()).not.toContain('ReplicaSnapshot');
    const off = replicaOn({ checkpointEvery: 0 });
    for (let slot = 1; slot <= 10; slot++) off.replica.receive(1, decision(slot, set(2, slot, 'a')));
    expect(off.host.actions()).not.toContain('ReplicaSnapshot');
    expect(off.host.records()).toEqual([]);
  });

  it('ignores a Decision below its snapshot (spec ReplicaReceiveDecision guard)', () => {
    const { host, replica } = snapshotted();
    host.clear();

    replica.receive(1, decision(2, set(3, 1, 'b')));
    replica.receive(1, decision(3, set(3, 9, 'z'))); // not even an Agreement check: it is not looked at

    expect(host.actions()).toEqual([]);
    expect(specOf(replica).rDecisions.map((d) => d.prop)).toEqual([set(2, 1, 'a'), set(3, 1, 'b'), set(2, 2, 'a')]); // the tail, unchanged
  });

  it('at its second snapshot forgets the decisions below the first one (ReplicaForget), keeping one interval as a tail', () => {
    const { host, replica } = replicaOn();
    for (let slot = 1; slot <= 6; slot++) replica.receive(1, decision(slot, set(3, slot, 'b')));
    expect(host.actions().filter((a) => a === 'ReplicaSnapshot' || a === 'ReplicaForget')).toEqual(['ReplicaSnapshot', 'ReplicaSnapshot', 'ReplicaForget']);
    expect(host.actions().slice(-3)).toEqual(['ReplicaExecute', 'ReplicaSnapshot', 'ReplicaForget']);
    expect(specOf(replica).rDecisions.map((d) => d.slot)).toEqual([4, 5, 6]);
  });

  it('a restarted replica starts from its snapshot: slot, state, history, duplicate table', () => {
    const before = snapshotted();
    const record = before.host.records()[0] as { slot: number; state: Uint8Array };
    const image = decodeReplicaImage(snapshots, record.state, 1000);
    const { host, replica } = replicaOn({ restored: { slot: record.slot, image } });

    expect(specOf(replica)).toMatchObject({ rSlotIn: 4, rSlotOut: 4, rExecuted: image.history, rSnap: { slot: 4, executed: image.history }, rDecisions: [] });
    expect(replica.appState).toEqual(before.replica.appState);

    // A client retrying a request the snapshot holds is answered from the table, same index.
    replica.receive(2, { type: 'Invoke', replica: 2, prop: set(2, 2, 'a') });
    expect(host.actions()).toEqual(['ReplicaReceiveInvoke']);
    expect(host.sends('Invoked')).toEqual([{ to: 2, message: { type: 'Invoked', replica: 2, prop: set(2, 2, 'a'), index: 3, output: { ok: true, op: 'set', key: 'a' } } }]);
    host.clear();

    // A duplicate decision of an executed request is skipped, not executed again.
    replica.receive(1, decision(4, set(3, 1, 'b')));
    expect(host.actions()).toEqual(['ReplicaReceiveDecision', 'ReplicaExecute']);
    expect(host.sends('Invoked')).toEqual([]);
    expect(specOf(replica)).toMatchObject({ rSlotOut: 5, rExecuted: image.history });
  });

  it('welcomes with its state at slotOut as checkpoint bytes and the decisions it holds; the joiner installs it', () => {
    const sender = snapshotted();
    sender.replica.receive(1, decision(5, set(3, 2, 'c'))); // held: above the snapshot, not executable yet
    sender.host.clear();

    sender.replica.receive(3, { type: 'Join', node: 3 });

    const welcome = sender.host.sends('Welcome')[0]!.message as Welcome;
    // Its tail (slots 1..3, below its snapshot) and what is above it.
    expect(welcome).toMatchObject({ node: 3, slot: 4, executed: [set(2, 1, 'a'), set(3, 1, 'b'), set(2, 2, 'a')] });
    expect(welcome.decisions).toEqual([decision(1, set(2, 1, 'a')), decision(2, set(3, 1, 'b')), decision(3, set(2, 2, 'a')), decision(5, set(3, 2, 'c'))].map(({ slot, prop }) => ({ slot, prop })));
    expect(readCheckpointTransfer(snapshots, welcome.state.app, 1000).app).toEqual(sender.replica.appState);
    expect(sender.host.journal.find((e) => e.kind === 'action')).toMatchObject({ action: 'ReplicaReceiveJoin', params: { digest: digestOf(sm, sender.replica.appState) } });

    const joiner = replicaOn({ self: 3 });
    joiner.replica.receive(2, welcome);
    // It is 3 slots past its own (initial) snapshot, so it snapshots the welcomed state at once.
    expect(joiner.host.actions()).toEqual(['ReplicaReceiveWelcome', 'ReplicaSnapshot']);
    expect(joiner.replica.appState).toEqual(sender.replica.appState);
    expect(specOf(joiner.replica)).toMatchObject({ rSlotOut: 4, rExecuted: welcome.executed, rDecisions: welcome.decisions, rSnap: { slot: 4, executed: welcome.executed } });
    // Its duplicate table came along: the request of caller 3 it executed before is answered.
    joiner.replica.receive(3, { type: 'Invoke', replica: 3, prop: set(3, 1, 'b') });
    expect(joiner.host.sends('Invoked')).toEqual([{ to: 3, message: { type: 'Invoked', replica: 3, prop: set(3, 1, 'b'), index: 2, output: { ok: true, op: 'set', key: 'b' } } }]);
  });

  it('passes every caller\'s outputs along: a replica welcomed by one welcomes another, whose client retries a request executed before both', () => {
    const sender = snapshotted();
    sender.replica.receive(1, decision(4, set(4, 1, 'd'))); // a request of caller 4
    sender.replica.receive(3, { type: 'Join', node: 3 });
    const first = replicaOn({ self: 3 });
    first.replica.receive(2, sender.host.sends('Welcome')[0]!.message as Welcome);
    first.replica.receive(4, { type: 'Join', node: 4 });
    const second = replicaOn({ self: 4 });
    second.replica.receive(3, first.host.sends('Welcome')[0]!.message as Welcome);

    second.replica.receive(4, { type: 'Invoke', replica: 4, prop: set(4, 1, 'd') });
    expect(second.host.sends('Invoked')).toEqual([{ to: 4, message: { type: 'Invoked', replica: 4, prop: set(4, 1, 'd'), index: 4, output: { ok: true, op: 'set', key: 'd' } } }]);
  });

  it('drops a Welcome whose checkpoint bytes were corrupted, or do not match the history it lists', () => {
    const sender = snapshotted();
    sender.replica.receive(3, { type: 'Join', node: 3 });
    const welcome = sender.host.sends('Welcome')[0]!.message as Welcome;
    const checkpoint = (welcome.state.app as { checkpoint: string }).checkpoint;
    const flipped = checkpoint.slice(0, 40) + (checkpoint[40] === 'A' ? 'B' : 'A') + checkpoint.slice(41);

    const joiner = replicaOn({ self: 3 });
    joiner.replica.receive(2, { ...welcome, state: { ...welcome.state, app: { checkpoint: flipped } } });
    joiner.replica.receive(2, { ...welcome, state: { ...welcome.state, app: { checkpoint: 'not base64!' } } });
    joiner.replica.receive(2, { ...welcome, executed: welcome.executed.slice(1) });

    expect(joiner.host.actions()).toEqual([]);
    expect(joiner.host.logs).toEqual([
      expect.stringMatching(/dropped a Welcome for slot 4: .*checksum mismatch/),
      expect.stringMatching(/dropped a Welcome for slot 4: its checkpoint is not base64/),
      expect.stringMatching(/dropped a Welcome for slot 4: it lists 2 executed requests, its table counts 3/),
    ]);
    expect(specOf(joiner.replica).rSlotOut).toBe(1);
  });

  it('answers a CatchUp below its snapshot from its tail of decisions, as Decisions: no Welcome, no rejoin', () => {
    const { host, replica } = replicaOn();
    for (let slot = 1; slot <= 6; slot++) replica.receive(1, decision(slot, set(3, slot, 'b')));
    host.clear();
    replica.receive(3, { type: 'CatchUp', replica: 3, slot: 5 }); // below the snapshot at 7, in the tail 4..6
    expect(host.sends()).toEqual([5, 6].map((slot) => ({ to: 3, message: decision(slot, set(3, slot, 'b')) })));
  });

  it('answers a CatchUp below its tail with a Welcome when the asker joined before, and with nothing otherwise', () => {
    const { host, replica } = replicaOn();
    for (let slot = 1; slot <= 6; slot++) replica.receive(1, decision(slot, set(3, slot, 'b'))); // snapshot at 7, tail 4..6
    host.clear();
    replica.receive(3, { type: 'CatchUp', replica: 3, slot: 2 });
    expect(host.sends()).toEqual([]);
    expect(host.logs).toEqual([expect.stringMatching(/below our snapshot at 7; no Join of it to answer/)]);

    replica.receive(3, { type: 'Join', node: 3 }); // node 3 restarted once: its Join stays in the spec's network
    host.clear();
    replica.receive(3, { type: 'CatchUp', replica: 3, slot: 2 });
    expect(host.sends().map((s) => [s.to, s.message.type])).toEqual([[3, 'Welcome']]);
    expect(host.journal.find((e) => e.kind === 'action')).toMatchObject({ action: 'ReplicaReceiveJoin', params: { from: 3, message: { type: 'Join', node: 3 } } });
  });
});
