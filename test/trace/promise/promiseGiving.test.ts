/**
 * ScoutReceivePromise given the pvalues the step must leave (what a trace event shows) finds the
 * same successors with those pvalues as the full list of the Promise's part choices, without
 * listing it: an acceptor that answers one Prepare twice with more pvalues the second time (a
 * leader restarted at its ballot prepares again) gives each index of a Promise in k parts two
 * candidates.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { scoutReceivePromise } from '../../../src/trace/spec/fastSpec.js';
import { promiseAssemblies, promiseParts, type PromiseMessage } from '../../../src/trace/spec/promiseParts.js';
import { type NodeSpec, configFromConstants, copyNode, initialState } from '../../../src/trace/spec/specState.js';
import { messageKey, pvalueKey } from '../../../src/trace/format/keys.js';
import type { PValue, SpecMessage } from '../../../src/trace/format/types.js';

const LEADER = 1;
const BALLOT = { num: 3, leader: LEADER };
const ACCEPTOR = 4;
const cfg = configFromConstants({ N: 5, Window: 5 });
/** A pvalue of slot s at ballot b (one slot may have two, at two ballots). */
const pv = (s: number, b: number): PValue => ({ ballot: { num: b, leader: 2 }, slot: s, prop: { caller: 1, clientId: 100 * b + s, input: `op-${s}-${b}` } });

function scoutHolding(pvs: readonly PValue[], acks: readonly number[]): NodeSpec {
  const x = copyNode(initialState(cfg).nodes[LEADER]!);
  x.scout = { ballot: BALLOT, acks: new Set(acks), pvalues: new Map(pvs.map((p) => [pvalueKey(p), p])), mark: 1 };
  return x;
}

/** The acceptor's Promise for BALLOT in k parts, once per version of its accepted pvalues, as msgs. */
function msgsOf(versions: ReadonlyArray<readonly PValue[]>, k: number): Map<string, SpecMessage> {
  const msgs = new Map<string, SpecMessage>();
  for (const accepted of versions) for (const m of promiseParts(ACCEPTOR, BALLOT, BALLOT, accepted, 1, k)) msgs.set(messageKey(m), m);
  return msgs;
}

/** The pvalues a successor leaves: its scout's, or its Adopted's when the acceptor made a quorum. */
function pvaluesOf([y, sent]: [NodeSpec, SpecMessage[]]): string[] {
  const adopted = sent.find((m) => m.type === 'Adopted');
  const pvs = y.scout !== null ? [...y.scout.pvalues.values()] : adopted?.type === 'Adopted' ? adopted.pvalues : [];
  return pvs.map(pvalueKey).sort();
}
const signature = (r: [NodeSpec, SpecMessage[]]): string => `${pvaluesOf(r).join()}|${[...(r[0].scout?.acks ?? [])].sort().join()}|${r[1].map(messageKey).join()}`;

describe('ScoutReceivePromise given the pvalues it must leave', () => {
  it('has exactly the successors with those pvalues that the full list has, and no successor outside it', () => {
    const pvalue = fc.tuple(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 0, max: 2 })).map(([s, b]) => pv(s, b));
    const pvalues = fc.uniqueArray(pvalue, { maxLength: 7, selector: pvalueKey });
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 4 }), fc.array(pvalues, { minLength: 1, maxLength: 3 }), pvalues, fc.boolean(), pvalues,
      (k, versions, held, quorum, randomTarget) => {
        const msgs = msgsOf(versions, k);
        const x = scoutHolding(held, quorum ? [2, 3] : []);
        for (const m of msgs.values()) {
          const full = scoutReceivePromise(cfg, LEADER, x, m as PromiseMessage, msgs);
          const all = new Set(full.map(signature));
          const targets = new Set([...full.map((r) => pvaluesOf(r).join('\n')), [...new Set([...held, ...randomTarget].map(pvalueKey))].sort().join('\n')]);
          for (const t of targets) {
            const gives = new Set(t === '' ? [] : t.split('\n'));
            const guided = scoutReceivePromise(cfg, LEADER, x, m as PromiseMessage, msgs, gives);
            const withGives = (rs: typeof full) => new Set(rs.filter((r) => pvaluesOf(r).join('\n') === t).map(signature));
            expect(withGives(guided)).toEqual(withGives(full));
            for (const r of guided) expect(all.has(signature(r))).toBe(true);
            if (full.length > 0) expect(guided.length).toBeGreaterThan(0);
          }
        }
      },
    ), { numRuns: 300 });
  });

  it('counts a Promise in 40 parts answered twice, of 2^39 choices, at once', () => {
    const first = Array.from({ length: 80 }, (_, i) => pv(i + 1, 1));
    // The second answer: the acceptor accepted 40 more pvalues at the scout's own ballot meanwhile.
    const second = [...first, ...Array.from({ length: 40 }, (_, i) => pv(i + 1, 3))];
    const msgs = msgsOf([first, second], 40);
    const x = scoutHolding([], []);
    // A part only the second answer has (one of the pvalues accepted meanwhile).
    const m = [...msgs.values()].find((w) => w.type === 'Promise' && w.accepted.some((p) => p.ballot.num === 3))! as PromiseMessage;
    expect(promiseCandidateCount(m, msgs)).toBeGreaterThan(2 ** 38);
    const gives = new Set(second.map(pvalueKey));
    const found = scoutReceivePromise(cfg, LEADER, x, m, msgs, gives);
    expect(found).toHaveLength(1);
    expect(pvaluesOf(found[0]!)).toEqual([...gives].sort());
  });
});

/** How many choices promiseAssemblies would list (the product over indices), counted without listing them. */
function promiseCandidateCount(m: PromiseMessage, msgs: Map<string, SpecMessage>): number {
  let n = 1;
  for (let i = 1; i <= (m.parts ?? 1); i++) {
    if (i === m.part) continue;
    n *= [...msgs.values()].filter((w) => w.type === 'Promise' && w.part === i && w.parts === m.parts).length;
  }
  // The small cases agree with the list itself.
  if (n <= 64) expect(promiseAssemblies(m, msgs.values())).toHaveLength(n);
  return n;
}
