/**
 * Welcome histories named by length (docs/trace-format.md, "Welcome histories").
 *
 * The spec's Welcome carries the sender's history (rExecuted, standing for its application
 * state), so a trace that listed it wrote O(the history) bytes at every Join answered: 2.3 MB
 * per event after 20,000 commands. A writer may instead write a Welcome part's `executed` as
 * `{"historyLength": L}`: "the part-th of parts segments of my history, which has L requests".
 * Before the oracles see an event, this puts the segment back from the checker's own replay of
 * the sender (its history before the step, which every earlier event was checked against), so
 * the oracles, the client checks and the TLC module see the spec's message. The content is
 * therefore the spec's by construction; what the writer claims, and what is checked, is the
 * length, the part fields and the decisions (by the oracles) and the application state the
 * Welcome carries (`params.digest`, by the client checks).
 *
 * A receive names the Welcome the same way; it gets the message the send resolved, found by
 * its text. Two sends of the same text with different histories (two replicas whose histories
 * at one slot differ: HistoriesSound) are an error, as is receiving a named Welcome that no
 * step sent.
 */
import type { Proposal, SpecMessage, TraceEvent } from '../format/types.js';
import { createHash } from 'node:crypto';
import { messageKey, propKey, welcomeHistoryKey, welcomeKey } from '../format/keys.js';
import { segmentRange } from '../../protocol/welcomeParts.js';

/** A node's history as the replay holds it: its length and a copy of a range. */
export interface History {
  readonly length: number;
  slice(from: number, to: number): Proposal[];
}

type WelcomeOf<M> = Extract<M, { type: 'Welcome' }>;
type RawWelcome = Omit<WelcomeOf<SpecMessage>, 'executed'> & { executed: readonly Proposal[] | { historyLength: number } };

const named = (m: unknown): m is NamedWelcome =>
  (m as { type?: unknown }).type === 'Welcome' && !Array.isArray((m as { executed?: unknown }).executed);

/**
 * What a named Welcome is found by: the SHA-256 of its key with an empty history, and the length.
 * (Its key holds its decisions' text, up to a part's worth: kept for every part ever sent, the
 * texts themselves grew the checker's memory with the run.)
 */
const nameOf = (m: NamedWelcome): string =>
  `${createHash('sha256').update(messageKey({ ...m, executed: [] } as SpecMessage)).digest('base64')}#${m.executed.historyLength}`;

const sameHistory = (a: readonly Proposal[], b: readonly Proposal[]): boolean =>
  a.length === b.length && a.every((p, i) => propKey(p) === propKey(b[i]!));

type NamedWelcome = RawWelcome & { executed: { historyLength: number } };

export class WelcomeHistories {
  /**
   * Each named Welcome sent so far, by its name: the key of the history it resolved to (short:
   * keys.ts), by which its message is found in `msgs`; or, without `msgs`, that message.
   */
  private readonly sent = new Map<string, string | SpecMessage>();

  /**
   * `msgs(key)`: the spec's message of that key in the replay's msgs, which holds every message
   * sent (the fast oracle's); without it this keeps each resolved message itself.
   */
  constructor(private readonly msgs?: (key: string) => SpecMessage | undefined) {}

  /**
   * `ev` with every named Welcome resolved (the same object when it has none), or a problem.
   * `historyOf(n)`: node n's history before this event's step.
   */
  resolve(ev: TraceEvent, historyOf: (n: number) => History): TraceEvent | { problem: string } {
    const message = ev.params.message as unknown;
    const sends = ev.sent.some(named);
    const receives = message !== undefined && named(message);
    if (!sends && !receives) return ev;
    let sent = ev.sent;
    if (sends) {
      const history = historyOf(ev.node);
      const out: SpecMessage[] = [];
      for (const m of ev.sent) {
        if (!named(m)) { out.push(m); continue; }
        const r = this.resolveSent(m, history, ev.node);
        if ('problem' in r) return r;
        out.push(r.message);
      }
      sent = out;
    }
    let params = ev.params;
    if (receives) {
      const known = this.sent.get(nameOf(message));
      const resolved = typeof known === 'string' ? this.msgs?.(welcomeKey(message, known)) : known;
      if (resolved === undefined) {
        // A Stutter's message is informational: left as the writer gave it.
        if (ev.action === 'Stutter') return sent === ev.sent ? ev : { ...ev, sent };
        return { problem: `receives a Welcome whose history is named by length (${message.executed.historyLength}), and no step sent that Welcome (part ${message.part ?? 1} of ${message.parts ?? 1}, slot ${message.slot}, to node ${message.node})` };
      }
      params = { ...ev.params, message: resolved };
    }
    return { ...ev, sent, params };
  }

  private resolveSent(m: NamedWelcome, history: History, sender: number): { message: SpecMessage } | { problem: string } {
    const L = m.executed.historyLength;
    if (L !== history.length) {
      return { problem: `node ${sender} sends a Welcome whose history has ${L} requests; its history (rExecuted) has ${history.length}` };
    }
    const [from, to] = segmentRange(L, m.part ?? 1, m.parts ?? 1);
    const executed = history.slice(from, to);
    const message = { ...m, executed } as SpecMessage;
    const name = nameOf(m);
    const before = this.sent.get(name);
    // Equal history keys are equal histories (their text, or its SHA-256 when long).
    const key = this.msgs === undefined ? undefined : welcomeHistoryKey(executed);
    if (before === undefined) {
      this.sent.set(name, key ?? message);
      return { message };
    }
    const same = typeof before === 'string' ? before === key : sameHistory((before as WelcomeOf<SpecMessage>).executed, executed);
    if (!same) {
      return { problem: `node ${sender} sends a Welcome at slot ${m.slot} (part ${m.part ?? 1} of ${m.parts ?? 1}, history of ${L}) equal to one sent before except for its history: two replicas' histories at one slot differ` };
    }
    return { message };
  }
}
