/**
 * Histories by length (docs/trace-format.md, "Histories by length").
 *
 * The spec's Welcome carries the sender's history (rExecuted, standing for its application
 * state), so a trace that listed it wrote O(the history) bytes at every Join answered: 2.3 MB
 * per event after 20,000 commands. A writer may instead write a Welcome part's `executed` as
 * `{"historyLength": L}`: "the part-th of parts segments of my history, which has L requests";
 * and the replica that installs a Welcome may write its new rExecuted as `{"reset":
 * {"historyLength": L}}`: "the history the Welcome I install carries". Before the oracles see
 * an event, this puts the histories back from the checker's own replay (the sender's history
 * before the step, which every earlier event was checked against; the parts in msgs), so the
 * oracles, the client checks and the TLC module see the spec's values. The content is then the
 * spec's by construction: what a writer claims, and what is checked, is the length, the part
 * fields and the decisions (by the oracles) and the application state the Welcome carries and
 * installs (`params.digest`, by the client checks).
 *
 * A receive names the Welcome the same way; it gets the message the send resolved, found by
 * its text. So does a Stutter that sends again a Welcome sent before (its name: its text and
 * the length it had then), whatever the sender's history has become since. Two sends of the same text with different histories (two replicas whose histories
 * at one slot differ: HistoriesSound) are an error, as is receiving a named Welcome that no
 * step sent, or installing one whose parts do not make a history of the length named.
 */
import { isHistoryLength, type HistoryLength, type HistoryRange, type Proposal, type SpecMessage, type StateDelta, type TraceEvent } from '../format/types.js';
import { createHash } from 'node:crypto';
import { messageKey, propKey, welcomeHistoryKey, welcomeKey } from '../format/keys.js';
import { segmentRange } from '../../protocol/welcomeParts.js';
import { MAX_HISTORY_PATTERNS, historyAssemblies, type WelcomeMessage } from '../spec/welcomeParts.js';
import { ExecSeq } from '../spec/execSeq.js';
import { HistorySegment, wholeHistory } from '../spec/historySegment.js';

/** A node's history as the replay holds it: its length and a copy of a range. */
export interface History {
  readonly length: number;
  slice(from: number, to: number): Proposal[];
}

/** The replay's msgs (the fast oracle's), which holds every message sent. */
export interface SentMessages {
  get(key: string): SpecMessage | undefined;
  values(): Iterable<SpecMessage>;
}

type RawWelcome = Omit<WelcomeMessage, 'executed'> & { executed: readonly Proposal[] | HistoryLength };
type NamedWelcome = RawWelcome & { executed: HistoryLength };

const named = (m: unknown): m is NamedWelcome =>
  (m as { type?: unknown }).type === 'Welcome' && isHistoryLength((m as { executed?: unknown }).executed);

/**
 * What a named Welcome is found by: the SHA-256 of its key with an empty history, and the length.
 * (Its key holds its decisions' text, up to a part's worth: kept for every part ever sent, the
 * texts themselves grew the checker's memory with the run.)
 */
const nameOf = (m: NamedWelcome): string =>
  `${createHash('sha256').update(messageKey({ ...m, executed: [] } as SpecMessage)).digest('base64')}#${m.executed.historyLength}`;

function sameHistory(a: readonly Proposal[] | HistoryRange, b: readonly Proposal[] | HistoryRange): boolean {
  if (a.length !== b.length) return false;
  const xs = [...a]; const ys = [...b];
  return xs.every((p, i) => propKey(p) === propKey(ys[i]!));
}

type Problem = { problem: string };

/** The history of a Welcome the replay forgot (it was dead): its key, and nothing to read. */
function forgottenHistory(length: number, historyKey: string): HistoryRange {
  const gone = (): never => { throw new Error(`the history of a forgotten (dead) Welcome was read: ${historyKey.slice(0, 80)}`); };
  return { length, historyKey, map: gone, [Symbol.iterator]: gone };
}

export class WelcomeHistories {
  /**
   * Each named Welcome sent so far, by its name: the key of the history it resolved to (short:
   * keys.ts), by which its message is found in `msgs`; or, without `msgs`, that message.
   */
  private readonly sent = new Map<string, string | SpecMessage>();

  /**
   * `msgs`: the replay's; without it this keeps each resolved Welcome itself. `ranges`: a replay
   * with a history window, whose Welcome parts are ranges of the sender's history
   * (HistorySegment) and whose installs take that history itself.
   */
  constructor(private readonly msgs?: () => SentMessages | undefined, private readonly ranges = false) {}

  /**
   * `ev` with every history given by length resolved (the same object when it has none), or a
   * problem. `historyOf(n)`: node n's history before this event's step.
   */
  resolve(ev: TraceEvent, historyOf: (n: number) => History): TraceEvent | Problem {
    const message = ev.params.message as unknown;
    const sends = ev.sent.some(named);
    const receives = message !== undefined && named(message);
    const reset = (ev.delta as StateDelta | undefined)?.rExecuted?.reset;
    const installs = reset !== undefined && isHistoryLength(reset);
    if (!sends && !receives && !installs) return ev;
    let out = ev;
    if (sends) {
      const history = historyOf(ev.node);
      const sent: SpecMessage[] = [];
      for (const m of ev.sent) {
        if (!named(m)) { sent.push(m); continue; }
        const r = this.resolveSent(m, history, ev.node, ev.action === 'Stutter');
        if ('problem' in r) return r;
        sent.push(r.message);
      }
      out = { ...out, sent };
    }
    if (receives) {
      const known = this.sent.get(nameOf(message));
      const resolved = typeof known === 'string' ? this.msgs?.()?.get(welcomeKey(message, known)) : known;
      if (resolved === undefined) {
        // A Stutter's message is informational: left as the writer gave it. So is a Welcome
        // sent (its name is known) that the replay has since forgotten: it was dead, and the
        // oracle takes its receipt as a stuttering step (src/trace/spec/deadMessages.ts).
        if (ev.action !== 'Stutter' && typeof known !== 'string') {
          return { problem: `receives a Welcome whose history is named by length (${message.executed.historyLength}), and no step sent that Welcome (part ${message.part ?? 1} of ${message.parts ?? 1}, slot ${message.slot}, to node ${message.node})` };
        }
      } else {
        out = { ...out, params: { ...out.params, message: resolved } };
      }
    }
    if (installs) {
      const r = this.installed(out, reset.historyLength);
      if ('problem' in r) return r;
      const delta = ev.delta as StateDelta;
      // A history the replay holds (ExecSeq) stands in the reset for its requests, which a
      // window may have forgotten: traceView.ts and appReplay.ts read it as such.
      out = { ...out, delta: { ...delta, rExecuted: { ...delta.rExecuted, reset: r.history as Proposal[] } } } as TraceEvent;
    }
    return out;
  }

  /**
   * The message a sent named Welcome stands for. A step's Welcome carries the sender's history
   * now. A Stutter may also send again one sent before (a replica answering a repeated Join with
   * the parts it sent already): its history was resolved then, and its name finds it.
   */
  private resolveSent(m: NamedWelcome, history: History, sender: number, stutter: boolean): { message: SpecMessage } | Problem {
    const L = m.executed.historyLength;
    const name = nameOf(m);
    const before = this.sent.get(name);
    if (L !== history.length) {
      if (stutter && before !== undefined) return { message: this.sentBefore(m, before) };
      return { problem: `node ${sender} sends a Welcome whose history has ${L} requests; its history (rExecuted) has ${history.length}${stutter ? ', and no step sent that Welcome before' : ''}` };
    }
    const [from, to] = segmentRange(L, m.part ?? 1, m.parts ?? 1);
    const executed = this.ranges && history instanceof ExecSeq ? new HistorySegment(history, from, to) : history.slice(from, to);
    const message = { ...m, executed } as SpecMessage;
    // Equal history keys are equal histories (their text, or its SHA-256 when long).
    const key = this.msgs === undefined ? undefined : welcomeHistoryKey(executed);
    if (before === undefined) {
      this.sent.set(name, key ?? message);
      return { message };
    }
    const same = typeof before === 'string' ? before === key : sameHistory((before as WelcomeMessage).executed, executed);
    if (!same) {
      return { problem: `node ${sender} sends a Welcome at slot ${m.slot} (part ${m.part ?? 1} of ${m.parts ?? 1}, history of ${L}) equal to one sent before except for its history: two replicas' histories at one slot differ` };
    }
    return { message };
  }

  /**
   * A named Welcome sent before, as it was resolved then: in msgs, or kept here without msgs.
   * One msgs has forgotten was dead (deadMessages.ts decides a Welcome's death by its node and
   * slot), so its history is read by nothing: it keeps only its key.
   */
  private sentBefore(m: NamedWelcome, before: string | SpecMessage): SpecMessage {
    if (typeof before !== 'string') return before;
    const key = welcomeKey(m, before);
    const kept = this.msgs?.()?.get(key);
    if (kept !== undefined) return kept;
    const [from, to] = segmentRange(m.executed.historyLength, m.part ?? 1, m.parts ?? 1);
    return { ...m, executed: forgottenHistory(to - from, before) } as SpecMessage;
  }

  /**
   * The history a replica installs from the Welcome it receives (resolved in `ev`): the parts of
   * that Welcome in msgs, in order, as the spec's ReplicaReceiveWelcome assembles them (any
   * assembly of the right length: at one slot their histories are equal, or the oracles say
   * otherwise; so one assembly per distinct history is asked). Scans every Welcome sent: an
   * install is rare.
   */
  private installed(ev: TraceEvent, L: number): { history: Proposal[] | ExecSeq } | Problem {
    const m = ev.params.message;
    if (ev.action !== 'ReplicaReceiveWelcome' || m?.type !== 'Welcome' || isHistoryLength(m.executed)) {
      return { problem: `resets rExecuted to a history of ${L} requests by length outside the install of a Welcome whose history is known (${ev.action})` };
    }
    const all = this.msgs?.()?.values() ?? this.welcomesKept();
    // One assembly per history they may install: listing every assembly of a Welcome in tens
    // of parts, several of them at one slot, ran a check out of memory (welcomeParts.ts).
    let tried = 0;
    for (const w of historyAssemblies(m, all)) {
      if (++tried > MAX_HISTORY_PATTERNS) return { problem: `installs a Welcome whose parts carry more than ${MAX_HISTORY_PATTERNS} combinations of histories, none of ${L} requests among the first` };
      // Ranges of one history: that history itself (traceView.ts takes it as a reset).
      const whole = this.ranges ? wholeHistory(w) : undefined;
      if (whole !== undefined && whole.seq.length === L) return { history: whole.seq };
      const history = w.flatMap((part) => [...part.executed]);
      if (history.length === L) return { history };
    }
    return { problem: `installs a Welcome whose parts make no history of ${L} requests` };
  }

  /** Without msgs: the Welcomes resolved so far. */
  private *welcomesKept(): Iterable<SpecMessage> {
    for (const v of this.sent.values()) if (typeof v !== 'string') yield v;
  }
}
