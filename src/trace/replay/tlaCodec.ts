/**
 * Between the fast replay's SpecState and tla-checker's JSON encoding of a spec state.
 * tla-checker encodes a function with domain 1..N and a sequence as {"__tuple": [...]},
 * a set as an array, a record as an object (checked on the real spec by the conformance test).
 * NoScout is a record in the spec; the trace writes it as null.
 */
import type { Ballot, Proposal, PValue, SlotProp, SpecMessage } from '../format/types.js';
import { type CommanderSpec, ExecSeq, type NodeSpec, type SpecState, type VSet, ZERO_BALLOT, commanderSpecKey, setKey, setOf } from '../spec/specState.js';
import { ballotKey, messageKey, propKey, pvalueKey, seqKey, slotPropKey } from '../format/keys.js';
import { tlaValueLiteral } from '../../modelcheck/values/tlaLiteral.js';
import { SEQUENCE_KEYS } from '../format/canonical.js';
import { ExecutedIds } from '../spec/requestIds.js';

export type TlaJson = unknown;
export interface TlaState { [variable: string]: TlaJson }

const tuple = (xs: unknown[]): { __tuple: unknown[] } => ({ __tuple: xs });
function untuple(v: unknown, what: string): unknown[] {
  if (Array.isArray(v) && v.length === 0) return []; // an empty sequence may print as {}
  if (v && typeof v === 'object' && Array.isArray((v as { __tuple?: unknown }).__tuple)) return (v as { __tuple: unknown[] }).__tuple;
  if (v && typeof v === 'object' && Array.isArray((v as { __fn?: unknown }).__fn)) {
    return ((v as { __fn: [number, unknown][] }).__fn).slice().sort((a, b) => a[0] - b[0]).map((e) => e[1]);
  }
  throw new Error(`tla-checker state: ${what} is not a tuple: ${JSON.stringify(v).slice(0, 200)}`);
}

/**
 * A trace leaves out a Promise's or Adopted's mark when it is 1 (format/keys.ts), and a
 * paxos-trace/2 trace has no marks at all: the spec's records always have the field, so
 * the TLA+ boundary writes 1 where the trace has none, and the trace's value where it has one
 * (docs/design-checkpoints.md, trace validity).
 */
const NO_MARK = 1;
const NO_SCOUT = { ballot: ZERO_BALLOT, acks: [], pvalues: [], mark: NO_MARK };

/** A trace's Promise or Adopted with the spec's `mark` field (NO_MARK when it has none). */
export function withSpecMark<M>(m: M): M {
  const t = (m as { type?: unknown }).type;
  if (t === 'Welcome') return { part: 1, parts: 1, ...m }; // a one-part Welcome leaves them out (spec "Welcome parts")
  if (t === 'Promise') return { mark: NO_MARK, part: 1, parts: 1, ...m }; // so does a one-part Promise ("Promise parts")
  return t === 'Adopted' ? { mark: NO_MARK, ...m } : m;
}

/** A trace's scout state (null: NoScout is written by the caller) with the spec's `mark` (its own if it has one). */
export const scoutWithSpecMark = <S extends object>(scout: S): S & { mark: number } => ({ mark: NO_MARK, ...scout });

function messageToTla(m: SpecMessage): TlaJson {
  if (m.type === 'Welcome') return { part: 1, parts: 1, ...m, executed: tuple([...m.executed]) };
  return withSpecMark(m);
}
function messageFromTla(v: unknown): SpecMessage {
  const m = v as Record<string, unknown>;
  if (m.type === 'Welcome') {
    // A one-part Welcome leaves its part fields out, as the trace and the fast spec write it.
    const { part, parts, ...rest } = m;
    const fields = parts === 1 ? rest : { ...rest, part, parts };
    return { ...fields, executed: untuple(m.executed, 'Welcome.executed') } as unknown as SpecMessage;
  }
  if (m.type === 'Promise') {
    // Mark 1 and the part fields of a one-part Promise are left out, as the trace and the fast spec write them.
    const { mark, part, parts, ...rest } = m;
    return { ...rest, ...(mark === NO_MARK ? {} : { mark }), ...(parts === 1 ? {} : { part, parts }) } as unknown as SpecMessage;
  }
  // Mark 1 is left out, as the trace and the fast spec write it (format/keys.ts).
  if (m.type === 'Adopted' && m.mark === NO_MARK) {
    const { mark: _mark, ...rest } = m;
    return rest as unknown as SpecMessage;
  }
  return m as unknown as SpecMessage;
}

/**
 * A batch of two or more requests is the record [batch |-> <<r1, r2, ...>>] in the spec (a batch
 * of one is its request; spec/MultiPaxos.tla, "Batches"): tla-checker writes its sequence as a
 * tuple, the fast spec as an array. These convert every batch inside a value, and return the
 * value itself (no copy) when it holds none, which is every value of a model with BatchMax = 1.
 */
function mapBatches(v: unknown, seq: (q: unknown) => unknown): unknown {
  if (Array.isArray(v)) {
    let out: unknown[] | null = null;
    for (let i = 0; i < v.length; i++) {
      const x = mapBatches(v[i], seq);
      if (x !== v[i]) (out ??= v.slice())[i] = x;
    }
    return out ?? v;
  }
  if (v === null || typeof v !== 'object') return v;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o);
  if (keys.length === 1 && keys[0] === 'batch') return { batch: seq(o.batch) };
  let out: Record<string, unknown> | null = null;
  for (const k of keys) {
    const x = mapBatches(o[k], seq);
    if (x !== o[k]) (out ??= { ...o })[k] = x;
  }
  return out ?? v;
}
const batchesFromTla = (v: unknown): unknown => mapBatches(v, (q) => untuple(q, 'batch').map(batchesFromTla));
const batchesToTla = (v: unknown): unknown => mapBatches(v, (q) => tuple((q as unknown[]).map(batchesToTla)));

export function toTla(s: SpecState, N: number): TlaState {
  return batchesToTla(toTlaValues(s, N)) as TlaState;
}

function toTlaValues(s: SpecState, N: number): TlaState {
  const per = <T>(f: (x: NodeSpec) => T): { __tuple: T[] } => tuple(s.nodes.slice(1, N + 1).map(f)) as { __tuple: T[] };
  const vals = <T>(m: VSet<T>): T[] => [...m.values()];
  return {
    msgs: vals(s.msgs).map(messageToTla),
    aBallot: per((x) => x.aBallot),
    aAccepted: per((x) => vals(x.aAccepted)),
    aMark: per((x) => x.aMark),
    lBallot: per((x) => x.lBallot),
    lActive: per((x) => x.lActive),
    lProposals: per((x) => vals(x.lProposals)),
    lMark: per((x) => x.lMark),
    scout: per((x) => (x.scout === null ? NO_SCOUT : { ballot: x.scout.ballot, acks: [...x.scout.acks], pvalues: vals(x.scout.pvalues), mark: x.scout.mark })),
    commanders: per((x) => vals(x.commanders).map((c) => ({ ...c, acks: [...c.acks] }))),
    rSlotIn: per((x) => x.rSlotIn),
    rSlotOut: per((x) => x.rSlotOut),
    rRequests: per((x) => vals(x.rRequests)),
    rProposals: per((x) => vals(x.rProposals)),
    rDecisions: per((x) => vals(x.rDecisions)),
    rExecuted: per((x) => tuple([...x.rExecuted])),
    rSnap: per((x) => ({ slot: x.rSnap.slot, executed: tuple([...x.rSnap.executed]) })),
    invoked: vals(s.invoked),
    restarts: s.restarts,
    monotone: true,
    refines: true,
  };
}

/** Ghost variables must stay TRUE in every step of a correct behaviour; decoding checks it. */
export interface DecodedState { state: SpecState; monotone: boolean; refines: boolean }

export function fromTla(raw: TlaState): DecodedState {
  const t = batchesFromTla(raw) as TlaState;
  const col = (name: string): unknown[] => untuple(t[name], name);
  const aBallot = col('aBallot') as Ballot[];
  const N = aBallot.length;
  const colOr = (name: string, absent: unknown): unknown[] => (t[name] === undefined ? new Array<unknown>(N).fill(absent) : col(name));
  const cols = {
    aAccepted: col('aAccepted') as PValue[][], lBallot: col('lBallot') as Ballot[], lActive: col('lActive') as boolean[],
    lProposals: col('lProposals') as SlotProp[][], scout: col('scout') as { ballot: Ballot; acks: number[]; pvalues: PValue[] }[],
    commanders: col('commanders') as { ballot: Ballot; slot: number; prop: Proposal; acks: number[] }[][],
    rSlotIn: col('rSlotIn') as number[], rSlotOut: col('rSlotOut') as number[], rRequests: col('rRequests') as Proposal[][],
    rProposals: col('rProposals') as SlotProp[][], rDecisions: col('rDecisions') as SlotProp[][], rExecuted: col('rExecuted'),
    // A state of the spec from before checkpoints (an old ITF counterexample) has none of these.
    aMark: colOr('aMark', NO_MARK) as number[], lMark: colOr('lMark', NO_MARK) as number[],
    rSnap: colOr('rSnap', { slot: 1, executed: [] }) as { slot: number; executed: unknown }[],
  };
  const nodes: NodeSpec[] = [undefined as unknown as NodeSpec];
  for (let i = 0; i < N; i++) {
    const raw = cols.scout[i]! as { ballot: Ballot; acks: number[]; pvalues: PValue[]; mark?: number };
    const sc = { ...raw, mark: raw.mark ?? NO_MARK };
    const isNoScout = ballotKey(sc.ballot) === ballotKey(ZERO_BALLOT) && sc.acks.length === 0 && sc.pvalues.length === 0 && sc.mark === NO_MARK;
    const rExecuted = untuple(cols.rExecuted[i], 'rExecuted[n]') as Proposal[];
    nodes.push({
      aBallot: aBallot[i]!,
      aAccepted: setOf(cols.aAccepted[i]!, pvalueKey),
      lBallot: cols.lBallot[i]!,
      lActive: cols.lActive[i]!,
      lProposals: setOf(cols.lProposals[i]!, slotPropKey),
      aMark: cols.aMark[i]!,
      lMark: cols.lMark[i]!,
      rSnap: { slot: cols.rSnap[i]!.slot, executed: ExecSeq.of(untuple(cols.rSnap[i]!.executed, 'rSnap[n].executed') as Proposal[]) },
      scout: isNoScout ? null : { ballot: sc.ballot, acks: new Set(sc.acks), pvalues: setOf(sc.pvalues, pvalueKey), mark: sc.mark },
      commanders: setOf(cols.commanders[i]!.map((c): CommanderSpec => ({ ...c, acks: new Set(c.acks) })), commanderSpecKey),
      rSlotIn: cols.rSlotIn[i]!,
      rSlotOut: cols.rSlotOut[i]!,
      rRequests: setOf(cols.rRequests[i]!, propKey),
      rProposals: setOf(cols.rProposals[i]!, slotPropKey),
      rDecisions: setOf(cols.rDecisions[i]!, slotPropKey),
      rExecuted: ExecSeq.of(rExecuted),
      rExecutedIds: ExecutedIds.of(rExecuted),
    });
  }
  const msgs = setOf((t.msgs as unknown[]).map(messageFromTla), messageKey);
  return {
    state: { msgs, invoked: setOf(t.invoked as Proposal[], propKey), restarts: t.restarts as number, nodes },
    monotone: t.monotone === true,
    refines: t.refines === true,
  };
}

/** Canonical text of a whole spec state: equal texts iff equal states. */
export function stateKey(s: SpecState, N: number): string {
  const parts: string[] = [setKey(s.msgs), setKey(s.invoked), String(s.restarts)];
  for (let n = 1; n <= N; n++) {
    const x = s.nodes[n]!;
    parts.push([
      ballotKey(x.aBallot), setKey(x.aAccepted), ballotKey(x.lBallot), String(x.lActive), setKey(x.lProposals),
      x.scout === null ? 'null' : `${ballotKey(x.scout.ballot)}|${[...x.scout.acks].sort().join(',')}|${setKey(x.scout.pvalues)}|${x.scout.mark}`,
      setKey(x.commanders), String(x.rSlotIn), String(x.rSlotOut), setKey(x.rRequests), setKey(x.rProposals),
      setKey(x.rDecisions), seqKey(x.rExecuted), String(x.aMark), String(x.lMark), `${x.rSnap.slot}|${seqKey(x.rSnap.executed)}`,
    ].join(';'));
  }
  return parts.join('\n');
}

// ---- TLA+ literals for TraceStep -------------------------------------------------------

/** A TLA+ literal for a trace JSON value: objects are records, arrays are sets except the sequences. */
export function tlaLiteral(v: unknown, isSequence = false): string {
  return tlaValueLiteral(v, SEQUENCE_KEYS, isSequence);
}

export { messageKey };
