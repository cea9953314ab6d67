/**
 * One part of a parallel breadth-first search (parallelExplorer.ts drives the parts, one per
 * worker thread, or all in one thread for tests). Every state has one owner, the part its
 * fingerprint names (ownerOf): only the owner records it, checks its invariants and expands it,
 * so each distinct state is counted, checked and expanded once, as in explorer.ts.
 *
 * A level is run in two halves. runLevel expands the part's frontier: a successor it owns is
 * handled as explorer.ts handles every successor; one another part owns is judged against the
 * CONSTRAINT here (cached, so that the transition counts are the sequential search's) and, if
 * inside and not sent before, queued for its owner. receive then takes the other parts'
 * batches: a state not seen before joins the next frontier. The result is the sequential
 * search's, count for count (distinct, generated, per action, depth): the set of reachable
 * states inside the constraints, and the transitions between them, do not depend on the order
 * they are found in. test/explore/parallel.test.ts compares them.
 *
 * A batch carries encoded states in the sender's interned ids together with the entries the
 * sender interned since its last batch to that part (stateCodec.ts: exportSince, importFrom).
 */
import { applyStep, type Step } from '../trace/spec/fastSpec.js';
import { type SpecConfig, type SpecState, initialState } from '../trace/spec/specState.js';
import { messageKey } from '../trace/format/keys.js';
import type { SpecMessage } from '../trace/format/types.js';
import { FingerprintSet, hash64 } from './fingerprints.js';
import { type StateConstraint, type StateInvariant, type StepProperty, boundsOf } from './properties.js';
import { type SuccessorFn, successorsFor } from './mutantSteps.js';
import { type CodecExport, type ExportMarks, type Renaming, StateCodec } from './stateCodec.js';
import { Column, VectorQueue } from './vectorStore.js';

/** What a part searches: the model's spec and properties (functions: built in each thread). */
export interface PartModel {
  cfg: SpecConfig;
  mutant: string;
  invariants: Record<string, StateInvariant>;
  stepProperties: Record<string, StepProperty>;
  constraints: Record<string, StateConstraint>;
  checkDeadlock: boolean;
}

export interface PartOptions {
  part: number;
  parts: number;
  /** Keep the `size` states with the least seeded hash of their fingerprint (a uniform sample, whatever the order of the search). */
  sample?: { size: number; seed: number };
  /** Keep, for each message some step receives, the receiving state with the least fingerprint. */
  samplePerMessage?: boolean;
  /**
   * A planted bug for the tests: the owner chosen from the sender's interned ids instead of the
   * content fingerprint, so that two parts may own one state (the counts must then differ).
   */
  plantOwnerByIds?: boolean;
}

/** A state's place in the search: the part that owns it and its number there. */
export interface StateRef { part: number; id: number }

export interface PartViolation {
  property: string;
  kind: 'invariant' | 'step' | 'deadlock';
  detail: string;
  /** The state that violates the invariant, has no successor, or takes the breaking step. */
  at: StateRef;
}

/** One batch from a part to another: dictionary entries, then records [parentId, hi, lo, length, ...vector]. */
export interface Batch { from: number; dictionary: CodecExport; records: Int32Array }

export interface LevelResult { violation?: PartViolation; outbox: Array<Batch | undefined> }

export interface PartCounts {
  distinct: number;
  generated: number;
  outside: number;
  queued: number;
  perAction: Record<string, number>;
  /** The deepest level at which this part admitted a state. */
  depth: number;
}

/** Per state: the parent's part and number, and the fingerprint (to rebuild a counterexample). */
export interface PartColumns { parentPart: Int32Array; parentId: Int32Array; fpHi: Uint32Array; fpLo: Uint32Array }

/** The part of `parts` that owns the state of fingerprint (hi, lo). */
export const ownerOf = (hi: number, lo: number, parts: number): number => ((hi ^ lo) >>> 0) % parts;

/** A sample entry: the order key (seeded hash of the fingerprint) and the state. */
export interface Sampled { key: number; hi: number; lo: number; state: SpecState }

class Outgoing {
  words: number[] = [];
  marks: ExportMarks = { messages: 0, nodes: 0, invokedSets: 0 };
}

export class Partition {
  readonly codec: StateCodec;
  private readonly successors: SuccessorFn;
  private readonly bounds: ReturnType<typeof boundsOf>;
  private readonly invariants: Array<[string, StateInvariant]>;
  private readonly stepProperties: Array<[string, StepProperty]>;
  private readonly constraints: Array<[string, StateConstraint]>;
  /** States this part owns. */
  private readonly seen = new FingerprintSet(1 << 16);
  /** Successors found outside the constraints (any owner): judged once per part. */
  private readonly outside = new FingerprintSet(1 << 10);
  /** Successors inside the constraints that another part owns, sent to it already. */
  private readonly sent = new FingerprintSet(1 << 16);
  private readonly parentPart = new Column(new Int32Array(1024), (n) => new Int32Array(n));
  private readonly parentId = new Column(new Int32Array(1024), (n) => new Int32Array(n));
  private readonly fpHi = new Column(new Uint32Array(1024), (n) => new Uint32Array(n));
  private readonly fpLo = new Column(new Uint32Array(1024), (n) => new Uint32Array(n));
  private frontier = new VectorQueue();
  private next = new VectorQueue();
  private readonly outgoing: Outgoing[];
  private readonly renamings: Renaming[];
  /** By message object (the codec's interned one: one per message), its text built only in messageSampled. */
  private readonly perMessage = new Map<SpecMessage, { hi: number; lo: number; v: Int32Array }>();
  /** Sampled states, as [key, hi, lo, vector], largest key first once full. */
  private readonly sample: Array<{ key: number; hi: number; lo: number; v: Int32Array }> = [];
  private readonly counts: PartCounts = { distinct: 0, generated: 0, outside: 0, queued: 0, perAction: {}, depth: 0 };
  private level = 0;

  constructor(readonly model: PartModel, readonly options: PartOptions, successors?: SuccessorFn) {
    if (!(options.parts >= 1 && options.part >= 0 && options.part < options.parts)) throw new Error(`part ${options.part} of ${options.parts}`);
    this.codec = new StateCodec(model.cfg.N);
    this.successors = successors ?? successorsFor(model.mutant);
    this.bounds = boundsOf(model.cfg, model.mutant);
    this.invariants = Object.entries(model.invariants);
    this.stepProperties = Object.entries(model.stepProperties);
    this.constraints = Object.entries(model.constraints);
    this.outgoing = Array.from({ length: options.parts }, () => new Outgoing());
    this.renamings = Array.from({ length: options.parts }, () => ({ messages: [], nodes: [], invokedSets: [] }));
    const init = initialState(model.cfg);
    for (const [name, c] of this.constraints) if (!c(this.bounds, init)) throw new Error(`the initial state violates the constraint ${name}`);
    const v = this.codec.encode(init);
    const [hi, lo] = this.codec.fingerprintOf(v);
    if (this.owner(v, hi, lo) === options.part) this.admit(v, -1, -1, hi, lo);
    this.swap();
  }

  get frontierSize(): number { return this.frontier.length; }

  private owner(v: Int32Array, hi: number, lo: number): number {
    if (this.options.plantOwnerByIds) { const [h, l] = hash64(v); return ownerOf(h, l, this.options.parts); }
    return ownerOf(hi, lo, this.options.parts);
  }

  private admit(v: Int32Array, fromPart: number, fromId: number, hi: number, lo: number): boolean {
    if (!this.seen.add(hi, lo)) return false;
    const id = this.counts.distinct++;
    this.parentPart.set(id, fromPart);
    this.parentId.set(id, fromId);
    this.fpHi.set(id, hi);
    this.fpLo.set(id, lo);
    this.counts.depth = this.level;
    this.next.push(id, v);
    if (this.options.sample !== undefined) this.keepSample(v, hi, lo, this.options.sample);
    return true;
  }

  /** Bottom-k sampling: the states with the k least keys, a uniform sample in any search order. */
  private keepSample(v: Int32Array, hi: number, lo: number, opt: { size: number; seed: number }): void {
    const key = hash64(Int32Array.of(hi, lo, opt.seed))[0];
    const s = this.sample;
    if (s.length >= opt.size && key >= s[0]!.key) return;
    const entry = { key, hi, lo, v };
    if (s.length >= opt.size) s.shift();
    // Kept sorted by decreasing key (k is small: a linear insertion is enough).
    let i = 0;
    while (i < s.length && s[i]!.key > key) i++;
    s.splice(i, 0, entry);
  }

  /** The next frontier becomes the current one (between levels). */
  swap(): void {
    this.frontier = this.next;
    this.next = new VectorQueue();
    this.level++;
  }

  /** Expands every state of the frontier: stops at this part's first violation. */
  runLevel(): LevelResult {
    const { bounds, codec, model } = this;
    const me = this.options.part;
    while (this.frontier.length > 0) {
      const [id, v] = this.frontier.shift();
      const s = codec.view(v);
      for (const [name, inv] of this.invariants) {
        const bad = inv(bounds, s);
        if (bad !== undefined) return this.stop({ property: name, kind: 'invariant', detail: bad, at: { part: me, id } });
      }
      const steps = this.successors(model.cfg, s);
      if (steps.length === 0 && model.checkDeadlock) return this.stop({ property: 'Deadlock', kind: 'deadlock', detail: 'no action is enabled', at: { part: me, id } });
      for (const step of steps) {
        this.counts.generated++;
        if (this.options.samplePerMessage) this.keepPerMessage(step, id, v);
        for (const [name, p] of this.stepProperties) {
          const broken = p(bounds, s, step);
          if (broken !== undefined) return this.stop({ property: name, kind: 'step', detail: broken, at: { part: me, id } });
        }
        // Overwritten by the next step's encoding: copied only if the state is new.
        const child = codec.encodeStepInPlace(v, s, step);
        const [hi, lo] = codec.fingerprintOf(child);
        const owner = this.owner(child, hi, lo);
        // As explorer.ts: a state known inside the constraints counts as a transition and
        // nothing more; one judged outside is remembered; any other is judged once.
        const known = owner === me ? this.seen.has(hi, lo) : this.sent.has(hi, lo);
        if (!known && this.constraints.length > 0) {
          if (this.outside.has(hi, lo)) continue;
          const cs = codec.view(child);
          if (!this.constraints.every(([, c]) => c(bounds, cs))) { this.outside.add(hi, lo); this.counts.outside++; continue; }
        }
        this.counts.perAction[step.action] = (this.counts.perAction[step.action] ?? 0) + 1;
        if (known) continue;
        if (owner === me) this.admit(child.slice(), me, id, hi, lo);
        else {
          this.sent.add(hi, lo);
          const out = this.outgoing[owner]!.words;
          out.push(id, hi | 0, lo | 0, child.length);
          for (let i = 0; i < child.length; i++) out.push(child[i]!);
        }
      }
    }
    return { outbox: this.flush() };
  }

  private stop(violation: PartViolation): LevelResult {
    return { violation, outbox: this.flush() };
  }

  private keepPerMessage(step: Step, id: number, v: Int32Array): void {
    if (step.param === undefined || !('message' in step.param)) return;
    const key = step.param.message;
    const hi = this.fpHi.get(id);
    const lo = this.fpLo.get(id);
    const had = this.perMessage.get(key);
    if (had === undefined || hi < had.hi || (hi === had.hi && lo < had.lo)) this.perMessage.set(key, { hi, lo, v });
  }

  /** The batches for the other parts (undefined where there is nothing to send). */
  private flush(): Array<Batch | undefined> {
    return this.outgoing.map((o, to) => {
      if (to === this.options.part || o.words.length === 0) return undefined;
      const [dictionary, marks] = this.codec.exportSince(o.marks);
      o.marks = marks;
      const records = Int32Array.from(o.words);
      o.words = [];
      return { from: this.options.part, dictionary, records };
    });
  }

  /** Takes another part's batch of the level just run: its new states join the next frontier. */
  receive(batch: Batch): void {
    const renaming = this.renamings[batch.from]!;
    this.codec.importFrom(batch.dictionary, renaming);
    const r = batch.records;
    for (let i = 0; i < r.length;) {
      const parent = r[i]!;
      const hi = r[i + 1]! >>> 0;
      const lo = r[i + 2]! >>> 0;
      const len = r[i + 3]!;
      const theirs = r.subarray(i + 4, i + 4 + len);
      i += 4 + len;
      if (this.seen.has(hi, lo)) continue;
      this.admit(this.codec.translate(theirs, renaming), batch.from, parent, hi, lo);
    }
  }

  get interned(): { messages: number; nodes: number } { return { messages: this.codec.messages.size, nodes: this.codec.nodes.size }; }

  countsNow(): PartCounts {
    return { ...this.counts, perAction: { ...this.counts.perAction }, queued: this.next.length + this.frontier.length };
  }

  columns(): PartColumns {
    const n = this.counts.distinct;
    return { parentPart: this.parentPart.copy(n), parentId: this.parentId.copy(n), fpHi: this.fpHi.copy(n), fpLo: this.fpLo.copy(n) };
  }

  sampled(): Sampled[] {
    return this.sample.map((e) => ({ key: e.key, hi: e.hi, lo: e.lo, state: this.codec.decode(e.v) }));
  }

  messageSampled(): Array<{ message: string; hi: number; lo: number; state: SpecState }> {
    return [...this.perMessage].map(([message, e]) => ({ message: messageKey(message), hi: e.hi, lo: e.lo, state: this.codec.decode(e.v) }));
  }
}

/** The state a step leads to (a counterexample's last state when a step property breaks). */
export const stateAfter = (s: SpecState, step: Step): SpecState => applyStep(s, step);
