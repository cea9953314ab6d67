import { describe, expect, it } from 'vitest';
import { toSpecMessage } from '../../src/protocol/projection.js';
import { checkEnvelope, checkMessage } from '../../src/protocol/validate.js';

const PEERS = [1, 2, 3];
const B = { num: 2, leader: 1 };
const pv = (slot: number) => ({ ballot: B, slot, prop: { caller: 2, clientId: slot, input: 'x' } });
const promise = (extra: Record<string, unknown>, accepted = [pv(5)]) => ({ type: 'Promise', acceptor: 2, ballot: B, promised: B, accepted, ...extra });
const adopted = (extra: Record<string, unknown>, pvalues = [pv(1), pv(5)]) => ({ type: 'Adopted', ballot: B, pvalues, ...extra });

describe('the mark of a Promise and an Adopted (checkpoints)', () => {
  it('is accepted as an integer >= 2 and kept by the spec projection', () => {
    const p = promise({ mark: 4 });
    expect(checkMessage(p, PEERS)).toEqual({ ok: true, value: p });
    expect(toSpecMessage(p as never)).toMatchObject({ type: 'Promise', mark: 4 });
    const a = adopted({ mark: 4 });
    expect(checkMessage(a, PEERS)).toEqual({ ok: true, value: a });
    expect(toSpecMessage(a as never)).toMatchObject({ type: 'Adopted', mark: 4 });
  });

  it('is left out by the projection when 1, so the message is the one without it', () => {
    const withOne = toSpecMessage(promise({ mark: 1 }) as never);
    const without = toSpecMessage(promise({}) as never);
    expect(withOne).not.toHaveProperty('mark');
    expect(JSON.stringify(withOne)).toBe(JSON.stringify(without));
    expect(toSpecMessage(adopted({ mark: 1 }) as never)).not.toHaveProperty('mark');
  });

  it.each([
    ['1 (written by leaving it out)', 1], ['0', 0], ['negative', -3], ['fractional', 2.5], ['a string', '3'], ['null', null],
    ['beyond a safe integer', 2 ** 60],
  ])('is refused with a clear reason, never a throw, when %s', (_what, mark) => {
    for (const m of [promise({ mark }), adopted({ mark })]) {
      const checked = checkMessage(m, PEERS);
      expect(checked.ok).toBe(false);
      expect(!checked.ok && checked.reason).toMatch(new RegExp(`^${m.type} message.*mark`));
    }
    // From the network: the envelope is refused, the node drops it.
    expect(checkEnvelope({ from: 2, to: 1, clock: 1, message: promise({ mark }) }, 1, PEERS).ok).toBe(false);
  });

  it('refuses a Promise reporting a pvalue below its own mark: an acceptor keeps nothing there', () => {
    const checked = checkMessage(promise({ mark: 6 }, [pv(5), pv(6)]), PEERS);
    expect(checked).toEqual({ ok: false, reason: "Promise message: accepted/0/slot: 5 is below the acceptor's mark 6, where it keeps nothing" });
    expect(checkMessage(promise({ mark: 5 }, [pv(5), pv(6)]), PEERS).ok).toBe(true);
  });

  it('lets an Adopted carry pvalues below its mark: acceptors of the quorum with lower marks reported them', () => {
    expect(checkMessage(adopted({ mark: 3 }, [pv(1), pv(5)]), PEERS).ok).toBe(true);
  });
});
