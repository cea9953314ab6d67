import { describe, expect, it, vi } from 'vitest';
import type { Envelope, NodeSpecState, Output, TraceEvent } from '../../src/node/api.js';
import { Node } from '../../src/node/node.js';
import { Role } from '../../src/node/role.js';
import { InvariantViolation } from '../../src/protocol/assert.js';
import { DEFAULT_LIMITS } from '../../src/protocol/limits.js';
import type { Message, Prepare } from '../../src/protocol/messages.js';
import { ballotLess, copyBallot } from '../../src/protocol/values.js';
import { Acceptor } from '../../src/roles/acceptor.js';
import { Commander } from '../../src/roles/commander.js';
import { Leader } from '../../src/roles/leader.js';
import { Replica } from '../../src/roles/replica.js';
import { emptyDurableState } from '../../src/storage/fold.js';
import { counter } from '../roles/fake-host.js';
import { Cluster } from './harness.js';

function tracedNode(id = 1, trace = true) {
  const events: TraceEvent[] = [];
  const node = new Node(id, [1, 2, 3], { durable: undefined, ...(trace ? { trace: (e: TraceEvent) => events.push(e) } : {}) }, { stateMachine: counter });
  node.start();
  return { node, events };
}
const B = { num: 1, leader: 2 };

describe('Node', () => {
  it('delivers self-addressed messages through its local queue, one event per spec action, in order', () => {
    const { node, events } = tracedNode(1);

    const out = node.invoke(1, '5');

    expect(events.map((e) => `${e.role}.${e.action}`)).toEqual([
      'Requester.RequesterInvoke', // Invoke to the local replica
      'Replica.ReplicaReceiveInvoke',
      'Replica.ReplicaPropose', // Propose to leader 1 = this node
      'Leader.LeaderReceivePropose',
      'Leader.LeaderSpawnScout', // Prepare to every acceptor, this one first through the queue
      'Acceptor.AcceptorReceivePrepare',
      'Acceptor.Stutter', // the Accepting hint to its replica
      'Scout.ScoutReceivePromise', // one yes: no quorum yet
    ]);
    expect(out.messages.map((e) => [e.to, e.message.type])).toEqual([[2, 'Prepare'], [3, 'Prepare']]);
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(events.map((e) => e.clock)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(out.messages.every((e) => e.clock === 5)).toBe(true); // stamped with the sending step's clock
  });

  it('delivers the self-addressed messages of one call first in, first out, across steps', () => {
    // api.ts promises a FIFO queue: a role that tells itself two things hears them in that
    // order, as a node's replica answers its requester in execution order.
    const heard: number[] = [];
    class TwoSteps extends Role {
      readonly name = 'Bootstrap' as const;
      readonly handles = ['Prepare'] as const;
      override start(): void {
        this.host.send(this.host.self, { type: 'Prepare', ballot: { num: 1, leader: 1 } });
        this.host.send(this.host.self, { type: 'Prepare', ballot: { num: 2, leader: 1 } });
        this.host.action('Bootstrap', 'First');
        this.host.send(this.host.self, { type: 'Prepare', ballot: { num: 3, leader: 1 } });
        this.host.action('Bootstrap', 'Second');
      }
      receive(_from: number, m: Message): void {
        heard.push((m as Prepare).ballot.num);
        // A message sent while the queue is drained goes behind what was already in it.
        if ((m as Prepare).ballot.num === 1) this.host.send(this.host.self, { type: 'Prepare', ballot: { num: 4, leader: 1 } });
      }
      snapshot(): void {}
    }
    const node = new Node(1, [1, 2, 3], { durable: undefined }, { stateMachine: counter, startAs: 'join', roles: { Bootstrap: TwoSteps } });
    node.start();
    expect(heard).toEqual([1, 2, 3, 4]);
  });

  it('records the spec projection of what a step sent, once per spec message', () => {
    const { node, events } = tracedNode(1);
    node.invoke(1, '5');

    const spawn = events.find((e) => e.action === 'LeaderSpawnScout')!;

    expect(spawn.sent).toEqual([{ type: 'Prepare', ballot: { num: 0, leader: 1 } }]); // sent to 3 acceptors, one spec message
    expect(spawn.state.scout).toEqual({ ballot: { num: 0, leader: 1 }, acks: [], pvalues: [], mark: 1 });
    const receive = events.find((e) => e.action === 'AcceptorReceivePrepare')!;
    expect(receive.params).toEqual({ from: 1, message: { type: 'Prepare', ballot: { num: 0, leader: 1 } } });
  });

  it('takes the sender Lamport clock into account', () => {
    const { node, events } = tracedNode(1);

    node.receive({ from: 2, to: 1, clock: 41, message: { type: 'Prepare', ballot: B } });

    expect(events[0]?.clock).toBe(42);
    expect(node.clock).toBe(43); // and the Accepting hint step
  });

  it('a Stutter step changes no spec variable and sends only what was already sent', () => {
    const c = new Cluster([1, 2, 3]);
    c.invoke(2, 1, '5');
    c.invoke(3, 1, '6');
    c.run();
    c.crash(1);
    for (let i = 0; i < 6; i++) c.tick();
    c.restart(1);
    c.run();

    const sent = new Set<string>();
    const last = new Map<number, NodeSpecState>();
    let stutters = 0;
    for (const e of c.events) {
      const prev = last.get(e.node);
      if (e.action === 'Stutter') {
        stutters++;
        if (prev !== undefined) expect(e.state).toEqual(prev);
        for (const m of e.sent) expect(sent.has(JSON.stringify(m))).toBe(true);
      }
      for (const m of e.sent) sent.add(JSON.stringify(m));
      last.set(e.node, e.state);
    }
    expect(stutters).toBeGreaterThan(0);
  });

  it('with tracing off emits nothing and behaves exactly the same', () => {
    const run = (trace: boolean) => {
      const { node } = tracedNode(1, trace);
      const outs: Output[] = [node.invoke(1, '5')];
      outs.push(node.receive({ from: 2, to: 1, clock: 9, message: { type: 'Promise', acceptor: 2, ballot: { num: 0, leader: 1 }, promised: { num: 0, leader: 1 }, accepted: [] } }));
      outs.push(node.fireTimer('Leader.heartbeat'));
      return { outs, node };
    };
    const on = run(true);
    const off = run(false);

    expect(off.outs).toEqual(on.outs);
    expect(off.node.stats.events).toBe(0);
    expect(on.node.stats.events).toBeGreaterThan(0);
    // The spec's `invoked` is history the Requester keeps only for the trace.
    expect(off.node.specState().invoked).toEqual([]);
    expect({ ...off.node.specState(), invoked: [] }).toEqual({ ...on.node.specState(), invoked: [] });
  });

  it('shares no object with its caller: mutating inputs or outputs afterwards changes nothing', () => {
    const { node } = tracedNode(1);
    const input = { from: 2, to: 1, clock: 0, message: { type: 'Accept', ballot: { num: 1, leader: 2 }, slot: 1, prop: { caller: 2, clientId: 1, input: 'x' } } };

    const out = node.receive(input);
    input.message.ballot.num = 99;
    input.message.prop.input = 'evil';
    (out.messages[0]!.message as { ballot: { num: number } }).ballot.num = 77;

    expect(node.specState().aAccepted).toEqual([{ ballot: { num: 1, leader: 2 }, slot: 1, prop: { caller: 2, clientId: 1, input: 'x' } }]);
    expect(node.specState().aBallot).toEqual({ num: 1, leader: 2 });
  });

  it('gives every receiver its own copy of a broadcast', () => {
    const { node } = tracedNode(1);

    const out = node.invoke(1, '5');
    const [a, b] = out.messages as [Envelope, Envelope];
    (a.message as Prepare as { ballot: { num: number } }).ballot.num = 5;

    expect((b.message as Prepare).ballot.num).toBe(0);
  });

  it('hands out the records a call appended with the messages that depend on them, for the host to sync first', () => {
    const { node } = tracedNode(1, false);

    const promised = node.receive({ from: 2, to: 1, clock: 0, message: { type: 'Prepare', ballot: B } });
    const again = node.receive({ from: 2, to: 1, clock: 0, message: { type: 'Prepare', ballot: B } });
    const accepted = node.receive({ from: 3, to: 1, clock: 0, message: { type: 'Accept', ballot: { num: 2, leader: 3 }, slot: 1, prop: { caller: 3, clientId: 1, input: '4' } } });

    expect(promised.durable).toEqual([{ kind: 'promise', ballot: B }]);
    expect(promised.messages.map((e) => e.message.type)).toEqual(['Promise']);
    expect(again.durable).toEqual([]); // the same promise again: nothing new to make durable
    // An Accept above the promise raises it: the promise is a record of its own, before the pvalue.
    expect(accepted.durable).toEqual([
      { kind: 'promise', ballot: { num: 2, leader: 3 } },
      { kind: 'accept', pvalue: { ballot: { num: 2, leader: 3 }, slot: 1, prop: { caller: 3, clientId: 1, input: '4' } } },
    ]);
    expect(accepted.messages.map((e) => e.message.type)).toEqual(['Accepted']);
  });

  it('appends nothing to start a brand-new member; a (re)joining node first moves its leader ballot', () => {
    const member = new Node(1, [1, 2, 3], { durable: undefined }, { stateMachine: counter });
    const joiner = new Node(2, [1, 2, 3], { durable: { ...emptyDurableState(2), lBallot: { num: 3, leader: 2 } } }, { stateMachine: counter, startAs: 'join' });

    expect(member.start().durable).toEqual([]);
    expect(joiner.start().durable).toEqual([{ kind: 'leaderBallot', ballot: { num: 4, leader: 2 } }]);
  });

  it('hands out each durable record as a frozen copy: a role may reuse the object it appended, a host may keep the record as is', () => {
    // The simulator's log keeps a Node's records without copying them (Node.ownsItsOutputs).
    class ReusingBootstrap extends Role {
      readonly name = 'Bootstrap' as const;
      readonly handles = [] as const;
      override start(): void {
        const ballot = { num: 5, leader: 1 };
        this.host.appendDurable({ kind: 'leaderBallot', ballot });
        ballot.num = 99; // the role moves on with its object
      }
      receive(): void {}
      snapshot(): void {}
    }
    const node = new Node(1, [1, 2, 3], { durable: undefined }, { stateMachine: counter, startAs: 'join', roles: { Bootstrap: ReusingBootstrap } });
    const [record] = node.start().durable;
    expect(record).toEqual({ kind: 'leaderBallot', ballot: { num: 5, leader: 1 } });
    expect(Object.isFrozen(record)).toBe(true);
    expect(Object.isFrozen((record as { ballot: object }).ballot)).toBe(true);
  });

  it('refuses recovered durable state with two pvalues for one slot: a bug in the log, not a state to run on', () => {
    const pv = { ballot: B, slot: 1, prop: { caller: 1, clientId: 1, input: '1' } };
    const durable = { ...emptyDurableState(1), aBallot: B, aAccepted: [pv, { ...pv, prop: { ...pv.prop, input: '2' } }] };

    expect(() => new Node(1, [1, 2, 3], { durable }, { stateMachine: counter })).toThrow(InvariantViolation);
  });

  it('restarted from its storage keeps aBallot and aAccepted, moves to a fresh ballot, and forgets the rest', () => {
    const c = new Cluster([1, 2, 3]);
    c.invoke(1, 1, '5');
    c.run();
    c.receive(2, { from: 3, to: 2, clock: 0, message: { type: 'Prepare', ballot: { num: 4, leader: 3 } } });
    c.receive(1, { from: 3, to: 1, clock: 0, message: { type: 'Prepare', ballot: { num: 4, leader: 3 } } });
    c.inFlight.length = 0; // the Promises to node 3 are lost
    // Leader 1, still active at <<0, 1>>, drives a proposal, meets <<4, 3>> and moves to <<5, 1>>.
    c.receive(1, { from: 2, to: 1, clock: 0, message: { type: 'Propose', slot: 9, prop: { caller: 2, clientId: 9, input: '1' } } });
    c.run();
    const before = c.node(1).specState();
    expect(before.lBallot).toEqual({ num: 5, leader: 1 });

    const restarted = c.restart(1);
    const after = restarted.specState();

    expect(after).toMatchObject({ aBallot: before.aBallot, aAccepted: before.aAccepted });
    // Spec NodeRestart: a ballot it never used, so nothing it forgot can be proposed again under it.
    expect(after.lBallot).toEqual({ num: 6, leader: 1 });
    expect(after).toMatchObject({ lActive: false, lProposals: [], rSlotOut: 1, rDecisions: [], rExecuted: [], scout: null });
  });

  it('lets tests inject role classes: a mutant acceptor replaces the real one', () => {
    class ForgetfulAcceptor extends Acceptor {
      override receivePrepare(m: Prepare): void {
        // Mutant: promises every ballot, even a lower one.
        this.ballot = copyBallot(m.ballot);
        this.host.send(m.ballot.leader, { type: 'Promise', acceptor: this.host.self, ballot: m.ballot, promised: m.ballot, accepted: [] });
        this.host.action('Acceptor', 'AcceptorReceivePrepare');
      }
    }
    const node = new Node(1, [1, 2, 3], { durable: undefined }, { stateMachine: counter, roles: { Acceptor: ForgetfulAcceptor } });
    node.start();
    node.receive({ from: 2, to: 1, clock: 0, message: { type: 'Prepare', ballot: { num: 5, leader: 2 } } });

    const out = node.receive({ from: 3, to: 1, clock: 0, message: { type: 'Prepare', ballot: { num: 1, leader: 3 } } });

    expect(out.messages[0]?.message).toMatchObject({ type: 'Promise', promised: { num: 1, leader: 3 } });
    expect(ballotLess(node.specState().aBallot, { num: 5, leader: 2 })).toBe(true);
  });

  it('counts a valid message no role handles right now, without a step', () => {
    const node = new Node(2, [1, 2, 3], { durable: undefined }, { stateMachine: counter, startAs: 'join' });
    node.start();

    const out = node.receive({ from: 1, to: 2, clock: 0, message: { type: 'Prepare', ballot: { num: 1, leader: 1 } } });

    expect(out.messages).toEqual([]);
    expect(node.stats.unhandledMessages).toBe(1);
  });

  it('hands a message type it already dispatched to a role added since, though no role was removed', () => {
    // The node caches which unrouted roles take each message type: adding one must drop that
    // cache, or the new role never hears a type seen before it came (here: Prepare).
    class Adder extends Role {
      readonly name = 'Bootstrap' as const;
      readonly handles = ['Prepare'] as const;
      receive(): void {
        if (this.host.findRole('Acceptor') === undefined) this.host.addRole(new Acceptor(this.host));
      }
      snapshot(): void {}
    }
    const node = new Node(1, [1, 2, 3], { durable: undefined }, { stateMachine: counter, startAs: 'join', roles: { Bootstrap: Adder } });
    node.start();
    const first = node.receive({ from: 2, to: 1, clock: 0, message: { type: 'Prepare', ballot: B } });
    expect(first.messages).toEqual([]); // the acceptor came after this one was dispatched

    const second = node.receive({ from: 2, to: 1, clock: 0, message: { type: 'Prepare', ballot: B } });

    expect(second.messages.map((e) => [e.to, e.message.type])).toEqual([[2, 'Promise']]);
    expect(node.specState().aBallot).toEqual(B);
  });

  it('hands a message to none of its handlers that an earlier handler of it removed', () => {
    // Accept is the acceptor's, the replica's and the leader's. An acceptor that rejoins on it
    // (NodeRestart inside a handler) removes the other two: a removed role must not act on it.
    class RejoiningAcceptor extends Acceptor {
      override receive(from: number, m: Message): void {
        super.receive(from, m);
        if (m.type === 'Accept') this.host.rejoin();
      }
    }
    const heard: string[] = [];
    class HearingReplica extends Replica {
      override receive(from: number, m: Message): void { heard.push(`Replica ${m.type}`); super.receive(from, m); }
    }
    class HearingLeader extends Leader {
      override receive(from: number, m: Message): void { heard.push(`Leader ${m.type}`); super.receive(from, m); }
    }
    const node = new Node(1, [1, 2, 3], { durable: undefined }, { stateMachine: counter, roles: { Acceptor: RejoiningAcceptor, Replica: HearingReplica, Leader: HearingLeader } });
    node.start();
    node.receive({ from: 2, to: 1, clock: 0, message: { type: 'Accept', ballot: B, slot: 1, prop: { caller: 2, clientId: 1, input: 'x' } } });

    expect(node.roleNames().sort()).toEqual(['Bootstrap', 'Requester']);
    expect(heard).toEqual([]);
  });

  it('names the outer step\'s own timer in an action its role takes after a redelivery', () => {
    // RoleHost.redeliver dispatches a message inside a handler: once it returns, what the outer
    // handler does next is still the timer's step, not the redelivered message's.
    class Redeliverer extends Role {
      readonly name = 'Bootstrap' as const;
      readonly handles = ['Join'] as const;
      override onTimer(): void {
        this.host.redeliver(2, { type: 'Join', node: 2 });
        this.host.action('Bootstrap', 'After');
      }
      receive(): void {
        this.host.action('Bootstrap', 'Inner');
      }
      snapshot(): void {}
    }
    const events: TraceEvent[] = [];
    const node = new Node(1, [1, 2, 3], { durable: undefined, trace: (e) => events.push(e) }, { stateMachine: counter, startAs: 'join', roles: { Bootstrap: Redeliverer } });
    node.start();
    node.fireTimer('Bootstrap.tick');
    expect(events.map((e) => [e.action, e.params])).toEqual([
      ['Inner', { from: 2, message: { type: 'Join', node: 2 } }],
      ['After', { timer: 'Bootstrap.tick' }],
    ]);
  });

  it('ignores timers of roles it no longer hosts', () => {
    const { node, events } = tracedNode(1);
    const before = events.length;

    const out = node.fireTimer('Scout.retransmit', '0.1');

    expect(out).toEqual({ durable: [], messages: [], timers: [], results: [] });
    expect(events.length).toBe(before);
  });

  it('refuses invoke before start, a reused clientId, and an input beyond maxInputLength', () => {
    const unstarted = new Node(1, [1, 2, 3], { durable: undefined }, { stateMachine: counter });
    expect(unstarted.invoke(1, 'x').refused).toBe('not-a-member');

    const { node } = tracedNode(1);
    expect(node.invoke(1, 'x').refused).toBeUndefined();
    expect(node.invoke(1, 'y').refused).toBe('duplicate-client-id');
    expect(node.invoke(2, 'x'.repeat(70_000)).refused).toBe('input-too-long');
  });

  it('rejects a bad configuration with a clear error', () => {
    const env = { durable: undefined };
    expect(() => new Node(4, [1, 2, 3], env, { stateMachine: counter })).toThrow(/node id 4 must be a positive integer among peers/);
    expect(() => new Node(1, [1, 0], env, { stateMachine: counter })).toThrow(/peers must be positive integers/);
    expect(() => new Node(1, [1, 100], env, { stateMachine: counter })).toThrow(/node ids must be at most 64/);
    expect(() => new Node(1, [1, 65], env, { stateMachine: counter })).toThrow(/node ids must be at most 64/);
    const ids = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
    expect(() => new Node(1, ids(65), env, { stateMachine: counter })).toThrow(/65 nodes exceed maxNodes 64/);
    expect(() => new Node(1, ids(64), env, { stateMachine: counter })).not.toThrow();
    expect(() => new Node(1, [1, 2, 3], env, { stateMachine: counter, checkpointEvery: -1 })).toThrow(/checkpointEvery must be a non-negative integer/);
    expect(() => new Node(1, [1, 2, 3], env, { stateMachine: counter, checkpointEvery: 0 })).not.toThrow();
    const durable = { aBallot: B, aAccepted: [], lBallot: { num: 0, leader: 2 }, compactedBelow: 0 };
    expect(() => new Node(1, [1, 2, 3], { durable }, { stateMachine: counter })).toThrow(/does not belong to node 1/);
  });

  it('takes a peer named twice as one node: one copy of each broadcast, and a majority of the distinct nodes', () => {
    // A host may build peers as [self, ...others] with self among the others (a Member passes
    // them on as given): counted twice, node 1 would need every other node for a quorum.
    const node = new Node(1, [1, 2, 3, 1, 3], { durable: undefined }, { stateMachine: counter });
    expect(node.peers).toEqual([1, 2, 3]);
    node.start();
    const out = node.invoke(1, '5');
    expect(out.messages.map((e) => [e.to, e.message.type])).toEqual([[2, 'Prepare'], [3, 'Prepare']]);
    // Its own promise and node 2's are a majority of three: the ballot is adopted.
    node.receive({ from: 2, to: 1, clock: 9, message: { type: 'Promise', acceptor: 2, ballot: { num: 0, leader: 1 }, promised: { num: 0, leader: 1 }, accepted: [] } });
    expect(node.activeBallot()).toEqual({ num: 0, leader: 1 });
  });

  it('answers activeBallot from its leader, without building its spec state (a node process asks at every client reply)', () => {
    const node = new Node(1, [1, 2, 3], { durable: undefined }, { stateMachine: counter });
    node.start();
    node.invoke(1, '5');
    node.receive({ from: 2, to: 1, clock: 9, message: { type: 'Promise', acceptor: 2, ballot: { num: 0, leader: 1 }, promised: { num: 0, leader: 1 }, accepted: [] } });
    const built = vi.spyOn(node, 'specState');
    expect(node.activeBallot()).toEqual({ num: 0, leader: 1 });
    expect(built).not.toHaveBeenCalled();
  });

  it('traces a step from the roles it touched: commanders waiting for acceptors are not asked for their changes at every event', () => {
    const { node, events } = tracedNode(1);
    for (let c = 1; c <= 5; c++) node.invoke(c, String(c));
    node.receive({ from: 2, to: 1, clock: 9, message: { type: 'Promise', acceptor: 2, ballot: { num: 0, leader: 1 }, promised: { num: 0, leader: 1 }, accepted: [] } });
    const commanders = events.at(-1)!.state.commanders.length;
    expect(commanders).toBeGreaterThanOrEqual(3);
    // Decisions for later slots: the replica alone acts on them. (The first event may still
    // ask a commander its leader touched after the previous event.)
    node.receive({ from: 2, to: 1, clock: 10, message: { type: 'Decision', slot: 9, prop: { caller: 2, clientId: 1, input: '7' } } });
    const asked = vi.spyOn(Commander.prototype, 'traceChanges');
    try {
      const from = events.length;
      node.receive({ from: 2, to: 1, clock: 11, message: { type: 'Decision', slot: 10, prop: { caller: 2, clientId: 2, input: '8' } } });
      expect(events.slice(from).map((e) => e.action)).toEqual(['ReplicaReceiveDecision']);
      expect(asked).not.toHaveBeenCalled();
    } finally {
      asked.mockRestore();
    }
  });

  it('refuses an invoke with a client id below 1 (a programming error: thrown), and an input over the limit (refused: the caller is told)', () => {
    const { node } = tracedNode(1, false);
    expect(() => node.invoke(0, '5')).toThrow(RangeError);
    expect(() => node.invoke(1.5, '5')).toThrow(RangeError);
    const max = DEFAULT_LIMITS.maxInputLength;
    expect(node.invoke(1, 'x'.repeat(max + 1))).toMatchObject({ refused: 'input-too-long' });
    expect(node.invoke(1, 'x'.repeat(max)).refused).toBeUndefined();
  });
});
