/**
 * HistoryView (src/trace/replay/historyView.ts): the trace's view of a history, which keeps the
 * spec's sequence in place of keys once found equal to it. Whatever was appended, truncated or
 * snapshotted, and whatever spec sequence it is compared with (a version of the one it holds,
 * a copy, or one that differs anywhere, inside the part already found equal included), it
 * must answer as a plain array of keys would.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { propKey } from '../../src/trace/format/keys.js';
import type { Proposal } from '../../src/trace/format/types.js';
import { HistoryView } from '../../src/trace/replay/historyView.js';
import { ExecSeq } from '../../src/trace/spec/execSeq.js';

const req = (id: number, input = 'op'): Proposal => ({ caller: 1, clientId: id, input });

type Step =
  | { readonly kind: 'append'; readonly ids: readonly number[] }
  | { readonly kind: 'truncate'; readonly to: number }
  | { readonly kind: 'snapshot'; readonly to: number }
  /** Compare with the spec: its sequence as `how` builds it from the model, `change` an element or not. */
  | { readonly kind: 'compare'; readonly how: 'version' | 'copy'; readonly change: number | null; readonly snap: boolean };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('append' as const), ids: fc.array(fc.nat({ max: 30 }), { minLength: 1, maxLength: 4 }) }),
  fc.record({ kind: fc.constant('truncate' as const), to: fc.nat() }),
  fc.record({ kind: fc.constant('snapshot' as const), to: fc.nat() }),
  fc.record({ kind: fc.constant('compare' as const), how: fc.constantFrom('version' as const, 'copy' as const), change: fc.option(fc.nat(), { nil: null }), snap: fc.boolean() }),
);

describe('HistoryView', () => {
  it('matches a spec sequence exactly when a plain array of keys would, before and after it keeps one', () => {
    fc.assert(fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
      // The model: the trace's history and snapshot as arrays of requests.
      let model: Proposal[] = [];
      let snapModel: Proposal[] = [];
      const view = HistoryView.ofKeys([]);
      let snap = HistoryView.ofKeys([]);
      let snapSpec = ExecSeq.EMPTY;
      // The spec's history grows as versions of one backing, as the replay's does.
      let spec = ExecSeq.EMPTY;
      for (const s of steps) {
        if (s.kind === 'append') {
          const ps = s.ids.map((id) => req(id));
          model = [...model, ...ps];
          view.append(ps.map(propKey));
          spec = spec.appended(ps);
        } else if (s.kind === 'truncate') {
          const to = s.to % (model.length + 1);
          model = model.slice(0, to);
          view.truncate(to);
          spec = ExecSeq.of(spec.toArray().slice(0, to));
        } else if (s.kind === 'snapshot') {
          const to = s.to % (model.length + 1);
          snapModel = model.slice(0, to);
          snap = view.prefix(to);
          // A snapshot of the whole history is the spec's very sequence (as ReplicaSnapshot makes it).
          snapSpec = to === spec.length ? spec : ExecSeq.of(spec.toArray().slice(0, to));
        } else {
          const target = s.snap ? snapModel : model;
          const base = s.snap ? snapSpec : spec;
          let xs = s.how === 'version' || base.length === 0 ? base : ExecSeq.of(base.toArray());
          let equal = true;
          if (s.change !== null && target.length > 0) {
            const at = s.change % target.length;
            const els = xs.toArray();
            els[at] = req(els[at]!.clientId, 'other');
            xs = ExecSeq.of(els);
            equal = false;
          }
          const expected = equal && xs.length === target.length && xs.toArray().every((p, i) => propKey(p) === propKey(target[i]!));
          expect((s.snap ? snap : view).matches(xs)).toBe(expected);
        }
        expect(view.length).toBe(model.length);
        expect(view.keys()).toEqual(model.map(propKey));
        expect(snap.keys()).toEqual(snapModel.map(propKey));
      }
    }), { seed: 22, numRuns: 300 });
  });

  it('rejects a spec history that differs inside the part already found equal', () => {
    const view = HistoryView.ofKeys([1, 2, 3].map((id) => propKey(req(id))));
    const spec = ExecSeq.of([1, 2, 3].map((id) => req(id)));
    expect(view.matches(spec)).toBe(true);
    view.append([propKey(req(4))]);
    expect(view.matches(spec.appended([req(4)]))).toBe(true);
    // The same length, the first request changed: not a version of what the view keeps.
    expect(view.matches(ExecSeq.of([req(1, 'other'), req(2), req(3), req(4)]))).toBe(false);
    expect(view.matches(ExecSeq.of([1, 2, 3, 4].map((id) => req(id))))).toBe(true);
  });

  it('rejects a spec history of another backing that differs below the start a window forgot', () => {
    const ids = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    const kept = ExecSeq.of(ids.map((id) => req(id)));
    const view = HistoryView.ofSeq(kept);
    kept.forgetBelow(6);
    expect(kept.base).toBe(6);
    // Request 3 differs: no request below 6 is left to compare, only the digests tell.
    const other = ExecSeq.of(ids.map((id) => req(id, id === 3 ? 'other' : 'op')));
    expect(view.matches(other)).toBe(false);
    expect(view.matches(ExecSeq.of(ids.map((id) => req(id))))).toBe(true);
  });

  it('refuses to truncate or snapshot past its length, naming both lengths', () => {
    const view = HistoryView.ofKeys([propKey(req(1))]);
    expect(() => view.truncate(2)).toThrow(/truncates rExecuted to 2 elements, but it holds 1/);
    expect(() => view.prefix(3)).toThrow(/rSnap holds the first 3 elements of rExecuted, which has 1/);
  });
});
