/**
 * The search for a linearization of one part of a history: Wing & Gong's depth-first
 * search with Lowe's memoisation.
 *
 * A linearization is built one operation at a time. An operation may come next when no
 * operation still outside it returned before this one was called (real-time order). It is
 * placed if the model, from the current state, could have given the output the client saw;
 * when no operation fits, the search backs up and tries the next candidate. The search
 * succeeds when every operation that returned is placed. An operation that never returned
 * may be placed anywhere after its call, or never, and at most once.
 *
 * Memoisation: the rest of the search depends only on which operations are placed and on
 * the model state, so each (placed set, state) pair is explored once. The placed set is
 * encoded compactly: real-time order makes it almost a prefix of the returned operations in
 * call order (see memoKey).
 *
 * Reduction, when the model gives footprints (partition.ts). Let R be the returned operation
 * not yet placed that returned first. Whatever comes before R was called before R returned:
 * call that set the window. No window operation returned before another was called (each
 * was called before R, the earliest, returned), so real time does not order them. Take the
 * closure of R: R and every window operation whose footprint meets the closure's names.
 * Any linearization can move the window operations outside the closure to just after R:
 * their names are disjoint from the closure's, so every output and the final state are the
 * same, and real time is respected. So only the closure is tried next (a persistent set, in
 * partial-order reduction's terms). It depends only on the placed set, so the memo stays
 * sound. Without it, a wrong guess made early costs every subset of the window before the
 * search backs up; with it, only the operations that touch R's names. An operation that
 * never returned is tried only when it touches them too.
 *
 * Candidate order: returned operations by return time (Lowe's "just in time": the one that
 * must be placed soonest first), then operations that never returned. One more pruning,
 * sound because the operation can simply be left out: an operation that never returned is
 * not placed where it leaves the state as it was.
 *
 * Cost. A linearizable history is typically checked in one to two model steps per operation.
 * The worst case is exponential (the problem is NP-complete): when the search must back up,
 * it tries the subsets of the operations in play. Operations that never returned stay in
 * play from their call to the end, so each one that touches the names where the search is
 * stuck can double its work. Kv spreads them over keys; in the bank, where transfers join
 * every account into one part, a few dozen in a few hundred operations can exhaust any
 * budget (measured: bench/linearizability.ts). Hence the budget, and ok: 'unknown'.
 */
import { hasReturned, type Operation } from './history.js';
import type { Model, Outcome, StepResult } from './model.js';
import type { FootprintOf } from './partition.js';

/** A limit on work, shared by all the parts of one check. */
export interface Budget {
  readonly deadlineMs: number;
  readonly maxSteps: number;
  readonly memo: boolean;
  steps: number;
  /** When `steps` reaches this, read the clock. */
  nextClockRead: number;
}

/** The clock is read once per this many model steps: cheap, and fine-grained enough for a budget in ms. */
const STEPS_PER_CLOCK_READ = 1024;

function outOfBudget(budget: Budget): boolean {
  if (budget.steps > budget.maxSteps) return true;
  if (budget.steps < budget.nextClockRead) return false;
  budget.nextClockRead = budget.steps + STEPS_PER_CLOCK_READ;
  return performance.now() > budget.deadlineMs;
}

export interface StuckOperation {
  readonly op: Operation;
  /** The model's description of the operation. */
  readonly description: string;
  /** The model's output from the state the linearization reached. */
  readonly expected: unknown;
  /** True when the output fits (or is unknown) but every way to go on from there failed. */
  readonly placeable: boolean;
}

export type SearchOutcome =
  | { readonly kind: 'linearizable'; readonly order: readonly Operation[] }
  | { readonly kind: 'not-linearizable'; readonly longestPrefix: readonly Operation[]; readonly state: string; readonly stuckAt: readonly StuckOperation[] }
  | { readonly kind: 'budget-exhausted' };

function byCallThenId(a: Operation, b: Operation): number {
  return a.call - b.call || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

interface Level<S> {
  readonly state: S;
  readonly candidates: readonly number[];
  next: number;
  /** The operation placed to reach the level above, or -1. */
  placed: number;
}

export class PartitionSearch<S> {
  /** Returned operations in call order, then the others in call order. */
  private readonly ops: readonly Operation[];
  private readonly returnedCount: number;
  private readonly call: Float64Array;
  private readonly ret: Float64Array;
  private readonly outcomes: readonly Outcome[];
  /** Returned operations in return order, and each one's rank in it. */
  private readonly byRet: Int32Array;
  private readonly rankByRet: Int32Array;
  private readonly placed: Uint8Array;
  private placedReturned = 0;
  /** The first returned operation not placed, in call order and in return order. */
  private firstOpen = 0;
  private firstOpenByRet = 0;
  /** Each operation's footprint as name numbers, or undefined: no reduction. */
  private readonly names: readonly Int32Array[] | undefined;
  /** Scratch for the closure: nameMark[n] === closureRound when name n is in the closure. */
  private readonly nameMark: Int32Array;
  private closureRound = 0;

  constructor(private readonly model: Model<S>, part: readonly Operation[], footprintOf?: FootprintOf) {
    const returned = part.filter(hasReturned).sort(byCallThenId);
    const unreturned = part.filter((op) => !hasReturned(op)).sort(byCallThenId);
    this.ops = [...returned, ...unreturned];
    this.returnedCount = returned.length;
    this.call = Float64Array.from(this.ops, (op) => op.call);
    this.ret = Float64Array.from(this.ops, (op) => op.ret ?? Infinity);
    this.outcomes = this.ops.map((op): Outcome => (hasReturned(op) ? { returned: true, output: op.output } : { returned: false }));
    this.byRet = Int32Array.from(returned.keys()).sort((a, b) => this.ret[a]! - this.ret[b]! || a - b);
    this.rankByRet = new Int32Array(returned.length);
    this.byRet.forEach((op, rank) => (this.rankByRet[op] = rank));
    this.placed = new Uint8Array(this.ops.length);
    const numbers = new Map<string, number>();
    const number = (name: string) => numbers.get(name) ?? (numbers.set(name, numbers.size), numbers.size - 1);
    this.names = footprintOf && this.ops.map((op) => Int32Array.from(footprintOf(op.input), number));
    this.nameMark = new Int32Array(numbers.size);
  }

  /** Operations that may come next and can matter, in the order they are tried. */
  private candidates(): number[] {
    if (this.firstOpenByRet >= this.returnedCount) return [];
    // Nothing called after the earliest return among returned operations not placed can come next.
    const first = this.byRet[this.firstOpenByRet]!;
    const horizon = this.ret[first]!;
    const window: number[] = [];
    for (let i = this.firstOpen; i < this.returnedCount && this.call[i]! <= horizon; i++) if (this.placed[i] === 0) window.push(i);
    window.sort((a, b) => this.ret[a]! - this.ret[b]! || a - b);
    for (let i = this.returnedCount; i < this.ops.length && this.call[i]! <= horizon; i++) if (this.placed[i] === 0) window.push(i);
    return this.names === undefined ? window : this.closure(first, window, this.names);
  }

  /** The window operations that can matter before `first` is placed (see the reduction above). */
  private closure(first: number, window: readonly number[], names: readonly Int32Array[]): number[] {
    const round = ++this.closureRound;
    const inside = new Uint8Array(window.length);
    const take = (k: number) => {
      inside[k] = 1;
      for (const n of names[window[k]!]!) this.nameMark[n] = round;
    };
    take(window.indexOf(first));
    for (let grew = true; grew; ) {
      grew = false;
      for (let k = 0; k < window.length; k++) {
        if (inside[k] === 0 && names[window[k]!]!.some((n) => this.nameMark[n] === round)) {
          take(k);
          grew = true;
        }
      }
    }
    return window.filter((_, k) => inside[k] === 1);
  }

  private place(i: number): void {
    this.placed[i] = 1;
    if (i >= this.returnedCount) return;
    this.placedReturned++;
    while (this.firstOpen < this.returnedCount && this.placed[this.firstOpen] === 1) this.firstOpen++;
    while (this.firstOpenByRet < this.returnedCount && this.placed[this.byRet[this.firstOpenByRet]!] === 1) this.firstOpenByRet++;
  }

  private unplace(i: number): void {
    this.placed[i] = 0;
    if (i >= this.returnedCount) return;
    this.placedReturned--;
    this.firstOpen = Math.min(this.firstOpen, i);
    this.firstOpenByRet = Math.min(this.firstOpenByRet, this.rankByRet[i]!);
  }

  /**
   * The placed set and the state, as text. With f the first returned operation not placed,
   * every returned operation before f is placed, and a placed one after f was called before
   * f returned (it was a candidate while f was open), so only that short window is listed;
   * then the placed operations that never returned.
   */
  private memoKey(stateId: number): string {
    let key = `${stateId}:${this.firstOpen}:`;
    const f = this.firstOpen;
    if (f < this.returnedCount) {
      for (let i = f + 1; i < this.returnedCount && this.call[i]! <= this.ret[f]!; i++) if (this.placed[i] === 1) key += `${i},`;
    }
    key += ':';
    for (let i = this.returnedCount; i < this.ops.length; i++) if (this.placed[i] === 1) key += `${i},`;
    return key;
  }

  private step(state: S, i: number, budget: Budget): StepResult<S> {
    budget.steps++;
    return this.model.step(state, this.ops[i]!.input, this.outcomes[i]!);
  }

  run(budget: Budget): SearchOutcome {
    const stateIds = new Map<string, number>();
    const seen = new Set<string>();
    const levels: Level<S>[] = [{ state: this.model.init(), candidates: this.candidates(), next: 0, placed: -1 }];
    let longest: number[] = [];
    let longestOnStack = false;
    for (;;) {
      if (this.placedReturned === this.returnedCount) return { kind: 'linearizable', order: levels.slice(0, -1).map((l) => this.ops[l.placed]!) };
      if (outOfBudget(budget)) return { kind: 'budget-exhausted' };
      const level = levels[levels.length - 1]!;
      if (level.next < level.candidates.length) {
        const i = level.candidates[level.next++]!;
        const result = this.step(level.state, i, budget);
        if (!result.ok) continue;
        const stateKey = this.model.key(result.state);
        if (i >= this.returnedCount && stateKey === this.model.key(level.state)) continue;
        this.place(i);
        if (budget.memo) {
          let id = stateIds.get(stateKey);
          if (id === undefined) stateIds.set(stateKey, (id = stateIds.size));
          const key = this.memoKey(id);
          if (seen.has(key)) {
            this.unplace(i);
            continue;
          }
          seen.add(key);
        }
        level.placed = i;
        levels.push({ state: result.state, candidates: this.candidates(), next: 0, placed: -1 });
        if (levels.length - 1 > longest.length) longestOnStack = true;
        continue;
      }
      if (levels.length === 1) return this.stuck(longest);
      if (longestOnStack) {
        // The stack is the deepest linearization so far; keep it before it is unwound.
        longest = levels.slice(0, -1).map((l) => l.placed);
        longestOnStack = false;
      }
      levels.pop();
      const parent = levels[levels.length - 1]!;
      this.unplace(parent.placed);
      parent.placed = -1;
    }
  }

  /** Replays the longest linearization and asks the model about each candidate after it. */
  private stuck(longest: readonly number[]): SearchOutcome {
    let state = this.model.init();
    for (const i of longest) {
      state = this.model.step(state, this.ops[i]!.input, this.outcomes[i]!).state;
      this.place(i);
    }
    const stuckAt = this.candidates().map((i): StuckOperation => {
      const { ok, expected } = this.model.step(state, this.ops[i]!.input, this.outcomes[i]!);
      return { op: this.ops[i]!, description: this.model.describe(this.ops[i]!), expected, placeable: ok };
    });
    return { kind: 'not-linearizable', longestPrefix: longest.map((i) => this.ops[i]!), state: this.model.describeState(state), stuckAt };
  }
}
