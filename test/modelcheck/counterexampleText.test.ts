/**
 * The counterexample as check-spec prints it (report/table.ts): each step shows the variables
 * that changed in that step, and the lasso's end names the state it loops back to, numbered
 * from 1 as the steps are.
 */
import { describe, expect, it } from 'vitest';
import { formatCounterexample } from '../../src/modelcheck/report/table.js';
import type { Counterexample } from '../../src/modelcheck/shared/types.js';

const int = (n: number) => ({ '#bigint': String(n) });
const step = (x: number, y: number, action?: string) => (action === undefined ? { vars: { x: int(x), y: int(y) } } : { action, vars: { x: int(x), y: int(y) } });

describe('formatCounterexample', () => {
  it('shows, per step, the variables changed since the previous step (not since the first)', () => {
    // x goes 0 -> 1 -> 1 -> 0: step 3 changes only y, step 4 changes x back to its initial value.
    const cex: Counterexample = { states: [step(0, 0), step(1, 0, 'IncX'), step(1, 1, 'IncY'), step(0, 1, 'ResetX'), step(0, 1)] };
    expect(formatCounterexample(cex).split('\n')).toEqual([
      'state 1: initial state', '  x = 0', '  y = 0',
      'state 2: IncX', '  x = 1',
      'state 3: IncY', '  y = 1',
      'state 4: ResetX', '  x = 0',
      'state 5: (action unknown)', '  (no variable changed)',
    ]);
  });

  it('names the state a lasso loops back to, numbered as the steps are', () => {
    const states = [step(0, 0), step(1, 0, 'IncX'), step(1, 1, 'IncY')];
    expect(formatCounterexample({ states, loopTo: 0 })).toMatch(/\nthen loops back to state 1$/);
    expect(formatCounterexample({ states, loopTo: 1 })).toMatch(/\nthen loops back to state 2$/);
    expect(formatCounterexample({ states, loopTo: 2 })).toMatch(/\nthen stutters forever in state 3$/);
  });
});
