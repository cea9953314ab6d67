/**
 * The replay compares a node's set field with the spec's by the keys either side changed since
 * they were last found equal (traceView.ts sameSet). When the spec's persistent set moved more
 * than 64 versions past that point, the changed keys are not collected and the whole set is
 * compared instead: that fallback must still find one element the trace got wrong.
 */
import { describe, expect, it } from 'vitest';
import type { PValue } from '../../src/trace/format/types.js';
import { pvalueKey } from '../../src/trace/format/keys.js';
import { NodeView, viewMatches } from '../../src/trace/replay/traceView.js';
import { PSet, type PMap } from '../../src/trace/spec/pmap.js';
import { configFromConstants, initialState, nodeToJson } from '../../src/trace/spec/specState.js';

const VERSIONS = 70; // past changedKeys' limit of 64
const pvalue = (slot: number): PValue => ({ ballot: { num: 1, leader: 1 }, slot, prop: { caller: 1, clientId: slot, input: `in ${slot}` } });

/** A node's view found equal to its initial spec state, and that state with VERSIONS pvalues accepted one at a time. */
function setUp() {
  const s = initialState(configFromConstants({ N: 3, Window: 5 }));
  const node = s.nodes[1]!;
  const view = NodeView.fromJson(nodeToJson(s, 1, []));
  expect(viewMatches(view, node, PSet.empty())).toBe(true);
  const pvalues = Array.from({ length: VERSIONS }, (_, i) => pvalue(i + 1));
  let accepted = node.aAccepted as PMap<PValue>;
  for (const v of pvalues) accepted = accepted.with(pvalueKey(v), v);
  expect(accepted.changedKeys(node.aAccepted as PMap<PValue>)).toBeNull(); // the fallback's case
  return { view, next: { ...node, aAccepted: accepted }, pvalues };
}

describe('a set field compared after more than 64 spec versions', () => {
  it('equal: the trace added the same pvalues', () => {
    const { view, next, pvalues } = setUp();
    view.apply({ aAccepted: { add: pvalues } });
    expect(viewMatches(view, next, PSet.empty())).toBe(true);
  });

  it('one pvalue at another slot, the count the same: not equal', () => {
    const { view, next, pvalues } = setUp();
    view.apply({ aAccepted: { add: [...pvalues.slice(0, -1), pvalue(VERSIONS + 30)] } });
    expect(viewMatches(view, next, PSet.empty())).toBe(false);
  });

  it('a pvalue the spec removed kept, one it added left out (the keys the trace changed all agree): not equal', () => {
    // Found equal holding pvalue 0; the spec then drops it and accepts VERSIONS others. The
    // trace keeps it and adds all but the last: the sizes agree, and every key the trace's
    // delta touched agrees too; only the spec's own changes, which the fallback does not list, differ.
    const s = initialState(configFromConstants({ N: 3, Window: 5 }));
    const first = pvalue(0);
    const node = { ...s.nodes[1]!, aAccepted: (s.nodes[1]!.aAccepted as PMap<PValue>).with(pvalueKey(first), first) };
    const view = NodeView.fromJson({ ...nodeToJson(s, 1, []), aAccepted: [first] });
    expect(viewMatches(view, node, PSet.empty())).toBe(true);
    const pvalues = Array.from({ length: VERSIONS }, (_, i) => pvalue(i + 1));
    let accepted = (node.aAccepted as PMap<PValue>).without(pvalueKey(first));
    for (const v of pvalues) accepted = accepted.with(pvalueKey(v), v);
    view.apply({ aAccepted: { add: pvalues.slice(0, -1) } });
    expect(viewMatches(view, { ...node, aAccepted: accepted }, PSet.empty())).toBe(false);
  });

  it('one pvalue missing: not equal', () => {
    const { view, next, pvalues } = setUp();
    view.apply({ aAccepted: { add: pvalues.slice(1) } });
    expect(viewMatches(view, next, PSet.empty())).toBe(false);
  });
});
