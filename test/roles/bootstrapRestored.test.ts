/**
 * A Bootstrap restored from its node's durable replica snapshot (a restart with checkpoints
 * on) that welcomes a joiner, as after a whole-cluster restart: it answers as the replica it
 * will host (spec NodeRestart then ReplicaReceiveJoin), so the Welcome carries the restored
 * application state at the snapshot's slot, not the state machine's initial state. A Welcome
 * at the restored slot with the initial state would make the joiner skip every slot below it
 * with none of their effects: its state would differ from every other replica's forever.
 */
import { describe, expect, it } from 'vitest';
import type { Welcome } from '../../src/protocol/messages.js';
import { Bootstrap, BOOTSTRAP_JOIN_TIMER } from '../../src/roles/bootstrap.js';
import { Replica } from '../../src/roles/replica.js';
import { appSnapshotsOf, decodeReplicaImage, readCheckpointTransfer, type ReplicaImage } from '../../src/roles/replicaImage.js';
import { bank, type BankState } from '../../src/statemachines/bank.js';
import { toNodeStateMachine } from '../../src/statemachines/codec.js';
import { digestOf } from '../../src/statemachines/digest.js';
import { FakeHost, prop, specOf, type FakeHostOptions } from './fake-host.js';
import { bankState } from '../statemachines/states.js';

const sm = toNodeStateMachine(bank);
const snapshots = appSnapshotsOf(sm)!;
const EVERY = 4;
/** Requests of a client on node 3, the node that later joins. */
const cmd = (clientId: number, input: object) => prop(3, clientId, JSON.stringify(input));
/** Four requests: after them money has moved, a: 70, b: 30. */
const commands = [
  cmd(1, { op: 'open', account: 'a' }),
  cmd(2, { op: 'open', account: 'b' }),
  cmd(3, { op: 'deposit', account: 'a', amount: 100 }),
  cmd(4, { op: 'transfer', from: 'a', to: 'b', amount: 30 }),
];
const moved: BankState = bankState({ a: 70, b: 30 });
/** A state as its JSON: two equal bank states may be built differently (a class, another insertion order). */
const json = (state: unknown): unknown => JSON.parse(JSON.stringify(state));

/**
 * The snapshot a replica wrote after executing `commands` (slots 1..4; snapshot at slot 5),
 * decoded as a restarting node decodes its storage's snapshot record.
 */
function restoredSnapshot(tracing: boolean): { slot: number; image: ReplicaImage } {
  const host = new FakeHost({ self: 2, stateMachine: sm, checkpointEvery: EVERY, tracing });
  const replica = new Replica(host);
  host.addRole(replica);
  commands.forEach((p, i) => replica.receive(1, { type: 'Decision', slot: i + 1, prop: p }));
  expect(json(replica.appState)).toEqual(json(moved));
  const record = host.records().find((r) => r.kind === 'snapshot') as { slot: number; state: Uint8Array } | undefined;
  expect(record?.slot).toBe(commands.length + 1);
  return { slot: record!.slot, image: decodeReplicaImage(snapshots, record!.state, 1000) };
}

/** A restarted node's Bootstrap that waited in vain for a Welcome (the whole cluster restarted), then a Join from node 3. */
function welcomeFromRestored(options: FakeHostOptions & { restored: { slot: number; image: ReplicaImage } }) {
  const host = new FakeHost({ self: 2, stateMachine: sm, timing: { joinsBeforeWelcomingPeers: 1 }, ...options });
  const bootstrap = new Bootstrap(host);
  host.addRole(bootstrap);
  bootstrap.onTimer(BOOTSTRAP_JOIN_TIMER, undefined);
  host.clear();
  bootstrap.receive(3, { type: 'Join', node: 3 });
  const welcomes = host.sends('Welcome');
  expect(welcomes).toHaveLength(1); // small enough for one message
  expect(welcomes[0]!.to).toBe(3);
  return { host, welcome: welcomes[0]!.message as Welcome };
}

describe('a Bootstrap restored from a snapshot welcomes with the restored state', () => {
  it('checkpoints on: the Welcome\'s checkpoint holds the restored bank (money moved), not initial(), at the snapshot\'s slot', () => {
    const restored = restoredSnapshot(true);
    expect(json(restored.image.app)).toEqual(json(moved));
    expect(restored.image.app).not.toEqual(sm.initial());

    const { host, welcome } = welcomeFromRestored({ checkpointEvery: EVERY, restored });

    expect(host.actions()).toEqual(['ReplicaReceiveJoin']);
    expect(welcome).toMatchObject({ node: 3, slot: commands.length + 1, decisions: [], executed: commands });
    const transferred = readCheckpointTransfer(snapshots, welcome.state.app, 1000);
    expect(json(transferred.app), 'the Welcome hands out the initial state, not the restored one').toEqual(json(moved));
    expect(transferred.app).not.toEqual(sm.initial());
    expect(transferred.table.count).toBe(commands.length);
    // The spec step's digest is the restored state's too.
    expect(host.journal.find((e) => e.kind === 'action')).toMatchObject({ action: 'ReplicaReceiveJoin', params: { digest: digestOf(sm, moved) } });
  });

  it('checkpoints on: the joiner that takes the Welcome ends with the restored state at the restored slot', () => {
    const restored = restoredSnapshot(true);
    const { welcome } = welcomeFromRestored({ checkpointEvery: EVERY, restored });

    const joinerHost = new FakeHost({ self: 3, stateMachine: sm, checkpointEvery: EVERY });
    const joiner = new Bootstrap(joinerHost);
    joinerHost.addRole(joiner);
    joinerHost.clear();
    joiner.receive(2, welcome);

    expect(joinerHost.actions()[0]).toBe('ReplicaReceiveWelcome');
    const replica = joinerHost.rolesNamed('Replica')[0] as Replica;
    expect(json(replica.appState), 'the joiner installed the initial state at the restored slot').toEqual(json(moved));
    expect(specOf(replica)).toMatchObject({ rSlotOut: commands.length + 1, rExecuted: commands });
    // Its duplicate table came along: a retried request of the snapshot is answered, not executed again.
    replica.receive(3, { type: 'Invoke', replica: 3, prop: commands[3]! });
    expect(joinerHost.sends('Invoked')).toEqual([{ to: 3, message: { type: 'Invoked', replica: 3, prop: commands[3]!, index: 4, output: { ok: true, op: 'transfer', from: 'a', to: 'b', amount: 30 } } }]);
  });

  it('tracing off: the same, from a snapshot that holds no history', () => {
    const restored = restoredSnapshot(false);
    expect(restored.image.history).toBeUndefined();

    const { welcome } = welcomeFromRestored({ checkpointEvery: EVERY, restored, tracing: false });

    expect(welcome).toMatchObject({ node: 3, slot: commands.length + 1, decisions: [], executed: [] });
    expect(json(readCheckpointTransfer(snapshots, welcome.state.app, 1000).app)).toEqual(json(moved));
  });

  it('restarted with checkpoints off over a snapshot: the Welcome carries the restored state itself', () => {
    const restored = restoredSnapshot(true);

    const { welcome } = welcomeFromRestored({ checkpointEvery: 0, restored });

    expect(welcome).toMatchObject({ node: 3, slot: commands.length + 1, decisions: [], executed: commands });
    expect(json(welcome.state.app)).toEqual(json(moved));
  });
});
