/**
 * Hand-written canonical texts for the spec's value shapes: the same strings canonical()
 * produces (keys in code-point order), without its generic sort, because the fast replay
 * computes them for every value it touches (test/trace/oracles.test.ts checks the equality). One
 * exception: a Welcome part's long history is keyed by its digest (welcomeHistoryKey).
 */
import type { Ballot, CommanderState, Proposal, PValue, SlotProp, SpecMessage } from './types.js';
import { createHash } from 'node:crypto';
import { canonical } from './canonical.js';
import { SlotKeys, nodeMask } from './slotKeys.js';

export const ballotKey = (b: Ballot): string => `{"leader":${b.leader},"num":${b.num}}`;

/**
 * Proposal keys by (caller, clientId): a request's proposal recurs in most events of its
 * lifetime, and comparing its input with the cached one (equal strings: a memcmp) is cheaper
 * than hashing the input and building the text again. Bounded: cleared when full.
 */
interface CachedKey { input: string; key: string }
const PROP_KEYS = new Map<number, Map<number, CachedKey>>();
let propKeysCached = 0;
const PROP_KEYS_MAX = 1 << 15;

export function propKey(p: Proposal): string {
  // A batch of two or more requests ({ batch: [...] }, spec/MultiPaxos.tla "Batches"); its
  // requests in their order. A batch of one is its request, as before batching.
  // (Tested through `caller`, which every request has: the common case reads a present field.)
  if (p.caller === undefined) return `{"batch":[${(p as unknown as { batch: readonly Proposal[] }).batch.map(propKey).join(',')}]}`;
  let byId = PROP_KEYS.get(p.caller);
  const hit = byId?.get(p.clientId);
  if (hit !== undefined && hit.input === p.input) return hit.key;
  const key = `{"caller":${p.caller},"clientId":${p.clientId},"input":${JSON.stringify(p.input)}}`;
  if (propKeysCached >= PROP_KEYS_MAX) { PROP_KEYS.clear(); propKeysCached = 0; byId = undefined; }
  if (byId === undefined) { byId = new Map(); PROP_KEYS.set(p.caller, byId); }
  if (!byId.has(p.clientId)) propKeysCached++;
  byId.set(p.clientId, { input: p.input, key });
  return key;
}

/** How many proposal keys propKey's cache holds now (for tests of its bound). */
export function propKeysHeld(): number {
  let n = 0;
  for (const byId of PROP_KEYS.values()) n += byId.size;
  return n;
}

/**
 * Whether a and b are the same request: equal in every field propKey writes, so equal keys,
 * without building them. (Requests only: a long batch has no caller, see sameProp/batchEq.)
 * The one definition the fast spec, the history's sharing and the message comparison use.
 */
export const sameRequest = (a: Proposal, b: Proposal): boolean =>
  a.caller === b.caller && a.clientId === b.clientId && a.input === b.input;
// Keys of slot-numbered values, reused while the value recurs (slotKeys.ts).
const PVALUE_KEYS = new SlotKeys();
const SLOT_PROP_KEYS = new SlotKeys();
const COMMANDER_KEYS = new SlotKeys();
const ACCEPT_KEYS = new SlotKeys();
const ACCEPTED_KEYS = new SlotKeys();
const DECISION_KEYS = new SlotKeys();
const PROPOSE_KEYS = new SlotKeys();

export function pvalueKey(v: PValue): string {
  const p = propKey(v.prop); const b = v.ballot;
  return PVALUE_KEYS.find(v.slot, p, b.num, b.leader, 0, 0) ?? PVALUE_KEYS.add(v.slot, p, b.num, b.leader, 0, 0, `{"ballot":${ballotKey(b)},"prop":${p},"slot":${v.slot}}`);
}
export function slotPropKey(d: SlotProp): string {
  const p = propKey(d.prop);
  return SLOT_PROP_KEYS.find(d.slot, p, 0, 0, 0, 0) ?? SLOT_PROP_KEYS.add(d.slot, p, 0, 0, 0, 0, `{"prop":${p},"slot":${d.slot}}`);
}
export const numSetKey = (xs: Iterable<number>): string => `[${[...new Set(xs)].map(String).sort().join(',')}]`;
export const commanderKey = (c: CommanderState): string => commanderKeyOf(c.ballot, c.slot, c.prop, c.acks);
/** A commander's key (its acks: any iterable of node numbers, written distinct and sorted as strings). */
export function commanderKeyOf(ballot: Ballot, slot: number, prop: Proposal, acks: Iterable<number>): string {
  const p = propKey(prop);
  const mask = nodeMask(acks);
  if (mask < 0) return commanderText(ballot, slot, p, numSetKey(acks));
  return COMMANDER_KEYS.find(slot, p, ballot.num, ballot.leader, mask, 0) ?? COMMANDER_KEYS.add(slot, p, ballot.num, ballot.leader, mask, 0, commanderText(ballot, slot, p, maskSetKey(mask)));
}
const commanderText = (ballot: Ballot, slot: number, p: string, acks: string): string =>
  `{"acks":${acks},"ballot":${ballotKey(ballot)},"prop":${p},"slot":${slot}}`;

/** The numbers 0..30 in numSetKey's order (as strings, sorted). */
const MASK_ORDER: readonly number[] = Array.from({ length: 31 }, (_, i) => i).sort((a, b) => (String(a) < String(b) ? -1 : 1));
/**
 * numSetKey of the set whose nodeMask is `mask` (>= 0): its bits in numSetKey's order, with no
 * Set, array and sort per key (a commander's key is written anew at every ack it counts).
 */
export function maskSetKey(mask: number): string {
  let out = '';
  for (let i = 0; i < MASK_ORDER.length; i++) {
    const n = MASK_ORDER[i]!;
    if ((mask & (1 << n)) !== 0) out += out === '' ? String(n) : ',' + n;
  }
  return '[' + out + ']';
}

/** A sequence's text; `ps` an array, or the spec's executed history (ExecSeq). */
export const seqKey = (ps: { map<T>(f: (p: Proposal) => T): T[] }): string => '[' + ps.map(propKey).join(',') + ']';

/** A set of decisions in a key (a Welcome's): sorted, each once. */
export const decisionsKey = (ds: readonly SlotProp[]): string => setKeyOf(ds, slotPropKey);

function setKeyOf<T>(xs: readonly T[], key: (x: T) => string): string {
  if (xs.length === 0) return '[]';
  const ks = xs.map(key).sort();
  let out = '[' + ks[0]!;
  for (let i = 1; i < ks.length; i++) if (ks[i] !== ks[i - 1]) out += ',' + ks[i]!;
  return out + ']';
}

/**
 * The `mark` of a Promise or Adopted is part of its identity (two Promises differing only in
 * their mark are two messages of the spec), except that mark 1, "nothing compacted", is the
 * default and is left out: a message without a mark (every trace from before checkpoints)
 * and the same message with mark 1 are one message, and its key is its canonical JSON text.
 */
const markKey = (m: { mark?: number }): string => (m.mark === undefined || m.mark === 1 ? '' : `"mark":${m.mark},`);
/**
 * A Welcome part's history in its key: its canonical text while short, else the SHA-256 of
 * that text, as a JSON string (which no array text equals, so the two forms never meet).
 * msgs keeps every Welcome part, and a part of a long run carries up to 59 KB of history: as
 * text, the keys held 200 MB of the checker's 970 MB at the end of a 100,000-command trace.
 * Equal histories give equal keys; two histories share one only if SHA-256 collides.
 */
export const WELCOME_HISTORY_TEXT_MAX = 1024;
export function welcomeHistoryKey(executed: { map<T>(f: (p: Proposal) => T): T[]; readonly historyKey?: string }): string {
  // A range of a history the replay holds (HistoryRange) is keyed by where it stands in it.
  if (executed.historyKey !== undefined) return executed.historyKey;
  if (!Array.isArray(executed)) return historyKeyOf(executed);
  let key = HISTORY_KEYS.get(executed);
  if (key === undefined) HISTORY_KEYS.set(executed, (key = historyKeyOf(executed)));
  return key;
}

function historyKeyOf(executed: { map<T>(f: (p: Proposal) => T): T[] }): string {
  const text = seqKey(executed);
  return text.length <= WELCOME_HISTORY_TEXT_MAX ? text : `"sha256:${createHash('sha256').update(text).digest('base64')}"`;
}

/**
 * The key of each Welcome part's history array, by the array (weak: an entry lives as long as
 * its array). A part's key is asked for several times, for one array: the spec step's parts at
 * the Join and again when they are added to msgs, the trace's when its history is resolved and
 * again when its sends are keyed. Each time it built the part's text and hashed it: 12% of
 * checking a 100,000-command trace, whose Welcomes come in tens of parts. Arrays are values
 * here (the replay never changes one after making it), so the key stays right.
 */
const HISTORY_KEYS = new WeakMap<readonly Proposal[], string>();

/** A Welcome's or Promise's part fields: left out in a one-part message, as traces write it (spec "Welcome parts", "Promise parts"). */
export const isOnePart = (m: { parts?: number }): boolean => m.parts === undefined || m.parts === 1;
const partKey = (m: { part?: number; parts?: number }): string => (isOnePart(m) ? '' : `"part":${m.part ?? 1},"parts":${m.parts},`);

/** A Welcome's key given its history's (welcomeHistoryKey): the key of a Welcome whose history is elsewhere. */
export function welcomeKey(m: Omit<Extract<SpecMessage, { type: 'Welcome' }>, 'executed'>, historyKey: string): string {
  return `{"decisions":${decisionsKey(m.decisions)},"executed":${historyKey},"node":${m.node},${partKey(m)}"slot":${m.slot},"type":"Welcome"}`;
}

export function messageKey(m: SpecMessage): string {
  switch (m.type) {
    case 'Prepare': return `{"ballot":${ballotKey(m.ballot)},"type":"Prepare"}`;
    case 'Promise':
      return `{"accepted":${setKeyOf(m.accepted, pvalueKey)},"acceptor":${m.acceptor},"ballot":${ballotKey(m.ballot)},${markKey(m)}${partKey(m)}"promised":${ballotKey(m.promised)},"type":"Promise"}`;
    case 'Accept': {
      const p = propKey(m.prop); const b = m.ballot;
      return ACCEPT_KEYS.find(m.slot, p, b.num, b.leader, 0, 0) ?? ACCEPT_KEYS.add(m.slot, p, b.num, b.leader, 0, 0, `{"ballot":${ballotKey(b)},"prop":${p},"slot":${m.slot},"type":"Accept"}`);
    }
    case 'Accepted': {
      // One table entry per acceptor of a slot: the Accepteds of one slot come from several.
      const a = m.acceptor;
      if (!(a >= 0 && a < 64 && Number.isInteger(a) && Number.isInteger(m.slot) && m.slot >= 0 && m.slot < 2 ** 46)) return acceptedText(m);
      const at = m.slot * 64 + a;
      return ACCEPTED_KEYS.find(at, '', m.ballot.num, m.ballot.leader, m.promised.num, m.promised.leader)
        ?? ACCEPTED_KEYS.add(at, '', m.ballot.num, m.ballot.leader, m.promised.num, m.promised.leader, acceptedText(m));
    }
    case 'Decision': {
      const p = propKey(m.prop);
      return DECISION_KEYS.find(m.slot, p, 0, 0, 0, 0) ?? DECISION_KEYS.add(m.slot, p, 0, 0, 0, 0, `{"prop":${p},"slot":${m.slot},"type":"Decision"}`);
    }
    case 'Propose': {
      const p = propKey(m.prop);
      return PROPOSE_KEYS.find(m.slot, p, 0, 0, 0, 0) ?? PROPOSE_KEYS.add(m.slot, p, 0, 0, 0, 0, `{"prop":${p},"slot":${m.slot},"type":"Propose"}`);
    }
    case 'Adopted': return `{"ballot":${ballotKey(m.ballot)},${markKey(m)}"pvalues":${setKeyOf(m.pvalues, pvalueKey)},"type":"Adopted"}`;
    case 'Preempted': return `{"ballot":${ballotKey(m.ballot)},"leader":${m.leader},"type":"Preempted"}`;
    case 'Invoke': return `{"prop":${propKey(m.prop)},"replica":${m.replica},"type":"Invoke"}`;
    case 'Invoked': return `{"index":${m.index},"prop":${propKey(m.prop)},"replica":${m.replica},"type":"Invoked"}`;
    case 'Join': return `{"node":${m.node},"type":"Join"}`;
    case 'Welcome': return welcomeKey(m, welcomeHistoryKey(m.executed));
    default: return canonical(m);
  }
}

const acceptedText = (m: Extract<SpecMessage, { type: 'Accepted' }>): string =>
  `{"acceptor":${m.acceptor},"ballot":${ballotKey(m.ballot)},"promised":${ballotKey(m.promised)},"slot":${m.slot},"type":"Accepted"}`;
