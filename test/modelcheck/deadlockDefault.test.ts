/**
 * A cfg that says nothing about CHECK_DEADLOCK is checked for deadlock: that is TLC's default,
 * and both places that decide it here must follow it. Pins (1) the embedded engine's
 * allow_deadlock, which must be set only by an explicit `CHECK_DEADLOCK FALSE` (treating an
 * absent line as FALSE makes every model without the line silently skip deadlock checking and
 * pass), and (2) the naming of a distributed-TLC counterexample, which must call a deadlocked
 * last state a deadlock under the same default (else the run ends as an unnamed error).
 */
import { describe, expect, it } from 'vitest';
import { checkModel } from '../../src/modelcheck/check.js';
import { parseCfg } from '../../src/modelcheck/cfg/cfg.js';
import { nameCounterexample } from '../../src/modelcheck/tlc/counterexampleNaming.js';
import { parseTlcTranscript } from '../../src/modelcheck/tlc/output.js';
import { fixture, SLOTS, SPEC_DIR } from './helpers.js';

/** deadlock.cfg without its CHECK_DEADLOCK line: TLC checks deadlock. */
const withoutLine = (): string => {
  const text = fixture('deadlock.cfg');
  const out = text.replace(/^CHECK_DEADLOCK TRUE\n?/m, '');
  expect(out).not.toBe(text);
  return out;
};

describe('CHECK_DEADLOCK absent means TLC\'s default: deadlock is checked', () => {
  it('embedded engine: a deadlocking model without the line is a deadlock, not a pass', async () => {
    const cfgText = withoutLine();
    expect(parseCfg(cfgText).checkDeadlock).toBeUndefined();
    const r = await checkModel({ moduleName: 'Slots', moduleText: SLOTS, cfgText, engine: 'embedded', specDir: SPEC_DIR });
    expect(r.verdict).toBe('deadlock');
    // Only an explicit FALSE turns the check off.
    const off = await checkModel({ moduleName: 'Slots', moduleText: SLOTS, cfgText: cfgText + 'CHECK_DEADLOCK FALSE\n', engine: 'embedded', specDir: SPEC_DIR });
    expect(off.verdict).toBe('pass');
  });

  it('naming an unnamed (distributed) counterexample: a deadlocked last state is a deadlock', () => {
    const cex = parseTlcTranscript(fixture('deadlock-tool.out')).outcome.counterexample!;
    expect(nameCounterexample(SLOTS, parseCfg(withoutLine()), cex)).toEqual({ named: true, verdict: 'deadlock' });
  });
});
