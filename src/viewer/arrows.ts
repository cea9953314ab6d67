/**
 * Messages as arrows: each receive is matched to the send it most likely got.
 *
 * A receive is an event whose params carry the `message` and its sender `from`; its send is
 * an earlier event (in replay order) of node `from` whose `sent` holds an equal message
 * (equal as spec values: canonical texts). A message may have been sent several times
 * (retransmissions, or the same reply to a duplicate): the Lamport clock then picks (see
 * pickSend).
 */
import { canonical } from '../trace/format/canonical.js';
import { NODE_ACTIONS, PROPOSAL_ACTIONS } from '../trace/spec/fastSpec.js';
import type { ViewEvent } from './types.js';

export interface Arrow {
  /** Event indexes (replay order) of the send and the receive. */
  from: number;
  to: number;
  /** The message's `type`. */
  type: string;
}

export interface ArrowMatch {
  arrows: Arrow[];
  /** Receives whose send is not in the trace (a non-spec message, or a send not traced). */
  unmatched: number[];
}

/**
 * Actions whose `message` only names the input that led to the step (docs/trace-format.md):
 * the message was received by the step before, which has the arrow.
 */
const NOT_RECEIVES: ReadonlySet<string> = new Set<string>([...NODE_ACTIONS, ...PROPOSAL_ACTIONS, 'Init']);

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The input an event names (a message and its sender), whether or not the event is its receive. */
function inputOf(e: ViewEvent): { from: number; message: Obj } | null {
  const p = e.raw.params;
  if (!isObj(p) || !isObj(p.message) || typeof p.message.type !== 'string' || !Number.isSafeInteger(p.from)) return null;
  return { from: p.from as number, message: p.message };
}

/** The messages an event sends (objects with a string `type`; anything else is ignored). */
function sentMessages(e: ViewEvent): Obj[] {
  const s = e.raw.sent;
  return Array.isArray(s) ? s.filter((m): m is Obj => isObj(m) && typeof m.type === 'string') : [];
}

export function matchArrows(events: readonly ViewEvent[]): ArrowMatch {
  // (sender, message text) -> indexes of the events that sent it, in replay order.
  const sends = new Map<string, number[]>();
  const lastOfNode = new Map<number, { clock: number | null; key: string | null }>();
  const arrows: Arrow[] = [];
  const unmatched: number[] = [];
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    const input = inputOf(e);
    // The event receives its input unless its action only names the input of an earlier step.
    const r = NOT_RECEIVES.has(e.action) ? null : input;
    const key = input === null ? null : `${input.from}|${canonical(input.message)}`;
    const prev = e.node === null ? undefined : lastOfNode.get(e.node);
    // The node's next step on the same input (several steps from one receive) is no second receive.
    const continues = key !== null && prev !== undefined && prev.key === key && e.clock !== null && prev.clock === e.clock - 1;
    if (r !== null && key !== null && !continues) {
      const src = pickSend(events, sends.get(key), e);
      if (src === null) unmatched.push(i);
      else arrows.push({ from: src, to: i, type: r.message.type as string });
    }
    if (e.node !== null) lastOfNode.set(e.node, { clock: e.clock, key });
    for (const m of sentMessages(e)) {
      if (e.node === null) continue;
      const k = `${e.node}|${canonical(m)}`;
      const list = sends.get(k);
      if (list === undefined) sends.set(k, [i]);
      else if (list[list.length - 1] !== i) list.push(i);
    }
  }
  return { arrows, unmatched };
}

/**
 * The send a receive got: the latest one whose clock is below the receive's. A sender's
 * clocks increase, so when the receive's clock jumped to the message's + 1, that is the very
 * send that carried it; otherwise it is the last send before the receive could have happened.
 */
function pickSend(events: readonly ViewEvent[], candidates: number[] | undefined, recv: ViewEvent): number | null {
  if (candidates === undefined) return null;
  const c = recv.clock;
  for (let j = candidates.length - 1; j >= 0; j--) {
    const sc = events[candidates[j]!]!.clock;
    if (c === null || sc === null || sc < c) return candidates[j]!;
  }
  return null;
}
