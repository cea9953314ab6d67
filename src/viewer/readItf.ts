/**
 * A check-spec counterexample (ITF JSON, written by src/modelcheck/values/itf.ts) as a run to draw:
 * a first row with every node's Init state, then one row per state, the event being the step
 * that led to it, on the lane of the node that took it.
 *
 * A state only says what the spec's variables are, and its `#meta.action` names the action;
 * which node took the step and which message it received are found by asking the spec's
 * TypeScript encoding (src/trace/spec/fastSpec.ts, proved equal to the .tla) for the step of
 * that action from the state before that leads to the state after. A counterexample of a
 * Mutant spec may take a step the correct spec has no equal of: then the acting node is the
 * one whose variables changed, and the message the only one of the action's type it could
 * have received (when there is exactly one). Messages sent are what the step added to `msgs`.
 * An ITF file of another module is drawn on one lane, each state's variables in TLA+ syntax.
 */
import { basename } from 'node:path';
import { formatItf, type ItfValue } from '../modelcheck/values/itf.js';
import { stateToEmbeddedJson } from '../modelcheck/embedded/stateGraph.js';
import { messageKey, propKey } from '../trace/format/keys.js';
import type { Proposal, SpecMessage } from '../trace/format/types.js';
import { fromTla } from '../trace/replay/tlaCodec.js';
import { ACTIONS, MESSAGE_ACTIONS, type ActionName, type Param, type Step, applyStep, isAction, stepsFor } from '../trace/spec/fastSpec.js';
import { ROLE_OF } from '../trace/spec/specWalk.js';
import { type SpecConfig, type SpecState, nodeFields, nodeToJson } from '../trace/spec/specState.js';
import { stateKey } from '../trace/replay/tlaCodec.js';
import type { ViewEvent, ViewRun } from './types.js';
import { ViewerInputError } from './types.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

interface ItfState { meta: Obj; vars: Record<string, ItfValue> }

/** ITF allows plain JSON numbers where check-spec writes {"#bigint"}; the decoder wants the latter. */
function normalized(v: unknown): ItfValue {
  if (typeof v === 'number') return { '#bigint': String(v) };
  if (Array.isArray(v)) return { '#tup': v.map(normalized) };
  if (!isObj(v)) return typeof v === 'boolean' || typeof v === 'string' ? v : String(v);
  // Booleans written as model values (check-spec's embedded engine does, as of this writing).
  if (typeof v['#unserializable'] === 'string' && /^(true|false)$/i.test(v['#unserializable'])) return v['#unserializable'].toLowerCase() === 'true';
  const out: Obj = {};
  for (const [k, x] of Object.entries(v)) {
    if ((k === '#set' || k === '#tup') && Array.isArray(x)) out[k] = x.map(normalized);
    else if (k === '#map' && Array.isArray(x)) out[k] = x.map((p) => (Array.isArray(p) ? p.map(normalized) : normalized(p)));
    else out[k] = normalized(x);
  }
  return out as ItfValue;
}

/** The states of an ITF document, checked for the shape ITF promises. */
export function itfStates(doc: unknown, file: string): { meta: Obj; states: ItfState[]; loop?: number } {
  if (!isObj(doc) || !Array.isArray(doc.states)) throw new ViewerInputError(`${file}: not an ITF counterexample (no "states" array)`);
  if (doc.states.length === 0) throw new ViewerInputError(`${file}: the counterexample has no states`);
  const states = doc.states.map((s, i): ItfState => {
    if (!isObj(s)) throw new ViewerInputError(`${file}: state ${i} is not an object`);
    const { '#meta': meta, ...vars } = s;
    return { meta: isObj(meta) ? meta : {}, vars: Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, normalized(v)])) };
  });
  const meta = isObj(doc['#meta']) ? doc['#meta'] : {};
  return { meta, states, ...(typeof doc.loop === 'number' ? { loop: doc.loop } : {}) };
}

/** Steps are matched against the correct spec without the model's bounds: bounds only disable steps. */
const unbounded = (N: number): SpecConfig => ({ N, Window: Number.MAX_SAFE_INTEGER, bounds: {} });

/** The parameters an action could have taken at `s` on node n (the candidates to try). */
function candidateParams(action: ActionName, s: SpecState, t: SpecState, n: number): Param[] {
  if (action in MESSAGE_ACTIONS) {
    const type = MESSAGE_ACTIONS[action as keyof typeof MESSAGE_ACTIONS];
    return [...s.msgs.values()].filter((m) => m.type === type).map((message) => ({ message }));
  }
  if (action === 'RequesterInvoke') return [...t.invoked.values()].filter((p) => !s.invoked.has(propKey(p))).map((proposal) => ({ proposal }));
  if (action === 'ReplicaPropose') return [...s.nodes[n]!.rRequests.values()].map((proposal) => ({ proposal }));
  return [{}];
}

/** The step of the correct spec from s to t, trying the named action (or every action). */
export function findStep(s: SpecState, t: SpecState, N: number, action: string | undefined): Step | null {
  const cfg = unbounded(N);
  const target = stateKey(t, N);
  const actions = action !== undefined && isAction(action) ? [action] : action === undefined ? ACTIONS : [];
  for (const a of actions) {
    for (let n = 1; n <= N; n++) {
      for (const param of candidateParams(a, s, t, n)) {
        for (const step of stepsFor(cfg, s, a, n, param)) if (stateKey(applyStep(s, step), N) === target) return step;
      }
    }
  }
  return null;
}

/** The addressee a message names, for the types whose receiver the spec binds to it. */
function addressee(m: SpecMessage): number | null {
  switch (m.type) {
    case 'Promise': case 'Accepted': case 'Adopted': return m.ballot.leader;
    case 'Preempted': return m.leader;
    case 'Invoke': return m.replica;
    case 'Welcome': return m.node;
    default: return null;
  }
}

/** Without a matching step: the node whose variables changed, and the one message it could have taken. */
function guessStep(s: SpecState, t: SpecState, N: number, action: string | undefined): { n: number | null; message?: SpecMessage; proposal?: Proposal } {
  let n: number | null = null;
  for (let k = 1; k <= N && n === null; k++) {
    const a = nodeFields(s, k); const b = nodeFields(t, k);
    if ((Object.keys(a) as (keyof typeof a)[]).some((f) => a[f] !== b[f])) n = k;
  }
  const invokedNow = [...t.invoked.values()].filter((p) => !s.invoked.has(propKey(p)));
  if (n === null && invokedNow.length === 1) n = invokedNow[0]!.caller;
  if (action !== undefined && action in MESSAGE_ACTIONS && n !== null) {
    const type = MESSAGE_ACTIONS[action as keyof typeof MESSAGE_ACTIONS];
    const fits = [...s.msgs.values()].filter((m) => m.type === type && (addressee(m) === null || addressee(m) === n));
    if (fits.length === 1) return { n, message: fits[0]! };
  }
  if (action === 'RequesterInvoke' && invokedNow.length === 1) return { n, proposal: invokedNow[0]! };
  return { n };
}

function decodeAll(states: ItfState[]): SpecState[] | null {
  try {
    return states.map((s) => fromTla(stateToEmbeddedJson(s.vars)).state);
  } catch {
    return null; // not a MultiPaxos state: drawn generically
  }
}

function violationTitle(meta: Obj, last: number): string {
  const what = typeof meta.violated === 'string' ? `${meta.violated} is violated` : typeof meta.description === 'string' ? meta.description : 'the last state';
  return `${what} in state ${last} (the last one)`;
}

export function readItf(doc: unknown, file: string): ViewRun {
  const { meta, states, loop } = itfStates(doc, file);
  const decoded = decodeAll(states);
  const run = decoded === null ? genericRun(states, file) : multiPaxosRun(states, decoded, file);
  const last = states.length - 1;
  const lastEvent = run.events.length - 1;
  const lines: string[] = [];
  if (typeof meta.description === 'string') lines.push(meta.description);
  if (typeof meta.source === 'string') lines.push(`model: ${meta.source}`);
  if (loop !== undefined) lines.push(`the behaviour loops back from state ${last} to state ${loop} (a liveness counterexample)`);
  run.highlight = { event: lastEvent >= 0 ? lastEvent : null, title: violationTitle(meta, last), lines };
  if (typeof meta.description === 'string') run.subtitle = meta.description;
  return run;
}

function multiPaxosRun(states: ItfState[], decoded: SpecState[], file: string): ViewRun {
  const N = decoded[0]!.nodes.length - 1;
  const nodes = Array.from({ length: N }, (_, i) => i + 1);
  const events: ViewEvent[] = [];
  const seq = new Array<number>(N + 1).fill(0);
  // Which node first sent each message (the step that added it to msgs).
  const senderOf = new Map<string, number>();
  const initialStates: Record<number, unknown> = {};
  for (const n of nodes) {
    const state = nodeToJson(decoded[0]!, n);
    initialStates[n] = state;
    events.push({ node: n, clock: 0, seq: 0, action: 'Init', row: 0, raw: { node: n, action: 'Init', params: {}, sent: [], state } });
  }
  for (let i = 1; i < states.length; i++) {
    const s = decoded[i - 1]!; const t = decoded[i]!;
    const action = typeof states[i]!.meta.action === 'string' ? states[i]!.meta.action as string : undefined;
    const step = findStep(s, t, N, action);
    const guess = step === null ? guessStep(s, t, N, action) : null;
    const n = step !== null ? step.n : guess!.n;
    const name = action ?? step?.action ?? '(unnamed step)';
    const sent = [...t.msgs.entries()].filter(([k]) => !s.msgs.has(k)).map(([, m]) => m);
    const message = step !== null && step.param && 'message' in step.param ? step.param.message : guess?.message;
    const proposal = step !== null && step.param && 'proposal' in step.param ? step.param.proposal : guess?.proposal;
    const from = message !== undefined ? senderOf.get(messageKey(message)) : undefined;
    const params: Obj = {
      ...(from !== undefined ? { from } : {}), ...(message !== undefined ? { message } : {}), ...(proposal !== undefined ? { proposal } : {}),
    };
    if (n !== null) seq[n] = seq[n]! + 1;
    const raw: Obj = {
      ...(n !== null ? { node: n, seq: seq[n], clock: i } : {}), role: ROLE_OF[name] ?? 'Node', action: name, params, sent,
      ...(n !== null ? { state: nodeToJson(t, n) } : {}),
      spec: { step: i, messages: t.msgs.size, invoked: [...t.invoked.values()], restarts: t.restarts },
      ...(step === null ? { note: 'the correct spec (src/trace/spec/fastSpec.ts) has no step of this action to this state (a Mutant model?): node and message are inferred from what changed' } : {}),
    };
    for (const m of sent) if (n !== null && !senderOf.has(messageKey(m))) senderOf.set(messageKey(m), n);
    events.push({ node: n, clock: i, seq: n !== null ? seq[n]! : null, action: name, raw, row: i });
  }
  return { kind: 'counterexample', title: basename(file), files: [file], nodes, events, initialStates, notes: [] };
}

function genericRun(states: ItfState[], file: string): ViewRun {
  const text = (vars: Record<string, ItfValue>): Obj => Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, formatItf(v)]));
  const events: ViewEvent[] = states.map((s, i) => {
    const action = i === 0 ? 'Init' : typeof s.meta.action === 'string' ? s.meta.action : '(unnamed step)';
    return { node: null, clock: i, seq: i, action, row: i, raw: { action, state: text(s.vars) } };
  });
  return {
    kind: 'counterexample', title: basename(file), files: [file], nodes: [], events, initialStates: {},
    notes: ['not a MultiPaxos counterexample: each state is drawn on one lane, its variables in TLA+ syntax'],
  };
}
