/**
 * Where events go on the page and what marks they carry, computed once when the page is
 * written so that the browser only draws.
 *
 * Rows: time flows down, in replay order (the order the checker replays: file order, or the
 * merge by Lamport clock). Consecutive events share a row while they can: an event starts a
 * new row when its node already has an event in the current row, or when it receives a
 * message sent in that row. So every node's events go strictly down, every arrow points
 * down (happens-before is downward), and independent steps of different nodes sit side by
 * side instead of in a staircase. A counterexample gives each state its own row instead.
 */
import type { Arrow } from './arrows.js';
import type { ViewEvent } from './types.js';
import { ACTIONS } from '../trace/spec/fastSpec.js';

/** Bits of an event's flags (the page reads the same values). */
export const FLAG = {
  /** The node's leader became active (adopted with its ballot). */
  leaderUp: 1,
  /** The node's leader stopped being active (preempted, or the node restarted). */
  leaderDown: 2,
  /** The node's leader moved to a new ballot. */
  ballot: 4,
  /** The node crashed and restarted (NodeRestart). */
  crash: 8,
  /** An action the viewer does not know: drawn generically. */
  unknown: 16,
  /** A receive whose send is not in the trace. */
  unmatched: 32,
  /** The event the page points at (rejected, or the violating state). */
  highlight: 64,
} as const;

const KNOWN_ACTIONS: ReadonlySet<string> = new Set<string>([...ACTIONS, 'Stutter', 'Init']);

export function packRows(events: readonly ViewEvent[], arrows: readonly Arrow[]): Int32Array {
  const rows = new Int32Array(events.length);
  const sendOf = new Int32Array(events.length).fill(-1);
  for (const a of arrows) sendOf[a.to] = a.from;
  let row = -1;
  let rowStart = 0;
  const nodesInRow = new Set<number | null>();
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    if (e.row !== undefined) {
      // Fixed rows (counterexample states): taken as given.
      rows[i] = e.row;
      row = e.row; rowStart = i; nodesInRow.clear(); nodesInRow.add(e.node);
      continue;
    }
    const src = sendOf[i]!;
    if (row < 0 || nodesInRow.has(e.node) || (src >= rowStart && src < i)) {
      row++; rowStart = i; nodesInRow.clear();
    }
    nodesInRow.add(e.node);
    rows[i] = row;
  }
  return rows;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The leader's scalars after an event, from its full state or its delta (absent = unchanged). */
function leaderAfter(e: ViewEvent, before: { active: boolean; ballot: string }): { active: boolean; ballot: string } {
  const src = isObj(e.raw.state) ? e.raw.state : isObj(e.raw.delta) ? e.raw.delta : null;
  if (src === null) return before;
  return {
    active: typeof src.lActive === 'boolean' ? src.lActive : before.active,
    ballot: isObj(src.lBallot) ? `${String(src.lBallot.num)}.${String(src.lBallot.leader)}` : before.ballot,
  };
}

/** Each event's flags, and for leader changes a few words on what changed ("leader b1.2"). */
export function eventFlags(events: readonly ViewEvent[], unmatched: readonly number[], highlight: number | null,
  initialStates: Readonly<Record<number, unknown>> = {}): { flags: Uint8Array; marks: Map<number, string> } {
  const flags = new Uint8Array(events.length);
  const marks = new Map<number, string>();
  // Seeded with each node's Init state: a compact trace names lBallot only when it changes.
  const leader = new Map<number | null, { active: boolean; ballot: string }>();
  for (const [n, state] of Object.entries(initialStates)) {
    leader.set(Number(n), leaderAfter({ raw: { state } } as unknown as ViewEvent, { active: false, ballot: '' }));
  }
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    let f = 0;
    if (!KNOWN_ACTIONS.has(e.action)) f |= FLAG.unknown;
    if (e.action === 'NodeRestart') f |= FLAG.crash;
    const was = leader.get(e.node) ?? { active: false, ballot: '' };
    const now = leaderAfter(e, was);
    if (now.active && !was.active) { f |= FLAG.leaderUp; marks.set(i, now.ballot === '' ? 'leader elected' : `leader b${now.ballot}`); }
    if (!now.active && was.active) { f |= FLAG.leaderDown; marks.set(i, 'leader stepped down'); }
    // A node's first ballot is its initial one, not a change.
    if (was.ballot !== '' && now.ballot !== was.ballot) {
      f |= FLAG.ballot;
      marks.set(i, [marks.get(i), `ballot b${now.ballot}`].filter((x) => x !== undefined).join(', '));
    }
    leader.set(e.node, now);
    flags[i] = f;
  }
  for (const i of unmatched) flags[i]! |= FLAG.unmatched;
  if (highlight !== null && highlight < events.length) flags[highlight]! |= FLAG.highlight;
  return { flags, marks };
}

const ballotText = (b: unknown): string | null => (isObj(b) ? `b${String(b.num)}.${String(b.leader)}` : null);
const propText = (p: unknown): string | null =>
  (isObj(p) ? (p.caller === 0 && p.clientId === 0 ? 'noop' : `${String(p.caller)}:${String(p.clientId)}`) : null);

/** A short summary of a message: its type and the fields people look for (ballot, slot, request). */
export function messageSummary(m: Obj): string {
  const parts = [String(m.type)];
  const b = ballotText(m.ballot);
  if (b !== null) parts.push(b);
  if (typeof m.slot === 'number') parts.push(`s${m.slot}`);
  const p = propText(m.prop);
  if (p !== null) parts.push(p);
  if (m.type === 'Promise' || m.type === 'Accepted') {
    if (typeof m.acceptor === 'number') parts.push(`from ${m.acceptor}`);
    if (isObj(m.promised) && ballotText(m.promised) !== b) parts.push(`promised ${ballotText(m.promised)!}`);
  }
  if (m.type === 'Join' || m.type === 'Welcome') parts.push(`node ${String(m.node)}`);
  return parts.join(' ');
}

/** The second line of an event's label: what it received or acted on, in a few words. */
export function eventTag(e: ViewEvent): string {
  const p = isObj(e.raw.params) ? e.raw.params : {};
  if (isObj(p.message) && typeof p.message.type === 'string') return messageSummary(p.message);
  const prop = propText(p.proposal);
  if (prop !== null) return `request ${prop}`;
  if (typeof p.timer === 'string') return `timer ${p.timer}`;
  const sent = Array.isArray(e.raw.sent) ? e.raw.sent.filter(isObj) : [];
  if (sent.length === 1) return `sends ${messageSummary(sent[0]!)}`;
  if (sent.length > 1) return `sends ${sent.length} messages`;
  return otherParams(p);
}

/** Parameters of a shape the viewer does not know (new event kinds): their first one's scalar values. */
function otherParams(p: Obj): string {
  const [key, value] = Object.entries(p).find(([k]) => k !== 'from') ?? [];
  if (key === undefined) return '';
  const scalar = (v: unknown): string | null =>
    typeof v === 'string' ? (v.length > 18 ? `${v.slice(0, 17)}…` : v) : typeof v === 'number' || typeof v === 'boolean' ? String(v) : null;
  const parts = isObj(value) ? Object.values(value).map(scalar).filter((x): x is string => x !== null) : [scalar(value) ?? '…'];
  return `${key}: ${parts.join(' ')}`;
}
