/**
 * Test helper: successor functions with a planted bug whose breaking step leads back to a state
 * found before, for the step-property tests of the sequential and the parallel explorer.
 */
import { expect } from 'vitest';
import { exploreSuccessors } from '../../src/explore/successors.js';
import { StateCodec } from '../../src/explore/stateCodec.js';
import type { SuccessorFn } from '../../src/explore/mutantSteps.js';
import { type Step, applyStep } from '../../src/trace/spec/fastSpec.js';
import { type NodeSpec, type SpecConfig, type SpecState, initialState } from '../../src/trace/spec/specState.js';

/** Acceptor 1 promises ballot 1, then takes the promise back: the second step goes to Init (two states). */
export function promiseTakenBack(cfg: SpecConfig, undo = true): SuccessorFn {
  const init = initialState(cfg);
  const promised: NodeSpec = { ...init.nodes[1]!, aBallot: { num: 1, leader: 1 } };
  return (_cfg, s) => [
    s.nodes[1]!.aBallot.num === 0
      ? { action: 'AcceptorReceivePrepare', n: 1, node: promised, sent: [] }
      : undo ? { action: 'NodeRestart', n: 1, node: init.nodes[1]!, sent: [] } : { action: 'AcceptorReceivePrepare', n: 1, node: promised, sent: [] },
  ];
}

/**
 * The spec's successors plus one planted bug: an acceptor may undo a compaction (as if it
 * reloaded its mark from before). AcceptorCompact sends nothing, so undoing it gives back
 * exactly the state it left. `planted()`: how many undoing steps were offered.
 */
export function undoneCompaction(n: number): { successors: SuccessorFn; planted: () => number; key: (s: SpecState) => string } {
  const codec = new StateCodec(n);
  const key = (s: SpecState): string => codec.encode(s).join();
  const compactedFrom = new Map<string, { n: number; before: NodeSpec }>();
  let planted = 0;
  const successors: SuccessorFn = (cfg, s) => {
    const steps = exploreSuccessors(cfg, s);
    for (const t of steps) {
      if (t.action !== 'AcceptorCompact') continue;
      expect(t.sent).toEqual([]);
      const k = key(applyStep(s, t));
      if (!compactedFrom.has(k)) compactedFrom.set(k, { n: t.n, before: s.nodes[t.n]! });
    }
    const undo = compactedFrom.get(key(s));
    if (undo !== undefined) {
      planted++;
      steps.push({ action: 'AcceptorCompact', n: undo.n, node: undo.before, sent: [] } satisfies Step);
    }
    return steps;
  };
  return { successors, planted: () => planted, key };
}
