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
  | { readonly kind: 'compare'; readonly how: 'version' | 'copy' | 'forgotten'; readonly change: number | null; readonly snap: boolean; readonly forget: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('append' as const), ids: fc.array(fc.nat({ max: 30 }), { minLength: 1, maxLength: 4 }) }),
  fc.record({ kind: fc.constant('truncate' as const), to: fc.nat() }),
  fc.record({ kind: fc.constant('snapshot' as const), to: fc.nat() }),
  // 'forgotten': a copy whose first elements a history window forgot (another node's history).
  fc.record({ kind: fc.constant('compare' as const), how: fc.constantFrom('version' as const, 'copy' as const, 'forgotten' as const), change: fc.option(fc.nat(), { nil: null }), snap: fc.boolean(), forget: fc.nat() }),
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
          if (s.how === 'forgotten' && xs.length > 0) {
            if (xs === base) xs = ExecSeq.of(base.toArray());
            // Anywhere, or (every other draw) all but its last few: past what the view found equal before its tail.
            xs.forgetBelow(s.forget % 2 === 0 ? s.forget % (xs.length + 1) : Math.max(0, xs.length - (s.forget % 3)));
          }
          const subject = s.snap ? snap : view;
          // A forgotten copy is compared through a copy of the view (prefix of all of it): a view
          // that matched keeps the sequence, and later steps here read what that one forgot.
          expect((s.how === 'forgotten' ? subject.prefix(subject.length) : subject).matches(xs)).toBe(expected);
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

  it('compares with a spec history of another backing that forgot past the prefix it holds, by digests (a long Welcome installed over a short history)', () => {
    const ids = Array.from({ length: 12 }, (_, i) => i + 1);
    // The installer's view: its own history of 3 requests, then the keys the install appended.
    const viewOf = (): HistoryView => {
      const view = HistoryView.ofSeq(ExecSeq.of(ids.slice(0, 3).map((id) => req(id))));
      view.append(ids.slice(3).map((id) => propKey(req(id))));
      return view;
    };
    // The Welcome's history: the sender's, whose first 8 requests the window forgot.
    const sent = (changed?: number): ExecSeq => {
      const xs = ExecSeq.of(ids.map((id) => req(id, id === changed ? 'other' : 'op')));
      xs.forgetBelow(8);
      expect(xs.base).toBe(8);
      return xs;
    };
    expect(viewOf().matches(sent())).toBe(true);
    // A difference anywhere is found: in the installer's own prefix, in the keys below the
    // window's base (both only through the digest chain), and above it.
    for (const changed of [2, 5, 10]) expect(viewOf().matches(sent(changed))).toBe(false);
  });

  it('answers as a plain array would against another backing forgotten anywhere, the view holding any prefix of its own (property)', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 30 }), fc.nat(), fc.nat(), fc.option(fc.nat(), { nil: null }), (n, k0, f0, change) => {
      const ids = Array.from({ length: n }, (_, i) => i + 1);
      const k = k0 % (n + 1);
      // The view: a prefix of its own sequence (found equal before), then keys.
      const view = HistoryView.ofSeq(ExecSeq.of(ids.slice(0, k).map((id) => req(id))));
      view.append(ids.slice(k).map((id) => propKey(req(id))));
      const at = change === null ? -1 : change % n;
      const xs = ExecSeq.of(ids.map((id, i) => req(id, i === at ? 'other' : 'op')));
      xs.forgetBelow(f0 % (n + 1));
      expect(view.matches(xs)).toBe(at === -1);
    }), { seed: 23, numRuns: 500 });
  });

  it('refuses to truncate or snapshot past its length, naming both lengths', () => {
    const view = HistoryView.ofKeys([propKey(req(1))]);
    expect(() => view.truncate(2)).toThrow(/truncates rExecuted to 2 elements, but it holds 1/);
    expect(() => view.prefix(3)).toThrow(/rSnap holds the first 3 elements of rExecuted, which has 1/);
  });
});
