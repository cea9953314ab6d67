/**
 * The fast spec encoding (fastSpec.ts) against the spec's whole reachable state graph, as
 * tla-checker exports it (src/modelcheck/stateGraph.ts). At every state of the graph, the set
 * of (action, successor) pairs of its DOT edges must equal the set allSteps/applyStep give;
 * every state must have the ghosts monotone and refines TRUE; and every state must be
 * reachable from the TS initial state along the graph's edges (so the graph holds no state
 * the TS encoding's Init does not lead to). Sets are compared, since the DOT lists an
 * (action, target) pair once however many bindings lead to it.
 *
 * A model with a CONSTRAINT is a special case: tla-checker leaves states outside it out of the
 * graph, with the edges to them. With `pruned`, a TS transition to a state not in the graph is
 * then counted (and sampled, for the caller to check against the constraint) instead of being a
 * mismatch; every other transition is still compared both ways.
 *
 * Items are consumed one at a time: per state only interned keys are kept, not the state.
 */
import type { GraphItem } from '../../modelcheck/embedded/stateGraph.js';
import { stateToEmbeddedJson } from '../../modelcheck/embedded/stateGraph.js';
import { allSteps, applyStep } from '../spec/fastSpec.js';
import { type SpecConfig, type SpecState, initialState } from '../spec/specState.js';
import { fromTla, stateKey } from '../replay/tlaCodec.js';

/** The TS successors of a state; replaceable so a test can show a wrong encoding is caught. */
export type Successors = (cfg: SpecConfig, s: SpecState) => Iterable<{ action: string; state: SpecState }>;

export const fastSuccessors: Successors = function* (cfg, s) {
  for (const step of allSteps(cfg, s)) yield { action: step.action, state: applyStep(s, step) };
};

export interface Mismatch {
  /** The DOT id of the state. */
  id: string;
  /** Its canonical key (tlaCodec.stateKey). */
  state: string;
  /** Transitions the spec's graph has and the TS encoding lacks, as `Action -> target`. */
  specOnly: string[];
  /** Transitions the TS encoding has and the graph lacks. */
  tsOnly: string[];
  /** Both whole successor sets, as `action\nkey` (for diagnose). */
  graphSet: string[];
  tsSet: string[];
}

export interface GraphConformanceReport {
  states: number;
  /** DOT edge lines read. */
  edges: number;
  /** Distinct (state, action, successor) triples of the graph, each compared. */
  transitions: number;
  /** Distinct (state, action, successor) triples the TS encoding produced. */
  tsTransitions: number;
  /** Graph transitions per action. */
  perAction: Record<string, number>;
  mismatchCount: number;
  /** The first mismatches (up to maxMismatches). */
  mismatches: Mismatch[];
  /** With `pruned`: distinct TS transitions to states the graph does not hold, and a few of them. */
  leftGraph: number;
  leftGraphSamples: Array<{ id: string; action: string; target: string }>;
  /** States and edges that break the graph's own consistency (ghost FALSE, duplicates, unreachable). */
  errors: string[];
  ok: boolean;
}

export interface GraphConformanceOptions {
  cfg: SpecConfig;
  successors?: Successors;
  maxMismatches?: number;
  maxErrors?: number;
  /** The graph omits the states outside a CONSTRAINT (see above). */
  pruned?: boolean;
  /** How many transitions out of a pruned graph to sample (default 20). */
  maxSamples?: number;
}

/** Lines of `b` that differ from `a` (keys are one line per global variable or node), for messages. */
export function keyDiff(a: string, b: string): string {
  const la = a.split('\n');
  const lb = b.split('\n');
  const out: string[] = [];
  lb.forEach((l, i) => {
    if (l !== la[i]) out.push(`${i < 3 ? ['msgs', 'invoked', 'restarts'][i] : `node ${i - 2}`}: ${l}`);
  });
  return out.length === 0 ? '(no change)' : out.join(' | ');
}

export class GraphConformance {
  private readonly cfg: SpecConfig;
  private readonly successors: Successors;
  private readonly maxMismatches: number;
  private readonly maxErrors: number;
  private readonly pruned: boolean;
  private readonly maxSamples: number;
  /** Interned state keys: index -> key, key -> index (successor keys of non-graph states too). */
  private readonly keys: string[] = [];
  private readonly keyIndex = new Map<string, number>();
  /** DOT id -> key index of the state. */
  private readonly nodeKey = new Map<string, number>();
  /** Key index of a graph state -> its DOT id (to spot two ids for one state). */
  private readonly keyNode = new Map<number, string>();
  /** DOT id -> the TS transitions, as `action key-index`. */
  private readonly tsSucc = new Map<string, Set<string>>();
  private readonly edgeList: Array<{ from: string; to: string; action: string; line: number }> = [];
  private readonly errors: string[] = [];
  private errorCount = 0;

  constructor(opts: GraphConformanceOptions) {
    this.cfg = opts.cfg;
    this.successors = opts.successors ?? fastSuccessors;
    this.maxMismatches = opts.maxMismatches ?? 5;
    this.maxErrors = opts.maxErrors ?? 20;
    this.pruned = opts.pruned ?? false;
    this.maxSamples = opts.maxSamples ?? 20;
  }

  private intern(key: string): number {
    let i = this.keyIndex.get(key);
    if (i === undefined) { i = this.keys.length; this.keys.push(key); this.keyIndex.set(key, i); }
    return i;
  }

  private error(message: string): void {
    this.errorCount++;
    if (this.errors.length < this.maxErrors) this.errors.push(message);
  }

  add(item: GraphItem): void {
    if (item.kind === 'edge') { this.edgeList.push(item); return; }
    const decoded = fromTla(stateToEmbeddedJson(item.vars));
    if (!decoded.monotone || !decoded.refines) {
      this.error(`state ${item.id} (line ${item.line}): ghost ${decoded.monotone ? 'refines' : 'monotone'} is FALSE`);
    }
    const k = this.intern(stateKey(decoded.state, this.cfg.N));
    const other = this.keyNode.get(k);
    if (other !== undefined) this.error(`states ${other} and ${item.id} (line ${item.line}) decode to the same state`);
    else this.keyNode.set(k, item.id);
    this.nodeKey.set(item.id, k);
    const ts = new Set<string>();
    for (const t of this.successors(this.cfg, decoded.state)) ts.add(`${t.action} ${this.intern(stateKey(t.state, this.cfg.N))}`);
    this.tsSucc.set(item.id, ts);
  }

  /** `Action -> sK`, or the changed part of a state the graph does not have. */
  private describe(fromKey: number, transition: string): string {
    const [action, k] = transition.split(' ') as [string, string];
    const node = this.keyNode.get(Number(k));
    if (node !== undefined) return `${action} -> ${node} (${keyDiff(this.keys[fromKey]!, this.keys[Number(k)]!)})`;
    return `${action} -> a state not in the graph (${keyDiff(this.keys[fromKey]!, this.keys[Number(k)]!)})`;
  }

  finish(): GraphConformanceReport {
    const specSucc = new Map<string, Set<string>>();
    for (const id of this.nodeKey.keys()) specSucc.set(id, new Set());
    for (const e of this.edgeList) {
      const from = specSucc.get(e.from);
      const to = this.nodeKey.get(e.to);
      if (from === undefined || to === undefined) {
        this.error(`edge ${e.from} -> ${e.to} (line ${e.line}) names an undefined state ${from === undefined ? e.from : e.to}`);
        continue;
      }
      from.add(`${e.action} ${to}`);
    }
    const perAction: Record<string, number> = {};
    let transitions = 0;
    let tsTransitions = 0;
    let mismatchCount = 0;
    const mismatches: Mismatch[] = [];
    let leftGraph = 0;
    const leftGraphSamples: GraphConformanceReport['leftGraphSamples'] = [];
    const outside = (t: string): boolean => !this.keyNode.has(Number(t.slice(t.indexOf(' ') + 1)));
    for (const [id, spec] of specSucc) {
      const ts = this.tsSucc.get(id)!;
      transitions += spec.size;
      tsTransitions += ts.size;
      for (const t of spec) { const a = t.slice(0, t.indexOf(' ')); perAction[a] = (perAction[a] ?? 0) + 1; }
      const specOnly = [...spec].filter((t) => !ts.has(t));
      let tsOnly = [...ts].filter((t) => !spec.has(t));
      if (this.pruned) {
        for (const t of tsOnly.filter(outside)) {
          leftGraph++;
          if (leftGraphSamples.length < this.maxSamples) leftGraphSamples.push({ id, action: t.slice(0, t.indexOf(' ')), target: this.keys[Number(t.slice(t.indexOf(' ') + 1))]! });
        }
        tsOnly = tsOnly.filter((t) => !outside(t));
      }
      if (specOnly.length === 0 && tsOnly.length === 0) continue;
      mismatchCount++;
      if (mismatches.length < this.maxMismatches) {
        const k = this.nodeKey.get(id)!;
        const full = (t: string): string => `${t.slice(0, t.indexOf(' '))}\n${this.keys[Number(t.slice(t.indexOf(' ') + 1))]!}`;
        mismatches.push({
          id, state: this.keys[k]!, specOnly: specOnly.map((t) => this.describe(k, t)), tsOnly: tsOnly.map((t) => this.describe(k, t)),
          graphSet: [...spec].map(full), tsSet: [...ts].map(full),
        });
      }
    }
    this.checkReachable(specSucc);
    return {
      states: this.nodeKey.size, edges: this.edgeList.length, transitions, tsTransitions, perAction,
      mismatchCount, mismatches, leftGraph, leftGraphSamples, errors: this.errors,
      ok: mismatchCount === 0 && this.errorCount === 0 && this.nodeKey.size > 0,
    };
  }

  /** Every graph state is reached from the TS Init along graph edges (which the check proved equal to TS steps). */
  private checkReachable(specSucc: Map<string, Set<string>>): void {
    const init = this.keyNode.get(this.intern(stateKey(initialState(this.cfg), this.cfg.N)));
    if (init === undefined) { this.error('the TS initial state is not a state of the graph'); return; }
    const seen = new Set<number>([this.nodeKey.get(init)!]);
    const queue = [init];
    while (queue.length > 0) {
      for (const t of specSucc.get(queue.pop()!)!) {
        const k = Number(t.slice(t.indexOf(' ') + 1));
        if (!seen.has(k)) { seen.add(k); queue.push(this.keyNode.get(k)!); }
      }
    }
    const unreached = [...this.nodeKey.entries()].filter(([, k]) => !seen.has(k));
    if (unreached.length > 0) {
      this.error(`${unreached.length} states are not reachable from the TS initial state, e.g. ${unreached.slice(0, 3).map(([id]) => id).join(', ')}`);
    }
  }
}

/** Checks a whole graph, item by item. */
export function checkGraphConformance(items: Iterable<GraphItem>, opts: GraphConformanceOptions): GraphConformanceReport {
  const c = new GraphConformance(opts);
  for (const item of items) c.add(item);
  return c.finish();
}

/**
 * Which side of a mismatch the engine's own explore_next takes for that one state: it
 * agrees with the graph (the TS encoding is wrong), with the TS encoding (the graph is
 * incomplete or wrong), or with neither. `engineNext` gives the engine's successors of the
 * state in tla-checker's JSON encoding.
 */
export function diagnose(m: Mismatch, N: number, engineNext: () => Array<{ action: string; state: Record<string, unknown> }>): string {
  const engine = new Set(engineNext().map((t) => `${t.action}\n${stateKey(fromTla(t.state).state, N)}`));
  const same = (xs: string[]): boolean => xs.length === engine.size && xs.every((x) => engine.has(x));
  const g = same(m.graphSet);
  const t = same(m.tsSet);
  if (g && !t) return `explore_next agrees with the graph: the TS encoding (fastSpec) is wrong at state ${m.id}`;
  if (t && !g) return `explore_next agrees with the TS encoding: the graph is incomplete or wrong at state ${m.id}`;
  if (g && t) return `explore_next agrees with both (cannot happen: the two sets differ) at state ${m.id}`;
  return `explore_next agrees with neither the graph nor the TS encoding at state ${m.id} (${engine.size} successors)`;
}

/** A report as text: the counts, then each mismatch and error. */
export function formatReport(r: GraphConformanceReport): string {
  const lines: string[] = [];
  for (const m of r.mismatches) {
    lines.push(`mismatch at state ${m.id}:`, ...m.state.split('\n').map((l) => `    ${l}`));
    for (const t of m.specOnly) lines.push(`  spec allows, TS does not: ${t}`);
    for (const t of m.tsOnly) lines.push(`  TS allows, spec does not: ${t}`);
  }
  if (r.mismatchCount > r.mismatches.length) lines.push(`... and ${r.mismatchCount - r.mismatches.length} more states with mismatches`);
  for (const e of r.errors) lines.push(`error: ${e}`);
  return lines.join('\n');
}
