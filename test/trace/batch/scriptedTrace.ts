/**
 * Traces written step by step from the spec's TypeScript encoding, each step named by the test
 * (action, node, message or batch), with the application run alongside: every ReplicaExecute
 * carries its outputs and digest, and the client's ClientInvoke / ClientReturn events are
 * there, as the implementation writes them. Valid by construction (each step is one the fast
 * spec allows), so a test edits one event to make the trace wrong in one known way.
 */
import type { ClientEvent, Proposal, SpecConstants, SpecMessage, FullTraceEvent, TraceHeader } from '../../../src/trace/format/types.js';
import { TRACE_FORMAT } from '../../../src/trace/format/types.js';
import { type ActionName, applyStep, stepsFor } from '../../../src/trace/spec/fastSpec.js';
import { ROLE_OF } from '../../../src/trace/spec/specWalk.js';
import { type SpecConfig, type SpecState, configFromConstants, initialState, nodeToJson } from '../../../src/trace/spec/specState.js';
import { sortedSet } from '../../../src/trace/format/canonical.js';
import { appStateMachine } from '../../../src/trace/replay/apps.js';
import { stateDigest } from '../../../src/statemachines/digest.js';
import type { StateMachine } from '../../../src/node/api.js';

/** A long batch as a trace writes it: `{batch: [...]}` in a Proposal-typed field. */
export const batch = (...q: Proposal[]): Proposal => ({ batch: q } as unknown as Proposal);

export class ScriptedTrace {
  readonly events: FullTraceEvent[] = [];
  private s: SpecState;
  private readonly cfg: SpecConfig;
  private readonly seq: number[];
  private clock = 0;
  /** What each node's Requester invoked in its current incarnation (the trace's `invoked`). */
  private readonly invoked = new Map<number, Proposal[]>();
  private readonly sm: StateMachine<unknown> = appStateMachine({ name: 'kv' });
  /** Per node: the application state along its replica's history, and that history's outputs by request. */
  private readonly app = new Map<number, unknown>();
  private readonly outputs = new Map<string, unknown>();

  constructor(readonly constants: SpecConstants) {
    this.cfg = configFromConstants(constants);
    this.s = initialState(this.cfg);
    this.seq = new Array<number>(constants.N + 1).fill(0);
  }

  /** The spec state after the last step, and the config its steps are taken with (for stepsFor tests). */
  get specState(): SpecState { return this.s; }
  get specConfig(): SpecConfig { return this.cfg; }

  get header(): TraceHeader {
    return {
      kind: 'header', format: TRACE_FORMAT, spec: { module: 'MultiPaxos', constants: this.constants },
      cluster: { nodes: Array.from({ length: this.constants.N }, (_, i) => i + 1) },
      runId: 'scripted-batch', generator: 'test/trace/batch/scriptedTrace.ts', app: { name: 'kv' },
    };
  }

  /** The application invokes a request on `node` (ClientInvoke), and its Requester sends it (RequesterInvoke). */
  invoke(node: number, clientId: number, input: string): Proposal {
    this.clientEvent(node, 'ClientInvoke', { kind: 'invoke', clientId, input, at: this.clock + 1 });
    const r: Proposal = { caller: node, clientId, input };
    this.take('RequesterInvoke', node, { proposal: r });
    return r;
  }

  /** The application is told the output of its request (ClientReturn). */
  clientReturn(r: Proposal): void {
    const key = JSON.stringify(r);
    if (!this.outputs.has(key)) throw new Error(`script: ${key} was not executed`);
    this.clientEvent(r.caller, 'ClientReturn', { kind: 'return', clientId: r.clientId, at: this.clock + 1, output: this.outputs.get(key) });
  }

  /** Node `node` receives the one message of `type` in msgs that `match` picks. */
  receive(action: ActionName, node: number, type: SpecMessage['type'], match: (m: SpecMessage) => boolean = () => true): void {
    const found = [...this.s.msgs.values()].filter((m) => m.type === type && match(m));
    if (found.length !== 1) throw new Error(`script: ${found.length} ${type} messages match for ${action} on node ${node}`);
    this.take(action, node, { message: found[0]! });
  }

  propose(node: number, b: Proposal): void { this.take('ReplicaPropose', node, { proposal: b }); }

  /** A step without a parameter (LeaderSpawnScout, ReplicaSkipSlot, NodeRestart, ReplicaExecute...). */
  act(action: ActionName, node: number): void { this.take(action, node, {}); }

  /** Phase 1 for `leader`, its Prepare answered by `acceptors`: it is active after this. */
  elect(leader: number, acceptors: readonly number[]): void {
    this.act('LeaderSpawnScout', leader);
    for (const a of acceptors) this.receive('AcceptorReceivePrepare', a, 'Prepare', (m) => m.type === 'Prepare' && m.ballot.leader === leader);
    for (const a of acceptors) this.receive('ScoutReceivePromise', leader, 'Promise', (m) => m.type === 'Promise' && m.acceptor === a && m.ballot.leader === leader);
    this.receive('LeaderReceiveAdopted', leader, 'Adopted', (m) => m.type === 'Adopted' && m.ballot.leader === leader);
  }

  /** Phase 2 of `slot` at `leader`, accepted by `acceptors`: the Decision is sent. */
  decide(leader: number, slot: number, acceptors: readonly number[]): void {
    this.receive('LeaderReceivePropose', leader, 'Propose', (m) => m.type === 'Propose' && m.slot === slot);
    for (const a of acceptors) this.receive('AcceptorReceiveAccept', a, 'Accept', (m) => m.type === 'Accept' && m.slot === slot);
    for (const a of acceptors) this.receive('CommanderReceiveAccepted', leader, 'Accepted', (m) => m.type === 'Accepted' && m.slot === slot && m.acceptor === a);
  }

  learn(node: number, slot: number): void {
    this.receive('ReplicaReceiveDecision', node, 'Decision', (m) => m.type === 'Decision' && m.slot === slot);
  }

  private take(action: ActionName, n: number, param: { message: SpecMessage } | { proposal: Proposal } | Record<string, never>): void {
    const steps = stepsFor(this.cfg, this.s, action, n, param);
    if (steps.length !== 1) throw new Error(`script: ${action} on node ${n} has ${steps.length} successors`);
    const step = steps[0]!;
    const params: FullTraceEvent['params'] = 'message' in param ? { message: param.message } : 'proposal' in param ? { proposal: param.proposal } : {};
    if (action === 'ReplicaExecute') Object.assign(params, this.execute(n, step.sent));
    // A Welcome's sender names its application state; its installer takes the state of the history installed.
    if (action === 'ReplicaReceiveJoin') params.digest = stateDigest(this.app.get(n) ?? this.sm.initial());
    if (action === 'ReplicaReceiveWelcome') {
      let state = this.sm.initial();
      for (const r of step.node.rExecuted) state = this.sm.apply(state, r.input)[0];
      this.app.set(n, state);
      params.digest = stateDigest(state);
    }
    if (action === 'NodeRestart') { this.invoked.set(n, []); this.app.delete(n); }
    if (step.invoke) this.invoked.set(n, [...(this.invoked.get(n) ?? []), step.invoke]);
    const slot = this.s.nodes[n]!.rSlotOut;
    if (action === 'ReplicaExecute') params.proposal = [...this.s.nodes[n]!.rDecisions.values()].find((d) => d.slot === slot)!.prop;
    this.s = applyStep(this.s, step);
    this.push(n, ROLE_OF[action]!, action, params, sortedSet(step.sent));
  }

  /** Runs the requests the step answers on node n's application: their outputs and the digest after. */
  private execute(n: number, sent: readonly SpecMessage[]): FullTraceEvent['params'] {
    const ran = sent.filter((m): m is Extract<SpecMessage, { type: 'Invoked' }> => m.type === 'Invoked').sort((a, b) => a.index - b.index);
    if (ran.length === 0) return {};
    let state = this.app.get(n) ?? this.sm.initial();
    const outs: unknown[] = [];
    for (const m of ran) {
      const [next, output] = this.sm.apply(state, m.prop.input);
      state = next;
      outs.push(output);
      this.outputs.set(JSON.stringify(m.prop), output);
    }
    this.app.set(n, state);
    const digest = stateDigest(state);
    const decided = this.s.nodes[n]!.rSlotOut;
    const long = [...this.s.nodes[n]!.rDecisions.values()].some((d) => d.slot === decided && (d.prop as { batch?: unknown }).batch !== undefined);
    return long ? { outputs: outs, digest } : { output: outs[0], digest };
  }

  private clientEvent(node: number, action: 'ClientInvoke' | 'ClientReturn', client: ClientEvent): void {
    this.push(node, 'Client', action, { client }, []);
  }

  private push(n: number, role: string, action: string, params: FullTraceEvent['params'], sent: SpecMessage[]): void {
    this.seq[n] = this.seq[n]! + 1;
    this.clock++;
    this.events.push({ node: n, seq: this.seq[n]!, clock: this.clock, role, action, params, sent, state: nodeToJson(this.s, n, this.invoked.get(n) ?? []) });
  }
}
