/**
 * Boundary checks for everything a node receives from outside. Returns a reason instead of
 * throwing: the node drops, counts and logs invalid input, it never hands it to a role.
 */
import type { Envelope } from '../node/api.js';
import { messageSchemas } from './schemas.js';
import { MESSAGE_TYPES, NODE_LOCAL_MESSAGE_TYPES, type Message, type MessageType, type Promise, type Welcome } from './messages.js';
import { conflictingPValueSlot, isLongBatch, proposalKey, type Ballot, type Batch, type NodeId, type Proposal, type PValue } from './values.js';
import { copyJson } from '../util/jsonCopy.js';
import { DEFAULT_LIMITS, MAX_BALLOT_NUM, MAX_BATCH_INPUT, MAX_SLOT } from './limits.js';

/** The result of validating untrusted input: the typed value, or why it was refused. */
export type Checked<T> = { ok: true; value: T } | { ok: false; reason: string };

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function isInt(x: unknown): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x);
}

/** Validate one message against its JSON Schema and the cluster's node ids. */
export function checkMessage(raw: unknown, peers: readonly NodeId[]): Checked<Message> {
  if (!isRecord(raw)) return { ok: false, reason: `message: expected an object, got ${describe(raw)}` };
  const type = raw['type'];
  if (typeof type !== 'string' || !(MESSAGE_TYPES as readonly string[]).includes(type)) {
    return { ok: false, reason: `message/type: unknown message type ${JSON.stringify(type)?.slice(0, 40)}` };
  }
  const validate = messageSchemas().validator(type as MessageType);
  if (!validate(raw)) {
    const e = validate.errors?.[0];
    const where = e?.instancePath === '' || e === undefined ? '' : e.instancePath;
    const extra = e?.keyword === 'additionalProperties' ? ` (${(e.params as { additionalProperty: string }).additionalProperty})` : '';
    return { ok: false, reason: `${type} message${where}: ${e?.message ?? 'invalid'}${extra}` };
  }
  const m = raw as unknown as Message;
  const idProblem = checkIds(m, new Set(peers));
  if (idProblem !== undefined) return { ok: false, reason: `${type} message: ${idProblem}` };
  return { ok: true, value: m };
}

/** Validate an envelope addressed to `self`, then its message; returns a private deep copy. */
export function checkEnvelope(raw: unknown, self: NodeId, peers: readonly NodeId[]): Checked<Envelope> {
  if (!isRecord(raw)) return { ok: false, reason: `envelope: expected an object, got ${describe(raw)}` };
  for (const key of Object.keys(raw)) {
    if (key !== 'from' && key !== 'to' && key !== 'clock' && key !== 'message') return { ok: false, reason: `envelope: unexpected property ${JSON.stringify(key.slice(0, 40))}` };
  }
  const { from, to, clock, message } = raw;
  if (!isInt(from)) return { ok: false, reason: `envelope/from: expected an integer node id, got ${describe(from)}` };
  if (!isInt(to)) return { ok: false, reason: `envelope/to: expected an integer node id, got ${describe(to)}` };
  if (!isInt(clock) || clock < 0) return { ok: false, reason: `envelope/clock: expected a non-negative integer, got ${describe(clock)}` };
  if (to !== self) return { ok: false, reason: `envelope/to: addressed to node ${to}, this is node ${self}` };
  if (from === self || !peers.includes(from)) return { ok: false, reason: `envelope/from: ${from} is not another node of this cluster` };
  const checked = checkMessage(message, peers);
  if (!checked.ok) return checked;
  if (NODE_LOCAL_MESSAGE_TYPES.includes(checked.value.type)) {
    return { ok: false, reason: `${checked.value.type} message: node-local, it never comes from another node (from ${from})` };
  }
  const identity = identityProblem(checked.value, from, self);
  if (identity !== undefined) return { ok: false, reason: `${checked.value.type} message: ${identity}` };
  // The schema admits only JSON values, so copyJson's copy equals structuredClone's, faster.
  return { ok: true, value: { from, to, clock, message: copyJson(checked.value) } };
}

/**
 * A message that names its sender or its addressee must name the envelope's: a node answers
 * only for its own acceptor, replica and restart. Without this one peer could complete a
 * scout's or commander's quorum alone, with Promises or Accepteds signed as other acceptors.
 */
function identityProblem(m: Message, from: NodeId, self: NodeId): string | undefined {
  switch (m.type) {
    case 'Promise': case 'Accepted':
      return m.acceptor === from ? undefined : `acceptor ${m.acceptor} is not its sender, node ${from}: a node answers only for its own acceptor`;
    case 'Join': return m.node === from ? undefined : `node ${m.node} is not its sender, node ${from}: a node joins only for itself`;
    case 'Invoked': case 'CatchUp':
      return m.replica === from ? undefined : `replica ${m.replica} is not its sender, node ${from}: a node speaks only for its own replica`;
    case 'Welcome': return m.node === self ? undefined : `addressed to node ${m.node}'s replica, this is node ${self}`;
    default: return undefined;
  }
}

/**
 * The schemas' size bounds alone, in O(1): what a receiving node would refuse from a sender
 * that is correct but grew a message too large (a Promise over a long log). A host that skips
 * the schemas (the simulator, see src/node/inProcessHost.ts) still drops these, as a real
 * peer would, so a simulation does not decide what a real cluster could not.
 */
export function wireSizeProblem(m: Message): string | undefined {
  // No closure here: the simulator calls this for every message it delivers.
  switch (m.type) {
    case 'Promise': return over(m, 'accepted', m.accepted.length, DEFAULT_LIMITS.maxPValues);
    case 'Welcome':
      return first(over(m, 'decisions', m.decisions.length, DEFAULT_LIMITS.maxWelcomeDecisions),
        over(m, 'executed', m.executed.length, DEFAULT_LIMITS.maxWelcomeDecisions),
        over(m, 'state/outputs', m.state.outputs.length, DEFAULT_LIMITS.maxWelcomeDecisions));
    default: return undefined;
  }
}

function over(m: Message, what: string, n: number, max: number): string | undefined {
  return n > max ? `${m.type} message/${what}: must NOT have more than ${max} items` : undefined;
}

/**
 * Ids the schema cannot know: every node id must belong to this cluster (replies go there),
 * 0 only in the bottom ballot <<0, 0>> and the no-op, and requests come from real callers;
 * and numbers a node must be able to go past: ballots, slots and marks (limits.ts).
 */
function checkIds(m: Message, peers: ReadonlySet<NodeId>): string | undefined {
  const node = (id: NodeId, what: string) => nodeProblem(peers, id, what);
  const ballot = (b: Ballot, what: string, mayBeBottom: boolean) => ballotProblem(peers, b, what, mayBeBottom);
  const prop = (p: Proposal, what: string) => proposalProblem(peers, p, what);
  const batch = (b: Batch, what: string) => batchProblem(peers, b, what);
  switch (m.type) {
    case 'Prepare': return ballot(m.ballot, 'ballot', false);
    case 'Active': return first(ballot(m.ballot, 'ballot', false), slotProblem(m.slot, 'slot'));
    case 'Promise':
      return first(markProblem(m.mark), slotProblem(m.mark, 'mark'), promisePartProblem(m), node(m.acceptor, 'acceptor'), ballot(m.ballot, 'ballot', false), ballot(m.promised, 'promised', true),
        ...m.accepted.map((pv, i) => first(ballot(pv.ballot, `accepted/${i}/ballot`, false), batch(pv.prop, `accepted/${i}/prop`),
          slotProblem(pv.slot, `accepted/${i}/slot`), belowMark(pv.slot, m.mark, `accepted/${i}/slot`))),
        conflictProblem(m.accepted, 'accepted'));
    case 'Accept': return first(ballot(m.ballot, 'ballot', false), slotProblem(m.slot, 'slot'), batch(m.prop, 'prop'));
    case 'Accepted':
      return first(node(m.acceptor, 'acceptor'), ballot(m.ballot, 'ballot', false), ballot(m.promised, 'promised', true), slotProblem(m.slot, 'slot'));
    case 'Decision': case 'Propose': return first(slotProblem(m.slot, 'slot'), batch(m.prop, 'prop'));
    case 'Adopted':
      return first(markProblem(m.mark), slotProblem(m.mark, 'mark'), ballot(m.ballot, 'ballot', false),
        ...m.pvalues.map((pv, i) => first(ballot(pv.ballot, `pvalues/${i}/ballot`, false), slotProblem(pv.slot, `pvalues/${i}/slot`), batch(pv.prop, `pvalues/${i}/prop`))),
        conflictProblem(m.pvalues, 'pvalues'));
    case 'Preempted': return first(node(m.leader, 'leader'), ballot(m.ballot, 'ballot', false));
    case 'Invoke': return first(node(m.replica, 'replica'), prop(m.prop, 'prop'));
    case 'Invoked': return first(node(m.replica, 'replica'), prop(m.prop, 'prop'));
    case 'Join': return node(m.node, 'node');
    case 'Welcome':
      return first(node(m.node, 'node'), slotProblem(m.slot, 'slot'),
        ...m.decisions.map((d, i) => first(slotProblem(d.slot, `decisions/${i}/slot`), batch(d.prop, `decisions/${i}/prop`))),
        ...m.executed.map((p, i) => prop(p, `executed/${i}`)),
        duplicateSlot(m.decisions.map((d) => d.slot)),
        welcomePartProblem(m));
    case 'Accepting': return node(m.leader, 'leader');
    case 'CatchUp': return first(node(m.replica, 'replica'), slotProblem(m.slot, 'slot'));
  }
}

function nodeProblem(peers: ReadonlySet<NodeId>, id: NodeId, what: string): string | undefined {
  return peers.has(id) ? undefined : `${what} ${id} is not a node of this cluster`;
}

function ballotProblem(peers: ReadonlySet<NodeId>, b: Ballot, what: string, mayBeBottom: boolean): string | undefined {
  if (b.leader === 0) return b.num === 0 && mayBeBottom ? undefined : `${what} ${JSON.stringify(b)}: leader 0 only in the bottom ballot <<0, 0>>`;
  if (b.num > MAX_BALLOT_NUM) return `${what}.num ${b.num} is over ${MAX_BALLOT_NUM}, the most a node takes from a peer (its own ballots must stay safe integers)`;
  return nodeProblem(peers, b.leader, `${what}.leader`);
}

function proposalProblem(peers: ReadonlySet<NodeId>, p: Proposal, what: string): string | undefined {
  if (p.caller === 0) return p.clientId === 0 && p.input === 'noop' ? undefined : `${what}: caller 0 is only for the no-op`;
  return nodeProblem(peers, p.caller, `${what}.caller`);
}

/**
 * A long batch: two or more distinct requests from real callers (no no-op inside), whose inputs
 * total at most MAX_BATCH_INPUT: an acceptor logs the value it accepts as one record, and a
 * larger batch would not fit one (limits.ts).
 */
function batchProblem(peers: ReadonlySet<NodeId>, b: Batch, what: string): string | undefined {
  if (!isLongBatch(b)) return proposalProblem(peers, b, what);
  if (b.batch.length < 2) return `${what}/batch: a batch of ${b.batch.length} request(s); one request is written as itself`;
  const seen = new Set<string>();
  let input = 0;
  for (const [i, p] of b.batch.entries()) {
    if (p.caller === 0) return `${what}/batch/${i}: the no-op is never in a batch`;
    const problem = nodeProblem(peers, p.caller, `${what}/batch/${i}.caller`);
    if (problem !== undefined) return problem;
    const key = proposalKey(p);
    if (seen.has(key)) return `${what}/batch/${i}: request ${key} twice in one batch`;
    seen.add(key);
    input += p.input.length;
  }
  if (input > MAX_BATCH_INPUT) return `${what}/batch: its inputs total ${input} UTF-16 units, over the ${MAX_BATCH_INPUT} a batch may carry (an acceptor could not log it)`;
  return undefined;
}

/** The schema says it too; repeated here so the rule holds whatever the schema file says. Mark 1
 * is written by leaving the field out (one message, one text: see projection.ts). */
function markProblem(mark: unknown): string | undefined {
  if (mark === undefined) return undefined;
  return isInt(mark) && mark >= 2 ? undefined : `mark: expected an integer >= 2 (absent means 1), got ${describe(mark)}`;
}

/** A slot or mark a node can move past with safe integers (limits.ts MAX_SLOT). */
function slotProblem(slot: number | undefined, what: string): string | undefined {
  return slot !== undefined && slot > MAX_SLOT ? `${what} ${slot} is over ${MAX_SLOT}, the most a node takes from a peer (its own slots must stay safe integers)` : undefined;
}

/** An acceptor keeps (and reports) no pvalue below its mark: one there is a forged or corrupt Promise. */
function belowMark(slot: number, mark: number | undefined, what: string): string | undefined {
  return mark !== undefined && slot < mark ? `${what}: ${slot} is below the acceptor's mark ${mark}, where it keeps nothing` : undefined;
}

function first(...problems: (string | undefined)[]): string | undefined {
  return problems.find((p) => p !== undefined);
}

function conflictProblem(pvalues: readonly PValue[], what: string): string | undefined {
  const slot = conflictingPValueSlot(pvalues);
  return slot === undefined ? undefined : `${what}: two pvalues of one ballot for slot ${slot} with different batches (a ballot proposes one batch a slot)`;
}

/** The first slot named twice, as a problem; undefined if none is. */
export function duplicateSlot(slots: Iterable<number>): string | undefined {
  const seen = new Set<number>();
  for (const s of slots) {
    if (seen.has(s)) return `decisions: two decisions for slot ${s}`;
    seen.add(s);
  }
  return undefined;
}

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'an array';
  if (typeof x === 'string') return `the string ${JSON.stringify(x.slice(0, 40))}`;
  if (typeof x === 'object') return 'an object';
  return `${typeof x} ${String(x).slice(0, 40)}`;
}

/**
 * A Welcome sent whole pairs each executed request with its output; a part of one sent in
 * parts (src/protocol/welcomeParts.ts) carries a slice of the state's JSON text and no outputs.
 */
function welcomePartProblem(m: Welcome): string | undefined {
  const part = m.part ?? 1;
  const parts = m.parts ?? 1;
  if ((m.part === undefined) !== (m.parts === undefined)) return 'part and parts: both or neither';
  if (parts === 1) {
    if (m.part !== undefined) return 'parts: a Welcome in one part has no part fields';
    return m.state.outputs.length === m.executed.length ? undefined
      : `state/outputs: ${m.state.outputs.length} outputs for ${m.executed.length} executed requests`;
  }
  if (part > parts) return `part: ${part} of ${parts}`;
  if (typeof m.state.app !== 'string' || m.state.outputs.length !== 0) return `state: part ${part} of ${parts} carries a slice of the state's text and no outputs`;
  return undefined;
}

/** A Promise sent in parts (src/protocol/promiseParts.ts) names its part and count, both or neither, part <= parts. */
function promisePartProblem(m: Promise): string | undefined {
  if ((m.part === undefined) !== (m.parts === undefined)) return 'part and parts: both or neither';
  if (m.part !== undefined && m.parts !== undefined && m.part > m.parts) return `part: ${m.part} of ${m.parts}`;
  return undefined;
}
