/**
 * Mutation testing of the implementation: every broken variant (a role class injected into
 * the real Node, or a corrupting network) runs in the simulator with tracing on, and the
 * trace checker must reject one of its traces. The same scenarios with the real roles must
 * pass, so a kill is the checker seeing the bug, not the checker rejecting everything.
 */
import { describe, expect, it } from 'vitest';
import { MUTANTS } from '../../src/mutants/catalogue.js';
import { runMutant, type MutantOutcome } from '../../src/mutants/run.js';
import { defaultNodeFactory } from '../../src/sim/nodeFactory.js';

describe('implementation mutants are killed by the trace checker', () => {
  const outcomes: MutantOutcome[] = [];

  for (const m of MUTANTS) {
    it(`${m.name} (breaks: ${m.breaks})`, async () => {
      const o = await runMutant(m);
      outcomes.push(o);
      expect(o.killed, `${m.name} survived ${o.tracesChecked} traces`).toBe(true);
      expect(o.failure?.kind).toMatch(/^(spec|schema|order)$/);
    }, 300_000);
  }

  it('the unmutated implementation passes the scenarios that kill them', async () => {
    const seen = new Set<string>();
    for (const m of MUTANTS) {
      const s = m.scenarios[0]!;
      const key = JSON.stringify(s);
      if (seen.has(key)) continue;
      seen.add(key);
      const o = await runMutant({ ...m, name: `control-${m.name}`, createNode: defaultNodeFactory, scenarios: [s] });
      expect(o.killed, `the real implementation fails scenario ${s.seed}: ${o.failure?.message}`).toBe(false);
    }
    expect(seen.size).toBeGreaterThanOrEqual(4);
  }, 300_000);

  it('reports the kill rate', () => {
    const killed = outcomes.filter((o) => o.killed).length;
    console.log(`mutation kill rate: ${killed}/${MUTANTS.length}` +
      outcomes.map((o) => `\n  ${o.killed ? 'killed  ' : 'SURVIVED'} ${o.name}${o.failure ? ` at line ${o.failure.line} (${o.failure.action}) seed ${o.seed}` : ''}`).join(''));
    expect(MUTANTS.length).toBeGreaterThanOrEqual(10);
    expect(killed).toBe(MUTANTS.length);
  });
});
