/**
 * The three properties that make forgetting dead messages sound (src/trace/spec/deadMessages.ts),
 * checked by the explorer as step properties of the fast encoding on CI models; and predicates
 * that call too much dead, each broken by one of them.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../src/modelcheck/cfg/models.js';
import { explore } from '../../src/explore/explorer.js';
import { exploreModel } from '../../src/explore/model.js';
import { applyStep, type Step } from '../../src/trace/spec/fastSpec.js';
import { DeadMessages } from '../../src/trace/spec/deadMessages.js';
import type { SpecConfig, SpecState } from '../../src/trace/spec/specState.js';
import { messageKey, propKey } from '../../src/trace/format/keys.js';
import type { Proposal, SpecMessage } from '../../src/trace/format/types.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const modelPath = (name: string): string => {
  const local = join(ROOT, 'test', 'spec', 'models', `${name}.cfg`);
  return existsSync(local) ? local : join(ROOT, 'spec', `${name}.cfg`);
};

type Dead = (cfg: SpecConfig, s: SpecState) => (m: SpecMessage) => boolean;
/** The predicate under test, with rSnap membership answered by a scan (models are small). */
const projectDead: Dead = (cfg, s) => {
  const d = new DeadMessages(cfg, s, (n, key) => s.nodes[n]!.rSnap.executed.toArray().some((p) => propKey(p) === key));
  return (m) => d.isDead(m);
};

/** One node's state as text (to see a step change nothing). */
const nodeKey = (x: SpecState['nodes'][number]): string => JSON.stringify(x, (_k, v: unknown) => {
  if (v instanceof Map) return [...v.keys()].sort();
  if (v instanceof Set) return [...v].map(String).sort();
  return v;
});
/** Whether every node's state is the same in both (steps replace what they change, so an unchanged node is the same object). */
const sameNodes = (s: SpecState, t: SpecState): boolean =>
  s.nodes.every((x, i) => i === 0 || x === t.nodes[i] || nodeKey(x) === nodeKey(t.nodes[i]!));

/**
 * `dead` asked once per state, and each step applied once: the explorer hands every property the
 * same state object and step object for one transition, and each property asks both.
 */
function memoized(dead: Dead): { dead: Dead; after: (s: SpecState, step: Step) => SpecState } {
  const byState = new WeakMap<SpecState, (m: SpecMessage) => boolean>();
  const byStep = new WeakMap<Step, SpecState>();
  return {
    dead: (cfg, s) => {
      let d = byState.get(s);
      if (d === undefined) byState.set(s, (d = dead(cfg, s)));
      return d;
    },
    after: (s, step) => {
      let t = byStep.get(step);
      if (t === undefined) byStep.set(step, (t = applyStep(s, step)));
      return t;
    },
  };
}

function deadProperties(cfg: SpecConfig, raw: Dead) {
  const { dead, after: applied } = memoized(raw);
  return {
    DeadReceiptStutters: (_b: unknown, s: SpecState, step: Step): string | undefined => {
      const m = (step.param as { message?: SpecMessage } | undefined)?.message;
      if (m === undefined || !dead(cfg, s)(m)) return undefined;
      if (step.invoke || step.restart) return `${step.action} of dead ${messageKey(m)} invokes or restarts`;
      const t = applied(s, step);
      if (!sameNodes(s, t)) return `${step.action} at node ${step.n} of dead ${messageKey(m)} changes a node`;
      const after = dead(cfg, t);
      for (const x of step.sent) if (!after(x)) return `${step.action} of dead ${messageKey(m)} sends live ${messageKey(x)}`;
      return undefined;
    },
    DeadMonotone: (_b: unknown, s: SpecState, step: Step): string | undefined => {
      const before = dead(cfg, s); const after = dead(cfg, applied(s, step));
      for (const m of s.msgs.values()) if (before(m) && !after(m)) return `${step.action} at node ${step.n} revives ${messageKey(m)}`;
      return undefined;
    },
    NoDeadDecisionSent: (_b: unknown, s: SpecState, step: Step): string | undefined => {
      const after = dead(cfg, applied(s, step));
      for (const x of step.sent) if (x.type === 'Decision' && after(x)) return `${step.action} at node ${step.n} sends dead ${messageKey(x)}`;
      return undefined;
    },
  };
}

/** A model that is there for one rule: some state of it must hold a message that rule calls dead. */
const EXERCISES: Record<string, SpecMessage['type']> = { 'welcome-restart': 'Welcome' };

function check(name: string, raw: Dead) {
  const model = exploreModel(loadModel(modelPath(name)));
  const { dead } = memoized(raw);
  const props = deadProperties(model.cfg, dead);
  // Count dead receipts: a model where none happens would check nothing.
  let deadReceipts = 0;
  // A model there for one rule: does any state hold a message of that type the rule calls dead?
  // (A dead Welcome is never received: the spec's ReplicaReceiveWelcome is disabled for it.)
  const rule = EXERCISES[name];
  let ruleFired = false;
  // States where a node's acceptor mark is above its replica's snapshot slot: in none of them
  // (AcceptorCompact raises the mark to that slot) does a dead Decision's snapshot term decide.
  let markAboveSnapshot = 0;
  const counting = { ...props, DeadReceiptStutters: (b: unknown, s: SpecState, step: Step) => {
    if (s.nodes.some((x, n) => n > 0 && x.aMark > x.rSnap.slot)) markAboveSnapshot++;
    const m = (step.param as { message?: SpecMessage } | undefined)?.message;
    if (m !== undefined && dead(model.cfg, s)(m)) deadReceipts++;
    if (rule !== undefined && !ruleFired) {
      const isDead = dead(model.cfg, s);
      for (const x of s.msgs.values()) if (x.type === rule && isDead(x)) { ruleFired = true; break; }
    }
    return props.DeadReceiptStutters(b, s, step);
  } };
  const r = explore({ cfg: model.cfg, mutant: model.mutant, invariants: model.invariants, constraints: model.constraints,
    stepProperties: { ...model.stepProperties, ...counting }, checkDeadlock: false });
  return { r, deadReceipts, ruleFired, markAboveSnapshot };
}

describe('dead messages (what a trace checker may forget)', () => {
  it.each(['checkpoint-restart', 'ci-checkpoint', 'ci-restart', 'ci-preempt-three', 'ci-race', 'ci-welcome-parts', 'ci-promise-parts', 'checkpoint-two-proposers',
    'welcome-restart'])(
    'on %s: a dead message received changes nothing, stays dead, and no dead Decision is sent', (name) => {
      const { r, deadReceipts, ruleFired, markAboveSnapshot } = check(name, projectDead);
      expect(r.violation?.detail).toBeUndefined();
      expect(r.verdict).toBe('pass');
      expect(deadReceipts).toBeGreaterThan(0);
      // What docs/verification.md says of a Decision judged dead by the marks alone (equivalent).
      expect(markAboveSnapshot).toBe(0);
      if (EXERCISES[name] !== undefined) expect(ruleFired).toBe(true);
    }, 600_000);

  // Too much called dead: each is a checker that would forget a message a later step acts on.
  // (Only in checkpoint-restart does every node compact: there the slot rules are put to the test.)
  const mutated = (name: string, type: SpecMessage['type'], dead: (s: SpecState, m: SpecMessage) => boolean): [string, Dead] =>
    [name, (cfg, s) => { const d = projectDead(cfg, s); return (m) => (m.type === type ? dead(s, m) : d(m)); }];
  const minMark = (s: SpecState): number => Math.min(...s.nodes.slice(1).map((x) => x.aMark));
  const minSnap = (s: SpecState): number => Math.min(...s.nodes.slice(1).map((x) => x.rSnap.slot));
  const slotOf = (m: SpecMessage): number => (m as { slot: number }).slot;
  const tooMuch: Record<string, [string, Dead]> = {
    'a Decision at the lowest mark (off by one)': mutated('checkpoint-restart', 'Decision', (s, m) => slotOf(m) <= Math.min(minMark(s), minSnap(s))),
    'a Decision below every snapshot, not every mark': mutated('checkpoint-restart', 'Decision', (s, m) => slotOf(m) < minSnap(s)),
    'an Accept at the lowest mark (off by one)': mutated('checkpoint-restart', 'Accept', (s, m) => slotOf(m) <= minMark(s)),
    'a Propose at the lowest mark (off by one)': mutated('checkpoint-restart', 'Propose', (s, m) => slotOf(m) <= minMark(s)),
    'a Prepare whose scout ended, before every acceptor promised it': mutated('ci-preempt-three', 'Prepare', (s, m) => {
      const b = (m as { ballot: { num: number; leader: number } }).ballot; const x = s.nodes[b.leader]!;
      return (x.lBallot.num > b.num || (x.lBallot.num === b.num && x.lBallot.leader > b.leader)) && x.scout === null;
    }),
    'an Accepted of its leader\'s current ballot': mutated('ci-race', 'Accepted', (s, m) => {
      const b = (m as { ballot: { num: number; leader: number } }).ballot; const x = s.nodes[b.leader]!;
      return x.lBallot.num === b.num && x.lBallot.leader === b.leader;
    }),
    'an Invoke its replica executed (not yet in its snapshot)': mutated('checkpoint-restart', 'Invoke', (s, m) => {
      const x = s.nodes[(m as { replica: number }).replica]!;
      return x.rExecutedIds.has((m as { prop: Proposal }).prop);
    }),
    // Only welcome-restart has a node welcomed, then restarted again: a Welcome it installed is
    // live again once the restart takes it back below the Welcome's slot.
    'a Welcome at or below its addressee\'s next slot': mutated('welcome-restart', 'Welcome', (s, m) => {
      const w = m as { node: number; slot: number };
      return w.slot <= s.nodes[w.node]!.rSlotOut;
    }),
  };
  it.each(Object.keys(tooMuch))('calling dead %s breaks a property', (what) => {
    const [name, dead] = tooMuch[what]!;
    const { r } = check(name, dead);
    expect(r.verdict).toBe('violation');
    expect(['DeadReceiptStutters', 'DeadMonotone', 'NoDeadDecisionSent']).toContain(r.violation?.property);
  }, 600_000);
});
