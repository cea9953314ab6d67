/**
 * Mutation testing of the implementation: every broken variant (a role class injected into
 * the real Node, or a corrupting network) runs in the simulator with tracing on, and the
 * trace checker must reject one of its traces, with the check the catalogue names. A mutant
 * the catalogue says only a client-level check sees must pass the spec replay alone. The
 * scenarios that killed them, run with the real roles, must pass: a kill is the checker
 * seeing the bug, not the checker rejecting everything.
 */
import { describe, expect, it } from 'vitest';
import { MUTANTS, type Mutant } from '../../src/mutants/catalogue.js';
import { describeOutcome, runMutant, type MutantOutcome } from '../../src/mutants/run.js';
import { defaultNodeFactory } from '../../src/sim/nodeFactory.js';

describe('implementation mutants are killed by the trace checker', () => {
  const outcomes = new Map<string, MutantOutcome>();
  const outcomeOf = async (m: Mutant): Promise<MutantOutcome> => {
    const known = outcomes.get(m.name);
    if (known !== undefined) return known;
    const o = await runMutant(m);
    outcomes.set(m.name, o);
    return o;
  };

  for (const m of MUTANTS) {
    it(`${m.name} (breaks: ${m.breaks})`, async () => {
      const o = await outcomeOf(m);
      expect(o.killed, `${m.name} survived ${o.tracesChecked} traces`).toBe(true);
      if (m.killedBy === undefined) {
        expect(o.failure?.kind, describeOutcome(o)).toMatch(/^(spec|schema|order)$/);
      } else {
        expect(o.failure?.kind, describeOutcome(o)).toBe(m.killedBy);
        expect(o.specAloneRejects, `${m.name}: the spec replay alone rejects its trace too`).toBe(false);
      }
    }, 60_000);
  }

  it('the unmutated implementation passes the scenarios that kill them', async () => {
    const seen = new Set<string>();
    for (const m of MUTANTS) {
      const seed = outcomes.get(m.name)?.seed;
      const s = m.scenarios.find((x) => x.seed === seed) ?? m.scenarios[0]!;
      const key = JSON.stringify(s);
      if (seen.has(key)) continue;
      seen.add(key);
      const o = await runMutant({ ...m, name: `control-${m.name}`, createNode: defaultNodeFactory, scenarios: [s] });
      expect(o.killed, `the real implementation fails scenario ${key}: ${o.failure?.message}`).toBe(false);
    }
    expect(seen.size).toBeGreaterThanOrEqual(8);
  }, 120_000);

  it('reports the kill rate, which must be 100%', async () => {
    const all: MutantOutcome[] = [];
    for (const m of MUTANTS) all.push(await outcomeOf(m));
    const killed = all.filter((o) => o.killed).length;
    const percent = Math.floor((100 * killed) / all.length);
    console.log(`mutation kill rate: ${killed}/${all.length} (${percent}%)\n` + all.map((o) => `  ${describeOutcome(o)}`).join('\n'));
    expect(all.length).toBeGreaterThanOrEqual(19);
    // Client-level checks must be what kills some: the bug classes the spec cannot see.
    expect(all.filter((o) => o.specAloneRejects === false).length).toBeGreaterThanOrEqual(7);
    expect(killed).toBe(all.length);
  }, 120_000);
});
