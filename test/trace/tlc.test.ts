/**
 * The TLC trace-validation module generator. Without TLC here, the generated definitions are
 * run by tla-checker on an inlined copy: a valid trace is fully consumed (TraceNotDone is
 * violated: the verdict "accepted"), a trace with one wrong event is not. TLC itself runs
 * only when TLA2TOOLS_JAR names a jar.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as tla from 'tla-checker';
import { declaredVariables, inlinedTraceSpec, readTrace, runTlc, TRACE_MODULE, tlcJar, tlcTraceVerdict, traceModule } from '../../src/trace/replay/tlc.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { traceFields } from '../../src/trace/replay/compare.js';
import { faultScenario } from '../../src/trace/runs/faultScenarios.js';
import { traceScenario } from '../../src/trace/runs/simTrace.js';
import { specWalk } from '../../src/trace/spec/specWalk.js';
import { DEFAULT_SPEC_PATH } from '../../src/trace/replay/tlaEngine.js';

tla.initSync({ module: readFileSync(fileURLToPath(new URL('tla_checker_bg.wasm', import.meta.resolve('tla-checker')))) });
const spec = readFileSync(DEFAULT_SPEC_PATH, 'utf8');
const walk = specWalk({
  constants: { N: 3, Window: 2, Callers: [1, 2, 3], RequestsPerCaller: 2, MaxBallot: 3, MaxSlot: 4, MaxRestarts: 2 },
  steps: 40, seed: 3, stutterEvery: 9,
});
const EXAMPLES = new URL('../../traces/examples/', import.meta.url).pathname;
const TLC_OUT = new URL('../fixtures/tlc-trace/', import.meta.url).pathname;

function run(module: string, cfg: string): { success: boolean; error_type: string | null; states_explored: number } {
  return JSON.parse(tla.check_spec_with_cfg(module, cfg, '{}', 100_000, 10_000, true, false));
}

describe('TLC trace module generator', () => {
  it('writes a module that EXTENDS the spec, holds every event, and a cfg with the trace constants', () => {
    const { module, cfg } = traceModule(walk.header, walk.events, spec);
    expect(module).toMatch(new RegExp(`^---- MODULE ${TRACE_MODULE} ----\\n`));
    expect(module).toMatch(/\nEXTENDS MultiPaxos, Sequences, TLC\n/);
    expect(module.trimEnd().endsWith('====')).toBe(true);
    expect(module.match(/\[action \|-> "/g)).toHaveLength(walk.events.length);
    for (const a of new Set(walk.events.map((e) => e.action))) expect(module).toContain(`action |-> "${a}"`);
    for (const open of ['(', '[', '{', '<<']) {
      const close = { '(': ')', '[': ']', '{': '}', '<<': '>>' }[open]!;
      expect(module.split(open).length).toBe(module.split(close).length);
    }
    expect(module).toContain('(e.action = "Stutter" \\/ ~ENABLED NamedAction(e)) /\\ Stutters(e)');
    expect(cfg).toMatch(/INIT TraceInit\nNEXT TraceNext\nINVARIANT TraceNotDone\n/);
    expect(cfg).toMatch(/\n {2}N = 3\n/);
    expect(declaredVariables(spec)).toContain('rExecuted');
  });

  it('accepts a valid trace: tla-checker consumes every event (TraceNotDone violated)', () => {
    const { module, cfg } = inlinedTraceSpec(spec, walk.header, walk.events);
    const r = run(module, cfg);
    expect(r.success).toBe(false);
    expect(r.error_type).toBe('InvariantViolation');
    expect(r.states_explored).toBe(walk.events.length + 1);
  });

  it('rejects a trace with one wrong event: the run stops there without consuming the trace', () => {
    const bad = walk.events.slice();
    const k = 20;
    bad[k] = { ...bad[k]!, state: { ...bad[k]!.state, rSlotIn: bad[k]!.state.rSlotIn + 1 } };
    const { module, cfg } = inlinedTraceSpec(spec, walk.header, bad);
    const r = run(module, cfg);
    expect(r.success).toBe(true);
    expect(r.states_explored).toBe(k + 1);
  });

  it('reads TLC\'s verdict: the depth of a rejected search names the first event it could not match', () => {
    // Real TLC output on test/fixtures/traces/state-differs.ndjson, whose 15th event (line 16) is wrong.
    const origins = Array.from({ length: 39 }, (_, i) => ({ file: 'state-differs.ndjson', line: i + 2, action: i === 14 ? 'AcceptorReceiveAccept' : 'X' }));
    const rejected = tlcTraceVerdict(readFileSync(`${TLC_OUT}rejected-at-15.out`, 'utf8'), origins, '/tmp/d');
    expect(rejected.ok).toBe(false);
    expect(rejected.rejected).toEqual({ file: 'state-differs.ndjson', line: 16, action: 'AcceptorReceiveAccept' });
    expect(rejected.message).toContain('rejected at state-differs.ndjson:16: TLC found no step of the spec for this AcceptorReceiveAccept (event 15 of 39');
    const accepted = tlcTraceVerdict(readFileSync(`${TLC_OUT}accepted.out`, 'utf8'), origins.slice(0, 5), '/tmp/d');
    expect(accepted).toEqual({ ok: true, message: 'accepted: all 5 events consumed' });
    expect(tlcTraceVerdict('Error: Could not find module MultiPaxos', origins, '/tmp/d')).toMatchObject({ ok: false, message: expect.stringContaining('TLC failed') });
  });

  it('reads a compact trace as the full-state trace of the same run (TLC needs every event\'s whole state)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tlc-compact-'));
    const s = faultScenario(31);
    traceScenario(s, join(dir, 'full.ndjson'), { eventLog: false }, 'test', false);
    traceScenario(s, join(dir, 'compact.ndjson'), { eventLog: false }, 'test', true);
    const full = await readTrace([join(dir, 'full.ndjson')]);
    const compact = await readTrace([join(dir, 'compact.ndjson')]);
    expect(compact.events.length).toBe(full.events.length);
    expect(compact.events.length).toBeGreaterThan(100);
    compact.events.forEach((ev, i) => {
      expect(ev.delta).toBeUndefined();
      expect(traceFields(ev.state), `event ${i + 1}`).toEqual(traceFields(full.events[i]!.state));
    });
    // A delta that does not apply is an error naming the field, not a crash.
    const lines = readFileSync(join(dir, 'compact.ndjson'), 'utf8').split('\n');
    const at = lines.findIndex((l) => l.includes('"rDecisions":{"add"'));
    const ev = JSON.parse(lines[at]!);
    ev.delta.rDecisions = { remove: ev.delta.rDecisions.add };
    lines[at] = JSON.stringify(ev);
    writeFileSync(join(dir, 'bad.ndjson'), lines.join('\n'));
    await expect(readTrace([join(dir, 'bad.ndjson')])).rejects.toThrow(/bad.ndjson:\d+: delta removes from rDecisions/);
  });

  it.skipIf(tlcJar() === null)('TLC accepts a golden trace (only with TLA2TOOLS_JAR)', async () => {
    const r = await runTlc([`${EXAMPLES}normal.ndjson`]);
    expect(r.ok).toBe(true);
  }, 600_000);
});
