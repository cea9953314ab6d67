/**
 * Deterministic discrete-event simulator of a cluster of Nodes. One virtual clock, one
 * event queue, the seed's network stream (the workload draws from its own): the same
 * configuration gives the same run, event for event.
 * The simulator owns everything a Node does not: the network (with its faults), timers,
 * durable storage across crashes, and the clients that invoke requests.
 *
 * Every run is bounded (maxEvents, maxTimeMs), so it always terminates.
 */
import type { Envelope, NodeApi, NodeEnvironment, NodeId, NodeOptions, Output, TraceSink } from '../node/api.js';
import type { CheckpointOptions } from '../node/node.js';
import { copyJson } from '../util/jsonCopy.js';
import { IN_PROCESS_HOST } from '../node/inProcessHost.js';
import { Node } from '../node/node.js';
import { EventQueue } from './eventQueue.js';
import { EventLog } from './eventLog.js';
import { SimNetwork } from './network.js';
import { Prng } from './prng.js';
import type { Fault, PartitionFault } from './schedule.js';
import { recordBytes } from './recordBytes.js';
import { SimStorage } from './simStorage.js';
import { type ChainedState, type TrackedOutput, type TrackedState, tagInput, trackedStateMachine, trackedStateOf } from './tracking.js';
import {
  type Ack, type ClientSpec, DEFAULT_MAX_EVENTS, DEFAULT_MAX_TIME_MS, DEFAULT_SETTLE_MS, type SimConfig, type SimResult,
  type SimStats, type StopReason,
} from './types.js';

export type { Ack, ClientSpec, NodeFactory, SimConfig, SimResult, SimStats, StopReason } from './types.js';
export { DEFAULT_MAX_EVENTS, DEFAULT_MAX_TIME_MS, DEFAULT_SETTLE_MS } from './types.js';

const DEFAULT_CLIENT_RETRY_MS = 250;
/** While settling, an idle-proof tick every this many virtual ms keeps the deadline observed. */
const SETTLE_TICK_MS = 1000;

type SimEvent =
  | { k: 'deliver'; envelope: Envelope; from: NodeId; to: NodeId; type: string }
  | { k: 'timer'; node: NodeId; inc: number; name: string; key: string | undefined }
  | { k: 'fault'; index: number; phase: 'start' | 'end' }
  | { k: 'client'; client: number }
  | { k: 'settleCheck' };

interface NodeSlot {
  readonly id: NodeId;
  /** Outlives the Node objects: a restarted node recovers from it. */
  readonly log: SimStorage;
  node: NodeApi | null;
  incarnation: number;
  traceSeq: number;
  clock: number;
  /** The last state an apply call produced (fallback when the node hides its Replica). */
  latest: ChainedState<unknown> | undefined;
  /** `node` is a Node itself, whose output envelopes nobody else holds (Node.ownsItsOutputs). */
  ownOutputs: boolean;
}

interface Pending {
  readonly clientId: number;
  readonly rid: string;
  readonly input: string;
  readonly text: string;
  invokedIn: number;
  /** The application's call is in the trace (ClientInvoke, on the first attempt). */
  traced: boolean;
  /** When the client invoked it (virtual ms). */
  readonly invokedAt: number;
}

interface ClientRun {
  readonly spec: ClientSpec;
  readonly probe: boolean;
  next: number;
  pending: Pending | undefined;
  done: boolean;
}

export class Simulator {
  private readonly cfg: SimConfig;
  private readonly queue = new EventQueue<SimEvent>();
  private readonly net: SimNetwork;
  private readonly slots = new Map<NodeId, NodeSlot>();
  private readonly peers: NodeId[];
  private readonly clients: ClientRun[] = [];
  private readonly clientIds = new Map<NodeId, number>();
  private readonly acks: Ack[] = [];
  private readonly inputs = new Map<string, string>();
  private readonly allStates: { node: NodeId; incarnation: number; state: TrackedState<unknown> }[] = [];
  /** The schedule's faults, then any added while running (addFault); an event names one by index. */
  private readonly faults: Fault[];
  private readonly killed = new Map<number, NodeId>();
  /** Per node, the restarts of it still scheduled: a crashed node with none is down for good. */
  private readonly restartsDue = new Map<NodeId, number>();
  private readonly isolations = new Map<number, PartitionFault>();
  private readonly log: EventLog;
  private readonly measureMessages: boolean;
  private readonly measureDurableBytes: boolean;
  private readonly stats: SimStats;
  private now = 0;
  /** Workload requests acknowledged so far (probes excluded). */
  private decided = 0;
  private pendingFaultEvents = 0;
  private settling = false;
  private settleDeadline = Infinity;
  private ran = false;
  private nodeError: string | undefined;
  private leaderBallot: { num: number; leader: number } | undefined;
  /** The copies' delays of the message being routed (SimNetwork.route writes them: no array per message). */
  private readonly delays: number[] = [];

  constructor(cfg: SimConfig) {
    if (!Number.isInteger(cfg.nodes) || cfg.nodes < 1) throw new RangeError(`nodes must be a positive integer, got ${cfg.nodes}`);
    for (const c of cfg.clients) {
      if (!Number.isInteger(c.node) || c.node < 1 || c.node > cfg.nodes) throw new RangeError(`client node ${c.node} is not in 1..${cfg.nodes}`);
    }
    this.cfg = cfg;
    this.faults = [...cfg.schedule.faults];
    this.net = new SimNetwork(cfg.schedule.network, Prng.stream(cfg.seed, 'network'));
    this.peers = Array.from({ length: cfg.nodes }, (_, i) => i + 1);
    this.log = new EventLog(cfg.eventLog ?? true);
    this.measureMessages = cfg.measureMessages ?? false;
    this.measureDurableBytes = cfg.measureDurableBytes ?? false;
    this.stats = {
      events: 0, messagesSent: 0, copiesDelivered: 0, dropped: { loss: 0, partition: 0, crashed: 0 }, duplicated: 0,
      timersFired: 0, invokes: 0, refusals: 0, faults: { partition: 0, crash: 0, killLeader: 0, isolateLeader: 0, lossBurst: 0 },
      crashes: 0, restarts: 0, actions: {}, leaderElections: 0, leaderChanges: 0, durable: { records: 0, bytes: 0, syncs: 0 },
      largestMessageBytes: 0,
      largestMessageType: '',
    };
  }

  run(): SimResult {
    if (this.ran) throw new Error('a Simulator runs once; build a new one to run again');
    this.ran = true;
    const maxEvents = this.cfg.maxEvents ?? DEFAULT_MAX_EVENTS;
    const maxTime = this.cfg.maxTimeMs ?? DEFAULT_MAX_TIME_MS;
    const sampler = this.cfg.sampler;
    for (const id of this.peers) {
      const slot: NodeSlot = { id, log: new SimStorage(id), node: null, incarnation: 0, traceSeq: 0, clock: 0, latest: undefined, ownOutputs: false };
      this.slots.set(id, slot);
    }
    const seeded = this.cfg.formation === 'seed';
    for (const id of this.peers) this.boot(this.slots.get(id)!, !seeded ? 'member' : id === 1 ? 'seed' : 'join');
    this.faults.forEach((f, index) => this.scheduleFault(f, index));
    this.cfg.clients.forEach((spec, i) => {
      this.clients.push({ spec, probe: false, next: 0, pending: undefined, done: false });
      this.queue.push(spec.startAt ?? 0, { k: 'client', client: i });
    });
    this.maybeSettle();

    let stopReason: StopReason = 'idle';
    for (;;) {
      if (this.settling && this.probesDone()) { stopReason = 'settled'; break; }
      const item = this.queue.pop();
      if (item === undefined) { stopReason = 'idle'; break; }
      if (item.time > maxTime) { stopReason = 'maxTime'; break; }
      if (item.time > this.settleDeadline) { stopReason = 'settleTimeout'; break; }
      if (this.stats.events >= maxEvents) { stopReason = 'maxEvents'; break; }
      this.now = item.time;
      this.stats.events++;
      if (sampler && this.stats.events % sampler.every === 0) sampler.fn();
      try {
        this.handle(item.event);
      } catch (e) {
        // A Node never throws on input; a throw is a failed assertion inside it.
        this.nodeError = `at ${this.now.toFixed(3)} ms, handling ${describeEvent(item.event)}: ${e instanceof Error ? e.message : String(e)}`;
        this.log.add(this.now, `E ${this.nodeError}`);
        stopReason = 'nodeError';
        break;
      }
    }
    return this.result(stopReason);
  }

  // ---- nodes -------------------------------------------------------------------------

  private boot(slot: NodeSlot, startAs: 'member' | 'seed' | 'join'): void {
    const track = this.cfg.track ?? true;
    const sm = track
      ? trackedStateMachine(this.cfg.stateMachine, (s) => { slot.latest = s; })
      : this.cfg.stateMachine;
    const trace = this.traceFor(slot.id);
    const env: NodeEnvironment = {
      durable: slot.log.load(),
      ...(trace ? { trace } : {}),
      ...(slot.incarnation > 0 ? { resume: { traceSeq: slot.traceSeq, clock: slot.clock } } : {}),
      // Every envelope delivered is a copyJson of one a node of this run put in its Output
      // (process() below): the node may skip the schema checks a network's input needs.
      inputs: IN_PROCESS_HOST,
    };
    const options: NodeOptions & CheckpointOptions = {
      stateMachine: sm,
      startAs,
      ...(this.cfg.timing ? { timing: this.cfg.timing } : {}),
      ...(this.cfg.limits ? { limits: this.cfg.limits } : {}),
      ...(this.cfg.checkpointEvery ? { checkpointEvery: this.cfg.checkpointEvery } : {}),
    };
    slot.incarnation++;
    slot.latest = undefined;
    slot.node = this.cfg.createNode(slot.id, this.peers, options, env);
    slot.ownOutputs = Node.ownsItsOutputs(slot.node);
    this.process(slot, slot.node.start());
  }

  private traceFor(id: NodeId): TraceSink | undefined {
    const user = this.cfg.trace?.(id);
    if (!this.cfg.countActions) return user;
    const actions = this.stats.actions;
    const counting = (e: Parameters<TraceSink>[0]): void => {
      actions[e.action] = (actions[e.action] ?? 0) + 1;
      user?.(e);
    };
    return user?.takesDeltas === true ? Object.assign(counting, { takesDeltas: true }) : counting;
  }

  private crash(id: NodeId): boolean {
    const slot = this.slots.get(id)!;
    if (slot.node === null) return false;
    slot.traceSeq = slot.node.traceSeq;
    slot.clock = slot.node.clock;
    const last = this.replicaState(slot);
    if (last) this.allStates.push({ node: id, incarnation: slot.incarnation, state: last });
    slot.node = null;
    // A power loss takes what was appended and not synced (nothing, since every call's
    // records are synced before its messages leave: a host that broke that rule would lose
    // promises here, and the traces would show it).
    slot.log.crash();
    this.stats.crashes++;
    this.log.add(this.now, `C ${id}`);
    return true;
  }

  private restart(id: NodeId): void {
    const slot = this.slots.get(id)!;
    if (slot.node !== null) return;
    this.stats.restarts++;
    this.log.add(this.now, `R ${id}`);
    this.boot(slot, 'join');
    // Clients of this node re-invoke their unanswered request with the same client id.
    this.clients.forEach((c, i) => {
      if (c.spec.node === id && !c.done) this.queue.push(this.now, { k: 'client', client: i });
    });
  }

  /** Makes durable, then sends, arms and delivers what a Node returned from one call. */
  private process(slot: NodeSlot, out: Output): void {
    if (out.durable.length > 0) {
      slot.log.append(out.durable, slot.ownOutputs);
      // The sync before the sends below takes no virtual time, so runs stay deterministic.
      slot.log.sync();
      this.stats.durable.records += out.durable.length;
      if (this.measureDurableBytes) for (let i = 0; i < out.durable.length; i++) this.stats.durable.bytes += recordBytes(out.durable[i]!);
      this.stats.durable.syncs++;
    }
    // Indexed loops: for-of allocated an iterator result per item here (the lists of a Node's
    // Output are of two kinds, new ones and a shared frozen empty one, which kept for-of slow).
    for (let m = 0; m < out.messages.length; m++) {
      const env = out.messages[m]!;
      this.stats.messagesSent++;
      const type = env.message.type;
      if (type === 'Accept' || type === 'Active') this.noteLeader(env.message.ballot);
      if (this.measureMessages) this.measure(env);
      const delays = this.delays;
      const copies = this.net.route(env.from, env.to, delays);
      if (typeof copies === 'string') {
        this.stats.dropped[copies]++;
        if (this.log.enabled) this.log.add(this.now, `X ${env.from}>${env.to} ${type} ${copies}`);
        continue;
      }
      if (copies > 1) this.stats.duplicated++;
      // Each copy in flight is a deep copy, as bytes on a wire would be: no node shares an
      // object with another, and a sender changing what it sent changes nothing. A Node's
      // envelope already is one (it copies each message at the step that sends it, and keeps
      // nothing of it), so its first copy travels as it is; a duplicate, or the envelope of a
      // node wrapped by a test (which may keep it), is copied now. (A hand-written copy of the
      // JSON value: the stringify + parse it replaces was a tenth of the run.)
      for (let i = 0; i < copies; i++) {
        const envelope = i === 0 && slot.ownOutputs ? env : copyJson(env);
        this.queue.push(this.now + delays[i]!, { k: 'deliver', envelope, from: env.from, to: env.to, type });
      }
    }
    for (let i = 0; i < out.timers.length; i++) {
      const t = out.timers[i]!;
      this.queue.push(this.now + t.afterMs, { k: 'timer', node: slot.id, inc: slot.incarnation, name: t.name, key: t.key });
    }
    for (let i = 0; i < out.results.length; i++) this.onResult(slot, out.results[i]!.clientId, out.results[i]!.output);
  }

  /** Largest message so far, as its JSON text in UTF-8 bytes (opt-in: it serialises every message). */
  private measure(env: Envelope): void {
    const text = JSON.stringify(env);
    // At most 3 UTF-8 bytes per UTF-16 unit (JSON.stringify escapes lone surrogates), so most
    // messages are ruled out without counting their bytes.
    if (text.length * 3 <= this.stats.largestMessageBytes) return;
    const bytes = Buffer.byteLength(text);
    if (bytes <= this.stats.largestMessageBytes) return;
    this.stats.largestMessageBytes = bytes;
    this.stats.largestMessageType = env.message.type;
  }

  private noteLeader(b: { num: number; leader: number }): void {
    const last = this.leaderBallot;
    if (last && (b.num < last.num || (b.num === last.num && b.leader <= last.leader))) return;
    this.stats.leaderElections++;
    if (last && last.leader !== b.leader) this.stats.leaderChanges++;
    this.leaderBallot = { num: b.num, leader: b.leader };
    this.log.add(this.now, `B ${b.num}.${b.leader}`);
  }

  // ---- events ------------------------------------------------------------------------

  private handle(e: SimEvent): void {
    switch (e.k) {
      case 'deliver': return this.deliver(e);
      case 'timer': {
        const slot = this.slots.get(e.node)!;
        if (slot.node === null || slot.incarnation !== e.inc) return; // a timer of a crashed incarnation
        this.stats.timersFired++;
        if (this.log.enabled) this.log.add(this.now, `T ${e.node} ${e.name}${e.key === undefined ? '' : ` ${e.key}`}`);
        this.process(slot, slot.node.fireTimer(e.name, e.key));
        return;
      }
      case 'fault': return this.fault(e.index, e.phase);
      case 'client': return this.clientStep(e.client);
      case 'settleCheck': return;
    }
  }

  private deliver(e: Extract<SimEvent, { k: 'deliver' }>): void {
    const slot = this.slots.get(e.to)!;
    if (slot.node === null) {
      this.stats.dropped.crashed++;
      this.log.add(this.now, `X ${e.from}>${e.to} ${e.type} crashed`);
      return;
    }
    if (!this.net.connected(e.from, e.to)) {
      this.stats.dropped.partition++;
      this.log.add(this.now, `X ${e.from}>${e.to} ${e.type} partition`);
      return;
    }
    this.stats.copiesDelivered++;
    if (this.log.enabled) this.log.add(this.now, `D ${e.from}>${e.to} ${e.type}`);
    this.process(slot, slot.node.receive(e.envelope));
  }

  /**
   * The replicated state a node's Replica holds now. Read from the hosted Replica role
   * (it also covers state received in a Welcome, which no apply call shows); nodes that do
   * not expose their roles fall back to the last state an apply call produced.
   */
  private replicaState(slot: NodeSlot): ChainedState<unknown> | undefined {
    if (slot.node === null) return undefined;
    const roles = (slot.node as { hostedRoles?: () => readonly { name: string; appState?: unknown }[] }).hostedRoles?.();
    if (roles === undefined) return slot.latest;
    const app = roles.find((r) => r.name === 'Replica')?.appState;
    return trackedStateOf(app);
  }

  // ---- faults ------------------------------------------------------------------------

  /** The virtual time now, in ms. */
  get time(): number {
    return this.now;
  }

  /**
   * Adds a fault while the run is going (from a callback such as onDecided: a benchmark kills
   * the leader every N commands). It must not start in the past, and not once settling began
   * (the settling phase promises a healed network).
   */
  addFault(f: Fault): void {
    if (!this.ran) throw new Error('addFault is for a running simulation; put the fault in the schedule instead');
    if (this.settling) throw new Error('addFault after the workload finished: the run is settling');
    if (!(f.at >= this.now)) throw new RangeError(`fault at ${f.at} ms is before the current time ${this.now} ms`);
    this.faults.push(f);
    this.scheduleFault(f, this.faults.length - 1);
  }

  private scheduleFault(f: Fault, index: number): void {
    this.queue.push(f.at, { k: 'fault', index, phase: 'start' });
    this.pendingFaultEvents++;
    const end = f.kind === 'partition' || f.kind === 'isolateLeader' ? f.heal : f.kind === 'lossBurst' ? f.until : f.restart;
    if (end !== null) {
      this.queue.push(end, { k: 'fault', index, phase: 'end' });
      this.pendingFaultEvents++;
    }
  }

  private fault(index: number, phase: 'start' | 'end'): void {
    const f = this.faults[index]!;
    this.pendingFaultEvents--;
    if (phase === 'start') this.stats.faults[f.kind]++;
    this.log.add(this.now, `F ${phase} ${index} ${f.kind}`);
    switch (f.kind) {
      case 'partition':
        if (phase === 'start') this.net.startPartition(f); else this.net.healPartition(f);
        break;
      case 'lossBurst':
        if (phase === 'start') this.net.startBurst(f); else this.net.endBurst(f);
        break;
      case 'crash':
        if (f.restart !== null) this.expectRestart(f.node, phase === 'start' ? 1 : -1);
        if (phase === 'start') this.crash(f.node); else this.restart(f.node);
        break;
      case 'killLeader': {
        if (phase === 'start') {
          const victim = this.leader();
          if (victim !== undefined && this.crash(victim)) {
            this.killed.set(index, victim);
            if (f.restart !== null) this.expectRestart(victim, 1);
          }
          this.log.add(this.now, `K ${victim ?? 'none'}`);
        } else {
          const victim = this.killed.get(index);
          if (victim !== undefined) {
            this.expectRestart(victim, -1);
            this.restart(victim);
          }
        }
        break;
      }
      case 'isolateLeader': {
        if (phase === 'start') {
          const victim = this.leader();
          if (victim !== undefined) {
            const p: PartitionFault = { kind: 'partition', at: f.at, heal: f.heal, groups: [[victim]] };
            this.isolations.set(index, p);
            this.net.startPartition(p);
          }
          this.log.add(this.now, `L ${victim ?? 'none'}`);
        } else {
          const p = this.isolations.get(index);
          if (p) this.net.healPartition(p);
        }
        break;
      }
    }
    this.maybeSettle();
  }

  private expectRestart(id: NodeId, delta: 1 | -1): void {
    this.restartsDue.set(id, (this.restartsDue.get(id) ?? 0) + delta);
  }

  /** Crashed, and no scheduled fault restarts it: it never comes back in this run. */
  private isDownForGood(id: NodeId): boolean {
    return this.slots.get(id)!.node === null && (this.restartsDue.get(id) ?? 0) === 0;
  }

  /** The active leader with the highest ballot, if any node believes it leads. */
  leader(): NodeId | undefined {
    let best: { id: NodeId; num: number; leader: number } | undefined;
    for (const slot of this.slots.values()) {
      if (slot.node === null) continue;
      const b = slot.node.activeBallot(); // O(1): specState() copies the node's whole state
      if (b === undefined) continue;
      if (!best || b.num > best.num || (b.num === best.num && b.leader > best.leader)) best = { id: slot.id, num: b.num, leader: b.leader };
    }
    return best?.id;
  }

  // ---- clients -----------------------------------------------------------------------

  private clientStep(index: number): void {
    const c = this.clients[index]!;
    if (c.done) return;
    const slot = this.slots.get(c.spec.node)!;
    if (c.pending === undefined) {
      if (c.next >= c.spec.inputs.length) {
        c.done = true;
        this.maybeSettle();
        return;
      }
      const input = c.spec.inputs[c.next]!;
      const clientId = (this.clientIds.get(c.spec.node) ?? 0) + 1;
      this.clientIds.set(c.spec.node, clientId);
      const rid = c.probe ? `probe:${c.spec.node}:${clientId}` : `${c.spec.node}:${clientId}`;
      const track = this.cfg.track ?? true;
      c.pending = { clientId, rid, input, text: track ? tagInput(rid, input) : input, invokedIn: 0, traced: false, invokedAt: this.now };
      if (this.cfg.keepHistory ?? true) this.inputs.set(rid, input);
    }
    const p = c.pending;
    if (slot.node === null) return; // the restart re-schedules this client
    if (p.invokedIn === slot.incarnation) return; // the node's Requester retransmits on its own
    this.stats.invokes++;
    if (!p.traced) {
      slot.node.traceClient({ kind: 'invoke', clientId: p.clientId, input: p.text, at: this.now });
      p.traced = true;
    }
    // Re-sent after a restart: for the spec this is a retransmission, not a new request.
    const out = p.invokedIn > 0 ? slot.node.invoke(p.clientId, p.text, { retry: true }) : slot.node.invoke(p.clientId, p.text);
    if (out.refused !== undefined && out.refused !== 'duplicate-client-id') {
      this.stats.refusals++;
      this.log.add(this.now, `I! ${c.spec.node} ${p.clientId} ${out.refused}`);
      this.queue.push(this.now + (this.cfg.clientRetryMs ?? DEFAULT_CLIENT_RETRY_MS), { k: 'client', client: index });
    } else {
      p.invokedIn = slot.incarnation;
      if (this.log.enabled) this.log.add(this.now, `I ${c.spec.node} ${p.clientId}`);
    }
    this.process(slot, out);
  }

  private onResult(slot: NodeSlot, clientId: number, output: unknown): void {
    let index = -1;
    for (let i = 0; i < this.clients.length; i++) {
      const c = this.clients[i]!;
      if (c.spec.node === slot.id && c.pending?.clientId === clientId) {
        index = i;
        break;
      }
    }
    if (index < 0) {
      this.log.add(this.now, `Q? ${slot.id} ${clientId}`);
      return;
    }
    const c = this.clients[index]!;
    const p = c.pending!;
    slot.node?.traceClient({ kind: 'return', clientId, output, at: this.now });
    const tracked = (this.cfg.track ?? true) && isTrackedOutput(output);
    if (this.cfg.keepHistory ?? true) {
      this.acks.push({
        rid: p.rid, node: slot.id, clientId, input: p.input, time: this.now,
        pos: tracked ? output.pos : -1, output: tracked ? output.out : output, invokedAt: p.invokedAt,
      });
    }
    if (this.log.enabled) this.log.add(this.now, `Q ${slot.id} ${clientId} ${JSON.stringify(output)}`);
    if (!c.probe) this.cfg.onDecided?.(++this.decided);
    c.pending = undefined;
    c.next++;
    this.queue.push(this.now + (c.spec.thinkMs ?? 0), { k: 'client', client: index });
  }

  // ---- settling ----------------------------------------------------------------------

  /**
   * Once the workload is done and no fault is pending, heal everything and probe every live node.
   * Clients of a node down for good never finish: they do not hold the others' settling back.
   */
  private maybeSettle(): void {
    if (this.settling || this.pendingFaultEvents > 0) return;
    if (this.clients.some((c) => !c.probe && !c.done && !this.isDownForGood(c.spec.node))) return;
    this.settling = true;
    this.settleDeadline = this.now + (this.cfg.settleMs ?? DEFAULT_SETTLE_MS);
    this.net.healAll();
    this.log.add(this.now, 'S');
    const probe = this.cfg.probeInput;
    if (probe === undefined) return;
    for (const slot of this.slots.values()) {
      if (slot.node === null) continue;
      this.clients.push({ spec: { node: slot.id, inputs: [probe] }, probe: true, next: 0, pending: undefined, done: false });
      this.queue.push(this.now, { k: 'client', client: this.clients.length - 1 });
    }
    // Keeps the loop turning (and the deadline observed) even if the nodes fall silent.
    for (let t = this.now + SETTLE_TICK_MS; t <= this.settleDeadline; t += SETTLE_TICK_MS) this.queue.push(t, { k: 'settleCheck' });
  }

  /** Every probe answered, and (tracked runs) every live replica executed as far as the others. */
  private probesDone(): boolean {
    if (!this.clients.every((c) => !c.probe || c.done || (c.pending === undefined && c.next >= c.spec.inputs.length))) return false;
    if (!(this.cfg.track ?? true)) return true;
    let len = -1;
    for (const slot of this.slots.values()) {
      if (slot.node === null) continue;
      const n = this.replicaState(slot)?.historyLength ?? -1;
      if (len >= 0 && n !== len) return false;
      len = n;
    }
    return true;
  }

  private result(stopReason: StopReason): SimResult {
    const finalStates = new Map<NodeId, TrackedState<unknown>>();
    const live: NodeId[] = [];
    const slotOut = new Map<NodeId, number>();
    const allStates = [...this.allStates];
    for (const slot of this.slots.values()) {
      if (slot.node === null) continue;
      live.push(slot.id);
      slotOut.set(slot.id, slot.node.slotOut());
      const state = this.replicaState(slot);
      if (state) {
        finalStates.set(slot.id, state);
        allStates.push({ node: slot.id, incarnation: slot.incarnation, state });
      }
    }
    const probes = this.clients.filter((c) => c.probe);
    return {
      seed: this.cfg.seed,
      stopReason,
      nodeError: this.nodeError,
      completed: this.clients.every((c) => c.probe || c.done || c.next >= c.spec.inputs.length),
      settled: this.settling && probes.length > 0 && this.probesDone(),
      timeMs: this.now,
      acks: this.acks,
      unanswered: this.clients.flatMap((c) => (c.pending === undefined ? [] : [{
        rid: c.pending.rid, node: c.spec.node, clientId: c.pending.clientId, input: c.pending.input, invokedAt: c.pending.invokedAt,
      }])),
      stats: this.stats,
      live,
      downForGood: this.peers.filter((id) => this.isDownForGood(id)),
      clients: this.clients.flatMap((c, client) => (c.probe ? [] : [{ client, node: c.spec.node, answered: c.next, inputs: c.spec.inputs.length }])),
      finalStates,
      allStates,
      inputs: this.inputs,
      log: this.log.lines,
      slotOut,
    };
  }
}

function describeEvent(e: SimEvent): string {
  switch (e.k) {
    case 'deliver': return `${e.type} ${e.from}>${e.to}`;
    case 'timer': return `timer ${e.name} on node ${e.node}`;
    case 'fault': return `fault ${e.index} (${e.phase})`;
    case 'client': return `client ${e.client}`;
    case 'settleCheck': return 'settle check';
  }
}

function isTrackedOutput(x: unknown): x is TrackedOutput {
  return typeof x === 'object' && x !== null && typeof (x as { pos?: unknown }).pos === 'number' && 'out' in x;
}
