import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkModel } from '../../src/modelcheck/check.js';
import { findJar, findJava, requireTlc, tlcArgs, EngineUnavailable } from '../../src/modelcheck/tlc/runner.js';
import type { Progress } from '../../src/modelcheck/shared/types.js';
import { FAKE_JAR, FAKE_JAVA, FIXTURES, fixture, SLOTS, SPEC_DIR } from './helpers.js';

const setup = { java: FAKE_JAVA, jar: FAKE_JAR };
let scratch = '';

beforeAll(() => {
  chmodSync(FAKE_JAVA, 0o755);
  scratch = mkdtempSync(join(tmpdir(), 'tlc-runner-test-'));
});

/** Runs checkModel with engine tlc against the fake java replaying `transcript`. */
async function viaFakeTlc(transcript: string, env: Record<string, string> = {}, extra: Partial<Parameters<typeof checkModel>[0]> = {}) {
  const saved = { ...process.env };
  Object.assign(process.env, { FAKE_TLC_TRANSCRIPT: transcript.startsWith('/') ? transcript : join(FIXTURES, transcript) }, env);
  try {
    return await checkModel({ moduleName: 'Slots', moduleText: SLOTS, cfgText: fixture('ok.cfg'), engine: 'tlc', tlc: setup, specDir: SPEC_DIR, model: 'toy', ...extra });
  } finally {
    for (const k of ['FAKE_TLC_TRANSCRIPT', 'FAKE_TLC_DUMP', 'FAKE_TLC_ARGS', 'FAKE_TLC_DELAY', 'FAKE_TLC_STDERR']) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  }
}

describe('TLC runner (spawn, streaming parse, exit codes, dump file) with a fake java', () => {
  it('runs the documented command line', async () => {
    const argsFile = join(scratch, 'args.txt');
    await viaFakeTlc('ok-tool.out', { FAKE_TLC_ARGS: argsFile }, { tlcCoverageMinutes: 1 });
    const args = readFileSync(argsFile, 'utf8').trim().split('\n');
    expect(args.slice(0, 6)).toEqual(['-XX:+UseParallelGC', '-cp', FAKE_JAR, 'tlc2.TLC', '-tool', '-workers']);
    expect(args[6]).toBe('auto');
    expect(args[7]).toBe('-config');
    expect(args[8]).toMatch(/model\.cfg$/);
    expect(args.slice(9, 11)).toEqual(['-dumpTrace', 'json']);
    expect(args[12]).toBe('-metadir');
    expect(args.slice(14)).toEqual(['-coverage', '1', 'Slots']);
    expect(tlcArgs({ moduleName: 'M' }, 'j.jar', '/w').at(-1)).toBe('M');
  });

  it('maps a passing run', async () => {
    const r = await viaFakeTlc('ok-tool.out');
    expect(r).toMatchObject({ model: 'toy', engine: 'tlc', verdict: 'pass', distinctStates: 9, statesGenerated: 25, depth: 3 });
  });

  it('maps an invariant violation (exit 12) with its counterexample; the dump file fills in what the printout lacks', async () => {
    const r = await viaFakeTlc('violation-tool.out', { FAKE_TLC_DUMP: join(FIXTURES, 'violation-trace.json') });
    expect(r).toMatchObject({ verdict: 'invariant', violated: 'OneValuePerSlot', distinctStates: 8 });
    expect(r.counterexample!.states.map((s) => s.action)).toEqual([undefined, 'Write', 'Write']);
    // The same run with the 2217 state messages removed: the states come from the -dumpTrace json file.
    const stripped = fixture('violation-tool.out').replace(/@!@!@STARTMSG 2217:4 @!@!@[\s\S]*?@!@!@ENDMSG 2217 @!@!@\n/g, '');
    const file = join(scratch, 'violation-nostates.out');
    writeFileSync(file, stripped);
    const fromDump = await viaFakeTlc(file, { FAKE_TLC_DUMP: join(FIXTURES, 'violation-trace.json') });
    expect(fromDump.verdict).toBe('invariant');
    expect(fromDump.counterexample!.states).toHaveLength(3);
    expect(fromDump.counterexample!.states[2]!.action).toBe('Write');
  });

  it('maps deadlock (exit 11), liveness violation (exit 13) and parse errors (exit 150)', async () => {
    expect((await viaFakeTlc('deadlock-tool.out')).verdict).toBe('deadlock');
    const live = await viaFakeTlc('liveness-violation-tool.out');
    expect(live).toMatchObject({ verdict: 'property', violated: 'EventuallyTwoValues' });
    expect(live.counterexample!.loopTo).toBe(2);
    const parse = await viaFakeTlc('parse-error-tool.out');
    expect(parse.verdict).toBe('parse-error');
    expect(parse.location).toMatchObject({ line: 20, column: 53, module: 'Broken' });
  });

  it('streams progress (2200) while TLC runs', async () => {
    const seen: Array<{ p: Progress; at: number }> = [];
    const t0 = Date.now();
    const r = await viaFakeTlc('progress-tool.out', { FAKE_TLC_DELAY: '0.4' }, { onProgress: (p) => seen.push({ p, at: Date.now() - t0 }) });
    const total = Date.now() - t0;
    expect(r).toMatchObject({ verdict: 'pass', distinctStates: 3145726, statesGenerated: 188743561, depth: 23 });
    expect(seen.map((s) => s.p.distinctStates)).toEqual([202524, 2923067, 3145726]);
    expect(seen[0]!.p).toMatchObject({ engine: 'tlc', queue: 126702, statesGenerated: 4549281 });
    // The first report arrived well before the run ended: it was read from the stream, not at exit.
    expect(seen[0]!.at).toBeLessThan(total - 600);
  });

  it('reports a TLC that did not start with what java said', async () => {
    const r = await viaFakeTlc('no-such-transcript.out', { FAKE_TLC_STDERR: 'Error: Could not find or load main class tlc2.TLC' });
    expect(r.verdict).toBe('error');
    expect(r.message).toMatch(/TLC did not run \(exit \d+\).*Could not find or load main class/);
  });

  it('kills TLC at the timeout', async () => {
    const t0 = Date.now();
    const r = await viaFakeTlc('progress-tool.out', { FAKE_TLC_DELAY: '5' }, { timeoutMs: 300 });
    // The fake TLC printed one progress report before the limit: its counts stand in.
    expect(r).toMatchObject({ verdict: 'error', errorKind: 'timeout', message: 'timed out after 0.3 s; counts from TLC\'s last progress report', distinctStates: 202524 });
    expect(Date.now() - t0).toBeLessThan(3000);
  });
});

describe('finding java and the jar', () => {
  it('uses JAVA, JAVA_HOME or PATH, and TLA2TOOLS_JAR or .tlc/tla2tools.jar', () => {
    expect(findJava({ JAVA: FAKE_JAVA })).toBe(FAKE_JAVA);
    expect(findJava({ JAVA: join(FIXTURES, 'nope') })).toBeUndefined();
    expect(findJava({ PATH: '/nonexistent-dir' })).toBeUndefined();
    expect(findJar('/nonexistent-root', { TLA2TOOLS_JAR: FAKE_JAR })).toBe(FAKE_JAR);
    expect(findJar('/nonexistent-root', {})).toBeUndefined();
  });

  it('explains what is missing', () => {
    expect(() => requireTlc('/nonexistent-root', { PATH: '/nonexistent-dir' })).toThrow(EngineUnavailable);
    expect(() => requireTlc('/nonexistent-root', { PATH: '/nonexistent-dir' })).toThrow(/java is not on PATH.*no TLC jar at \/nonexistent-root\/\.tlc\/tla2tools\.jar \(run `npm run tlc:install`/);
    expect(requireTlc('/nonexistent-root', { JAVA: FAKE_JAVA, TLA2TOOLS_JAR: FAKE_JAR })).toEqual(setup);
  });
});
