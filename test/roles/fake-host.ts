/**
 * A fake node for role unit tests: records what a role asks for (sends, timers, actions,
 * durable writes, role changes) in one ordered journal, and dispatches nothing by itself.
 */
import { DEFAULT_LIMITS, DEFAULT_TIMING, type Limits, type Timing } from '../../src/protocol/limits.js';
import type { Message, MessageType } from '../../src/protocol/messages.js';
import { BOTTOM_BALLOT, type NodeId } from '../../src/protocol/values.js';
import type { DurableRecord, DurableState, DurableView, RoleName, StateMachine } from '../../src/node/api.js';
import { DurableFold, emptyDurableState } from '../../src/storage/fold.js';
import { DEFAULT_ROLES } from '../../src/node/default-roles.js';
import type { ActionParams, Role, RoleHost } from '../../src/node/role.js';
import type { RoleFactories } from '../../src/node/role-factories.js';
import type { ReplicaImage } from '../../src/roles/replicaImage.js';
// A message as the network carries it: its JSON (an app state that is a class is written by its toJSON).
import { copyJson } from '../../src/util/jsonCopy.js';

export type JournalEntry =
  /** `to` null: RoleHost.sendToNone (in the step's sends, delivered to no node). */
  | { kind: 'send'; to: NodeId | null; message: Message }
  | { kind: 'timer'; name: string; key: string | undefined; afterMs: number }
  | { kind: 'action'; role: RoleName; action: string; params: ActionParams | undefined }
  | { kind: 'append'; record: DurableRecord }
  | { kind: 'result'; clientId: number; output: unknown }
  | { kind: 'add'; role: RoleName }
  | { kind: 'remove'; role: RoleName }
  | { kind: 'rejoin' };

/** A counter: input is a number to add; output is the new total. */
export const counter: StateMachine<number> = {
  initial: () => 0,
  apply: (state, input) => {
    const next = state + Number(input);
    return [next, next];
  },
};

export interface FakeHostOptions {
  self?: NodeId;
  peers?: NodeId[];
  durable?: Partial<DurableState>;
  limits?: Partial<Limits>;
  timing?: Partial<Timing>;
  factories?: Partial<RoleFactories>;
  stateMachine?: StateMachine<any>;
  /** RoleHost.checkpointEvery (default 0: no checkpoints). */
  checkpointEvery?: number;
  /** What restoredSnapshot() answers (a restarted node's replica snapshot). */
  restored?: { slot: number; image: ReplicaImage };
  /** Tracing on (default) or off. */
  tracing?: boolean;
  /** Tracing into a sink that takes deltas: a checkpointing replica keeps no history (default false). */
  traceNamesHistory?: boolean;
}

export class FakeHost implements RoleHost {
  readonly self: NodeId;
  readonly peers: readonly NodeId[];
  readonly limits: Limits;
  readonly timing: Timing;
  readonly stateMachine: StateMachine<any>;
  readonly factories: RoleFactories;
  readonly tracing: boolean;
  readonly traceNamesHistory: boolean;
  readonly checkpointEvery: number;
  private readonly restored: { slot: number; image: ReplicaImage } | undefined;
  readonly journal: JournalEntry[] = [];
  readonly roles: Role[] = [];
  readonly logs: string[] = [];
  private readonly fold: DurableFold;

  constructor(options: FakeHostOptions = {}) {
    this.self = options.self ?? 1;
    this.peers = options.peers ?? [1, 2, 3];
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.timing = { ...DEFAULT_TIMING, ...options.timing };
    this.stateMachine = options.stateMachine ?? counter;
    this.factories = { ...DEFAULT_ROLES, ...options.factories };
    this.fold = new DurableFold({ ...emptyDurableState(this.self), ...options.durable });
    this.tracing = options.tracing ?? true;
    this.traceNamesHistory = this.tracing && options.traceNamesHistory === true;
    this.checkpointEvery = options.checkpointEvery ?? 0;
    this.restored = options.restored;
  }

  restoredSnapshot(): { slot: number; image: ReplicaImage } | undefined {
    return this.restored;
  }

  // ---- RoleHost ----
  send(to: NodeId | readonly NodeId[], message: Message): void {
    for (const t of typeof to === 'number' ? [to] : to) this.journal.push({ kind: 'send', to: t, message: copyJson(message) });
  }
  sendToNone(message: Message): void {
    this.journal.push({ kind: 'send', to: null, message: copyJson(message) });
  }
  setTimer(name: string, key: string | undefined, afterMs: number): void {
    this.journal.push({ kind: 'timer', name, key, afterMs });
  }
  action(role: RoleName, action: string, params?: ActionParams): void {
    this.journal.push({ kind: 'action', role, action, params });
  }
  result(clientId: number, output: unknown): void {
    this.journal.push({ kind: 'result', clientId, output });
  }
  durable(): DurableView {
    return this.fold;
  }
  appendDurable(record: DurableRecord): void {
    const copy = structuredClone(record);
    this.fold.apply(copy);
    this.journal.push({ kind: 'append', record: copy });
  }
  addRole(role: Role): void {
    this.roles.push(role);
    this.journal.push({ kind: 'add', role: role.name });
    role.start();
  }
  removeRole(role: Role): void {
    const i = this.roles.indexOf(role);
    if (i >= 0) this.roles.splice(i, 1);
    this.journal.push({ kind: 'remove', role: role.name });
  }
  findRole<R extends Role>(name: RoleName): R | undefined {
    return this.roles.find((r) => r.name === name) as R | undefined;
  }
  rejoin(): void {
    this.journal.push({ kind: 'rejoin' });
  }
  redeliver(from: NodeId, message: Message): void {
    for (const r of [...this.roles]) if ((r.handles as readonly MessageType[]).includes(message.type)) r.receive(from, message);
  }
  log(line: string): void {
    this.logs.push(line);
  }

  // ---- inspection ----
  /** Forget what happened so far (the "arrange" part of a test). */
  clear(): void {
    this.journal.length = 0;
  }
  sends(type?: MessageType): { to: NodeId | null; message: Message }[] {
    return this.journal.flatMap((e) => (e.kind === 'send' && (type === undefined || e.message.type === type) ? [{ to: e.to, message: e.message }] : []));
  }
  actions(): string[] {
    return this.journal.flatMap((e) => (e.kind === 'action' ? [e.action] : []));
  }
  timers(): { name: string; key: string | undefined }[] {
    return this.journal.flatMap((e) => (e.kind === 'timer' ? [{ name: e.name, key: e.key }] : []));
  }
  kinds(): string[] {
    return this.journal.map((e) => e.kind);
  }
  records(): DurableRecord[] {
    return this.journal.flatMap((e) => (e.kind === 'append' ? [e.record] : []));
  }
  /** The durable state the appended records folded to (aAccepted sorted by slot). */
  durableState(): DurableState {
    return this.fold.state();
  }
  rolesNamed(name: RoleName): Role[] {
    return this.roles.filter((r) => r.name === name);
  }
}

export const ballot = (num: number, leader: NodeId) => ({ num, leader });
export const prop = (caller: NodeId, clientId: number, input = String(clientId)) => ({ caller, clientId, input });

/** The spec variables a role writes (the rest keep their initial values). */
export function specOf(role: Role): import('../../src/node/api.js').NodeSpecState {
  const state: import('../../src/node/api.js').NodeSpecState = {
    aBallot: BOTTOM_BALLOT, aAccepted: [], lBallot: BOTTOM_BALLOT, lActive: false, lProposals: [], scout: null,
    commanders: [], rSlotIn: 1, rSlotOut: 1, rRequests: [], rProposals: [], rDecisions: [], rExecuted: [], invoked: [],
    aMark: 1, lMark: 1, rSnap: { slot: 1, executed: [] },
  };
  role.snapshot(state);
  return state;
}
