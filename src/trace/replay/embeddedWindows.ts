/**
 * Which events of which runs the embedded oracle replays. It checks tens of events per second
 * against the fast path's tens of thousands, so it sees a sample; a sample of prefixes never
 * reaches a second leader, so this one is made of windows of events around leader changes
 * (leaderChanges.ts) drawn from every run, plus a few prefixes that start at the .tla's own Init.
 * A window in the middle of a run starts from the state the fast replay reached there from Init.
 */
import { mulberry32 } from '../../util/mulberry32.js';
import { LEADER_CHANGE_KINDS, type LeaderChange, type LeaderChangeKind } from './leaderChanges.js';

/** Events `from` (included) to `to` (excluded) of one trace, counted from 0. */
export interface EventWindow { from: number; to: number }

/** What the fast pass learned of one run: how many events, and where leaders changed. */
export interface RunEvents { name: string; events: number; leaderChanges: readonly LeaderChange[] }

export interface SampleOptions {
  seed: number;
  /**
   * What leader-change windows may cost, over all runs, in events at a small state (see
   * windowCost): an embedded step's cost grows with the size of msgs.
   */
  budgetEvents: number;
  /** Events before and after the leader change that a window also holds. */
  before: number;
  after: number;
  /** Every `prefixEvery`-th run (0: none) also has a window of its first `prefixEvents` events. */
  prefixEvery: number;
  prefixEvents: number;
}

/**
 * validate-traces' sample: a little less than the former one spent (the first 150 events of
 * every 25th run: 1,200 embedded steps from Init), since the sampled runs are also replayed
 * again on the fast path to reach their windows; most of it now around leader changes. Six
 * events either side hold an adoption's last Promises and first Accepts.
 */
export const DEFAULT_SAMPLE: Omit<SampleOptions, 'seed'> = { budgetEvents: 800, before: 6, after: 6, prefixEvery: 50, prefixEvents: 80 };

export interface EmbeddedSample {
  /** Per run (by name), its windows, sorted and disjoint. */
  windows: Map<string, EventWindow[]>;
  /** Leader changes found in all runs, and those inside the sample's windows, per kind. */
  found: Record<LeaderChangeKind, number>;
  sampled: Record<LeaderChangeKind, number>;
}

const zeroCounts = (): Record<LeaderChangeKind, number> =>
  Object.fromEntries(LEADER_CHANGE_KINDS.map((k) => [k, 0])) as Record<LeaderChangeKind, number>;

/**
 * Messages in msgs that make an embedded step cost one more step at a small state: tla-checker
 * reads the whole state at each step. Measured on simulated runs: about 15 ms per step with
 * 200 messages, 400 ms with 10,000 (2 cores, load 4).
 */
export const MESSAGES_PER_STEP_COST = 400;

/** What a window of `events` events costs, in steps at a small state, with `messages` in msgs. */
export const windowCost = (events: number, messages: number): number => events * (1 + messages / MESSAGES_PER_STEP_COST);

/**
 * A seeded choice of windows. Leader changes are drawn one kind after the other (in the order
 * of LEADER_CHANGE_KINDS, then again), each kind in a seeded random order over all runs, so
 * that rare kinds are sampled even when one kind is far more common; a window that overlaps
 * one already chosen costs only its new events. A window that would exceed the budget is left
 * out and drawing goes on (a cheaper one may fit). The same runs, seed and options give the
 * same sample.
 */
export function chooseWindows(runs: readonly RunEvents[], opts: SampleOptions): EmbeddedSample {
  const random = mulberry32(opts.seed);
  const covered = new Map<string, Array<[number, number]>>();
  const found = zeroCounts();
  const queues = new Map<LeaderChangeKind, Array<{ run: RunEvents; change: LeaderChange }>>(LEADER_CHANGE_KINDS.map((k) => [k, []]));
  runs.forEach((run, i) => {
    if (opts.prefixEvery > 0 && i % opts.prefixEvery === 0 && run.events > 0) {
      covered.set(run.name, [[0, Math.min(opts.prefixEvents, run.events)]]);
    }
    for (const c of run.leaderChanges) { found[c.kind]++; queues.get(c.kind)!.push({ run, change: c }); }
  });
  for (const q of queues.values()) shuffle(q, random);

  let spent = 0;
  const active = LEADER_CHANGE_KINDS.filter((k) => queues.get(k)!.length > 0);
  for (let turn = 0; active.length > 0; turn = (turn + 1) % active.length) {
    const kind = active[turn]!;
    const queue = queues.get(kind)!;
    const { run, change } = queue.pop()!;
    if (queue.length === 0) { active.splice(turn, 1); turn--; }
    const from = Math.max(0, change.event - opts.before);
    const to = Math.min(run.events, change.event + opts.after + 1);
    const spans = covered.get(run.name) ?? [];
    const cost = windowCost(to - from - overlap(spans, from, to), change.messages);
    if (spent + cost > opts.budgetEvents) continue;
    spent += cost;
    spans.push([from, to]);
    covered.set(run.name, spans);
  }

  const windows = new Map<string, EventWindow[]>();
  for (const [name, spans] of covered) windows.set(name, merged(spans));
  const sampled = zeroCounts();
  for (const run of runs) {
    const ws = windows.get(run.name);
    if (ws === undefined) continue;
    for (const c of run.leaderChanges) if (ws.some((w) => w.from <= c.event && c.event < w.to)) sampled[c.kind]++;
  }
  return { windows, found, sampled };
}

function shuffle<T>(xs: T[], random: () => number): void {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
}

/** Events of [from, to) already inside the spans. */
function overlap(spans: ReadonlyArray<[number, number]>, from: number, to: number): number {
  const inside = new Set<number>();
  for (const [a, b] of spans) for (let e = Math.max(a, from); e < Math.min(b, to); e++) inside.add(e);
  return inside.size;
}

/** Sorted, disjoint windows covering exactly the spans' events (touching spans join). */
function merged(spans: ReadonlyArray<[number, number]>): EventWindow[] {
  const sorted = [...spans].sort((a, b) => a[0] - b[0]);
  const out: EventWindow[] = [];
  for (const [from, to] of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && from <= last.to) last.to = Math.max(last.to, to);
    else out.push({ from, to });
  }
  return out;
}

/** Why a list of windows cannot be replayed (each non-empty, sorted, none overlapping the next), or null. */
export function windowsProblem(ws: readonly EventWindow[]): string | null {
  for (let i = 0; i < ws.length; i++) {
    const w = ws[i]!;
    if (!(Number.isSafeInteger(w.from) && w.from >= 0 && w.to > w.from)) return `window ${i} (${w.from} to ${w.to}) holds no event`;
    if (i > 0 && w.from < ws[i - 1]!.to) return `window ${i} (from ${w.from}) starts before window ${i - 1} ends (${ws[i - 1]!.to})`;
  }
  return null;
}

/** The number of events the windows hold. */
export const windowEvents = (ws: readonly EventWindow[]): number => ws.reduce((n, w) => n + w.to - w.from, 0);
