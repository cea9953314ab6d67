import { describe, expect, it } from 'vitest';
import { runBankDemo } from '../../src/sim/demo.js';

describe('runBankDemo', () => {
  it('runs the faulty 5-node bank cluster and reports equal, conserved balances', () => {
    const lines: string[] = [];
    const s = runBankDemo({ transfers: 60, seed: 5, print: (l) => lines.push(l) });
    expect(s.violations).toEqual([]);
    expect(s.commandsDecided).toBe(60 + 8);
    expect(s.faults).toMatchObject({ partition: 1, killLeader: 1, crash: 1 });
    expect(s.messages.lost).toBeGreaterThan(0);
    expect(s.leaderChanges).toBeGreaterThanOrEqual(1);
    expect(Object.keys(s.balances)).toHaveLength(5);
    expect(s.balancesEqual).toBe(true);
    expect(s.totalsConserved).toBe(true);
    expect(lines.join('\n')).toMatch(/all replicas equal: yes; money conserved: yes; safety violations: 0/);
  });
});
