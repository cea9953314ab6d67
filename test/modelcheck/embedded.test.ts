import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkModel } from '../../src/modelcheck/check.js';
import { fixture, SLOTS, SPEC_DIR } from './helpers.js';

const embedded = (cfgText: string, extra: Partial<Parameters<typeof checkModel>[0]> = {}) =>
  checkModel({ moduleName: 'Slots', moduleText: SLOTS, cfgText, engine: 'embedded', specDir: SPEC_DIR, ...extra });

describe('embedded engine (tla-checker in a worker thread) on the toy spec', () => {
  it('passes ok.cfg with the distinct-state count TLC found (9), no generated/depth', async () => {
    const r = await embedded(fixture('ok.cfg'), { model: 'ok' });
    expect(r).toMatchObject({ model: 'ok', engine: 'embedded', verdict: 'pass', distinctStates: 9 });
    expect(r.statesGenerated).toBeUndefined();
    expect(r.depth).toBeUndefined();
    expect(r.counterexample).toBeUndefined();
  });

  it('names the violated invariant whatever its position in the INVARIANT list', async () => {
    const base = fixture('violation.cfg');
    const first = await embedded(base);
    expect(first).toMatchObject({ verdict: 'invariant', violated: 'OneValuePerSlot' });
    const reordered = await embedded(base.replace('INVARIANT TypeOK OneValuePerSlot', 'INVARIANT OneValuePerSlot\nINVARIANT TypeOK'));
    expect(reordered).toMatchObject({ verdict: 'invariant', violated: 'OneValuePerSlot' });
  });

  it('returns the counterexample with action names and values', async () => {
    const r = await embedded(fixture('violation.cfg'));
    const states = r.counterexample!.states;
    expect(states).toHaveLength(3);
    expect(states[0]).toEqual({ vars: { written: { '#tup': [{ '#set': [] }, { '#set': [] }] }, turn: { '#bigint': '0' } } });
    expect(states.slice(1).map((s) => s.action)).toEqual(['Write', 'Write']);
    expect(states[2]!.vars.written).toEqual({ '#tup': [{ '#set': [{ '#unserializable': 'v1' }, { '#unserializable': 'v2' }] }, { '#set': [] }] });
  });

  it('reports a deadlock with its trace', async () => {
    const r = await embedded(fixture('deadlock.cfg'));
    expect(r.verdict).toBe('deadlock');
    expect(r.counterexample!.states.length).toBeGreaterThan(1);
  });

  it('reports the temporal property of liveness.cfg as a lasso, and passes liveok.cfg', async () => {
    const r = await embedded(fixture('liveness.cfg'));
    expect(r).toMatchObject({ verdict: 'property', violated: 'EventuallyTwoValues' });
    expect(r.counterexample!.loopTo).toBe(r.counterexample!.states.length - 1);
    expect((await embedded(fixture('liveok.cfg'))).verdict).toBe('pass');
  });

  it('finds which of several properties is violated', async () => {
    const cfg = fixture('liveness.cfg').replace('PROPERTY EventuallyTwoValues', 'PROPERTY EventuallyAllWritten EventuallyTwoValues');
    expect(await embedded(cfg)).toMatchObject({ verdict: 'property', violated: 'EventuallyTwoValues' });
  });

  it('overrides constants in cfg text (no file needed)', async () => {
    const r = await embedded(fixture('violation.cfg'), { constantsOverride: { Buggy: 'FALSE' } });
    expect(r).toMatchObject({ verdict: 'pass', distinctStates: 9 });
    // A string constant, the way mutant tests switch a mutant on.
    const mutantSpec = SLOTS.replace('CONSTANTS Proposer', 'CONSTANTS Mutant, Proposer').replace('IF Buggy', 'IF Mutant = "Buggy"');
    const on = await embedded(fixture('ok.cfg'), { moduleText: mutantSpec, constantsOverride: { Mutant: '"Buggy"' } });
    expect(on).toMatchObject({ verdict: 'invariant', violated: 'OneValuePerSlot' });
    const off = await embedded(fixture('ok.cfg'), { moduleText: mutantSpec, constantsOverride: { Mutant: '"None"' } });
    expect(off.verdict).toBe('pass');
  });

  it('reports parse errors: undefined names (Broken.tla) and syntax errors with a location', async () => {
    const broken = await checkModel({ moduleName: 'Broken', moduleText: fixture('Broken.tla'), cfgText: fixture('ok.cfg'), engine: 'embedded' });
    expect(broken.verdict).toBe('parse-error');
    expect(broken.message).toMatch(/undefined variable `v`/);
    const syntax = await embedded(fixture('ok.cfg'), { moduleText: SLOTS.replace('Slot == 1..NSlots', 'Slot == 1..NSlots +') });
    expect(syntax.verdict).toBe('parse-error');
    expect(syntax.location).toMatchObject({ module: 'Slots', line: 12, column: 6 }); // the '==' of Init, where the dangling '+' ends
  });

  it('loads user modules named in EXTENDS by flattening them', async () => {
    const r = await checkModel({ moduleName: 'SlotsExt', cfgText: fixture('ok.cfg'), engine: 'embedded', specDir: SPEC_DIR });
    expect(r).toMatchObject({ verdict: 'pass', distinctStates: 9 });
    const v = await checkModel({ moduleName: 'SlotsExt', cfgText: fixture('violation.cfg'), engine: 'embedded', specDir: SPEC_DIR });
    expect(v).toMatchObject({ verdict: 'invariant', violated: 'OneValuePerSlot' });
  });

  it('maps a parse error in a flattened spec back to its module and line', async () => {
    // A dangling '+' at the end of Next: tla-checker stops at the '==' of Spec, line 19 of SlotsExt.tla.
    const ext = fixture('spec/SlotsExt.tla').replace('Write(p, s, v)\n', 'Write(p, s, v) +\n');
    const r = await checkModel({ moduleName: 'SlotsExt', moduleText: ext, cfgText: fixture('ok.cfg'), engine: 'embedded', specDir: SPEC_DIR });
    expect(r.verdict).toBe('parse-error');
    expect(r.location).toEqual({ module: 'SlotsExt', file: join(SPEC_DIR, 'SlotsExt.tla'), line: 19, column: 6 });
  });

  it('says a spec using INSTANCE of a user module needs TLC', async () => {
    const r = await checkModel({ moduleName: 'SlotsInst', cfgText: fixture('ok.cfg'), engine: 'embedded', specDir: SPEC_DIR });
    expect(r.verdict).toBe('error');
    expect(r.message).toMatch(/^needs TLC: the spec uses INSTANCE of Slots/);
  });

  it('stops a run at its timeout and reports elapsed time on the way', async () => {
    const ticks: number[] = [];
    const t0 = Date.now();
    const r = await embedded(fixture('progress.cfg'), { timeoutMs: 700, progressEveryMs: 200, onProgress: (p) => ticks.push(p.elapsedMs) });
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(r.verdict).toBe('error');
    expect(r.message).toMatch(/^timed out after 0\.7 s \(tla-checker reports no partial counts/);
    expect(ticks.length).toBeGreaterThanOrEqual(2);
    expect(ticks[0]).toBeGreaterThanOrEqual(190);
  });

  it('reports a state limit as an error, not a pass', async () => {
    const r = await embedded(fixture('ok.cfg'), { maxStates: 3 });
    expect(r.verdict).toBe('error');
    expect(r.message).toMatch(/state limit reached/);
  });
});
