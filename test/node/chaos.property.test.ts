import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { NodeSpecState } from '../../src/node/api.js';
import { Cluster } from './harness.js';

/** One scheduling choice of the adversary. */
type Choice =
  | { kind: 'deliver'; pick: number }
  | { kind: 'drop'; pick: number }
  | { kind: 'duplicate'; pick: number }
  | { kind: 'timers'; node: number }
  | { kind: 'restart'; node: number }
  | { kind: 'invoke'; node: number };

const choice: fc.Arbitrary<Choice> = fc.oneof(
  { weight: 12, arbitrary: fc.record({ kind: fc.constant('deliver' as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('drop' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('duplicate' as const), pick: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('timers' as const), node: fc.integer({ min: 1, max: 3 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('restart' as const), node: fc.integer({ min: 1, max: 3 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('invoke' as const), node: fc.integer({ min: 1, max: 3 }) }) },
);

function isPrefix(a: unknown[], b: unknown[]): boolean {
  return a.length <= b.length && a.every((x, i) => JSON.stringify(x) === JSON.stringify(b[i]));
}

describe('a cluster under an adversarial schedule (loss, duplication, reordering, restarts)', () => {
  it('decides one value per slot, executes consistent prefixes once each, and its stutters change nothing', () => {
    fc.assert(fc.property(fc.array(choice, { minLength: 50, maxLength: 250 }), (choices) => {
      const c = new Cluster([1, 2, 3]);
      const clientIds = new Map<number, number>();
      let restarts = 0;
      for (const ch of choices) {
        if (ch.kind === 'invoke') {
          const id = (clientIds.get(ch.node) ?? 0) + 1;
          clientIds.set(ch.node, id);
          c.invoke(ch.node, id, String(id));
        } else if (ch.kind === 'timers') {
          const node = c.nodes.get(ch.node);
          const due = c.timers.get(ch.node) ?? [];
          c.timers.set(ch.node, []);
          // Through the host path: durable records appended before the messages leave.
          for (const t of due) c.absorb(ch.node, node!.fireTimer(t.name, t.key));
        } else if (ch.kind === 'restart') {
          if (restarts++ < 3) c.restart(ch.node);
        } else if (c.inFlight.length > 0) {
          const i = ch.pick % c.inFlight.length;
          const e = c.inFlight[i]!;
          if (ch.kind === 'duplicate') c.inFlight.push(e);
          else {
            c.inFlight.splice(i, 1);
            if (ch.kind === 'deliver') c.absorb(e.to, c.node(e.to).receive(e));
          }
        }
      }

      // Agreement over every Decision any node sent.
      const decided = new Map<number, string>();
      for (const e of c.events) for (const m of e.sent) {
        if (m.type !== 'Decision') continue;
        const text = JSON.stringify(m.prop);
        expect(decided.get(m.slot) ?? text).toBe(text);
        decided.set(m.slot, text);
      }
      // Executed sequences are prefixes of one another, without repetition.
      const executed = [1, 2, 3].map((id) => c.node(id).specState().rExecuted);
      for (const a of executed) {
        expect(new Set(a.map((p) => JSON.stringify(p))).size).toBe(a.length);
        for (const b of executed) expect(isPrefix(a, b) || isPrefix(b, a)).toBe(true);
      }
      // A Stutter changes no spec variable and sends only spec messages sent before. The node's
      // `invoked` (what its Requester still holds) may lose requests its replica executed: a
      // Requester forgets a request when its answer comes, a Stutter.
      const sent = new Set<string>();
      const last = new Map<number, NodeSpecState>();
      for (const e of c.events) {
        if (e.action === 'Stutter') {
          const prev = last.get(e.node);
          if (prev !== undefined) {
            expect({ ...e.state, invoked: [] }).toEqual({ ...prev, invoked: [] });
            const kept = new Set(e.state.invoked.map((p) => JSON.stringify(p)));
            const executed = new Set(e.state.rExecuted.map((p) => JSON.stringify(p)));
            for (const p of e.state.invoked) expect(prev.invoked.map((q) => JSON.stringify(q))).toContain(JSON.stringify(p));
            for (const p of prev.invoked) if (!kept.has(JSON.stringify(p))) expect(executed.has(JSON.stringify(p)), 'forgot a request its replica has not executed').toBe(true);
          }
          for (const m of e.sent) expect(sent.has(JSON.stringify(m))).toBe(true);
        }
        for (const m of e.sent) sent.add(JSON.stringify(m));
        last.set(e.node, e.state);
      }
    }), { numRuns: 25 });
  });
});
