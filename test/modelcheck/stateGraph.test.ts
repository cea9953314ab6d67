/** Reading tla-checker's full DOT state graph, and its states in the engine's JSON encoding. */
import { describe, expect, it } from 'vitest';
import { embeddedJsonToItf } from '../../src/modelcheck/values/itf.js';
import { StateGraphError, itfToEmbeddedJson, linesOf, parseStateGraph, readStateGraph } from '../../src/modelcheck/embedded/stateGraph.js';

// The engine's layout: header, two attribute lines, one line per state, one per edge.
const SMALL = String.raw`digraph StateGraph {
  rankdir=TB;
  node [shape=box, fontname="monospace"];
  s0 [label="msgs={}\nx=<<false, true>>\nr=[a |-> 1, b |-> \"op\"]"];
  s1 [label="msgs={[type |-> \"Prepare\", n |-> 2]}\nx=<<true, true>>\nr=[a |-> 1, b |-> \"op\"]"];
  s2 [label="msgs={}\nx=<<>>\nr=(1 :> \"a\" @@ 2 :> m1)"];
  s0 -> s1 [label="Send"];
  s0 -> s1 [label="Resend"];
  s1 -> s2 [label="Drop"];
}
`;

const bigint = (n: number) => ({ '#bigint': String(n) });

describe('readStateGraph / parseStateGraph', () => {
  it('reads states as ITF values and every edge with its action', () => {
    const g = parseStateGraph(SMALL);
    expect([...g.states.keys()]).toEqual(['s0', 's1', 's2']);
    expect(g.states.get('s0')).toEqual({
      msgs: { '#set': [] },
      x: { '#tup': [false, true] }, // the engine's lower-case booleans are booleans, not model values
      r: { a: bigint(1), b: 'op' },
    });
    expect(g.states.get('s1')!.msgs).toEqual({ '#set': [{ type: 'Prepare', n: bigint(2) }] });
    expect(g.states.get('s2')!.r).toEqual({ '#map': [[bigint(1), 'a'], [bigint(2), { '#unserializable': 'm1' }]] });
    // Two actions between the same pair of states are two edges.
    expect(g.edges).toEqual([
      { from: 's0', to: 's1', action: 'Send' },
      { from: 's0', to: 's1', action: 'Resend' },
      { from: 's1', to: 's2', action: 'Drop' },
    ]);
  });

  it('yields items one at a time with their line numbers', () => {
    const items = [...readStateGraph(linesOf(SMALL))];
    expect(items.map((i) => `${i.kind}@${i.line}`)).toEqual(['state@4', 'state@5', 'state@6', 'edge@7', 'edge@8', 'edge@9']);
  });

  const bad = (text: string): StateGraphError => {
    try {
      parseStateGraph(text);
    } catch (e) {
      expect(e).toBeInstanceOf(StateGraphError);
      return e as StateGraphError;
    }
    throw new Error('no error');
  };
  const lines = SMALL.split('\n');
  const replaceLine = (n: number, text: string) => lines.map((l, i) => (i === n - 1 ? text : l)).join('\n');

  it('rejects input that is not a digraph', () => {
    expect(bad('').message).toMatch(/empty input/);
    expect(bad('graph G {\n}\n').message).toMatch(/line 1: expected "digraph/);
  });

  it('names the line of a malformed state, value or edge', () => {
    expect(bad(replaceLine(5, '  s1 [label="msgs={"];')).message).toMatch(/line 5: variable msgs:/);
    expect(bad(replaceLine(5, '  s1 [label="no equals sign"];')).message).toMatch(/line 5: expected var=value/);
    expect(bad(replaceLine(8, '  s0 -> [label="X"];')).message).toMatch(/line 8: not a state, an edge/);
    expect(bad(replaceLine(6, lines[3]!)).message).toMatch(/line 6: state s0 defined twice/);
    expect(bad(replaceLine(9, '  s1 -> s7 [label="Drop"];')).message).toMatch(/line 9: edge names undefined state s7/);
  });

  it('rejects a truncated graph and text after the closing brace', () => {
    expect(bad(lines.slice(0, 8).join('\n')).message).toMatch(/no closing \} \(truncated\?\)/);
    expect(bad(SMALL + '  s0 -> s1 [label="Late"];\n').message).toMatch(/line 11: text after the closing/);
  });
});

describe('itfToEmbeddedJson', () => {
  it('is the inverse of embeddedJsonToItf on every kind of value', () => {
    const json = {
      set: [1, 2], tup: { __tuple: [true, 'x'] }, fn: { __fn: [[1, { a: [] }], [2, { a: [3] }]] },
      model: { __model: 'm1' }, rec: { b: { __tuple: [] }, c: -4 },
    };
    expect(itfToEmbeddedJson(embeddedJsonToItf(json))).toEqual(json);
  });

  it('refuses an integer JSON cannot hold exactly', () => {
    expect(() => itfToEmbeddedJson({ '#bigint': '123456789012345678901' })).toThrow(/does not fit/);
  });
});
