import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliIo } from '../../src/modelcheck/cli.js';
import { parseCliArgs } from '../../src/modelcheck/cliArgs.js';
import { FAKE_JAR, FAKE_JAVA, FIXTURES, SPEC_DIR } from './helpers.js';

const REPO = join(FIXTURES, '..', '..', '..');
let outDir = '';
const NO_TLC = { PATH: '/nonexistent-dir' };

beforeAll(() => {
  chmodSync(FAKE_JAVA, 0o755);
  outDir = mkdtempSync(join(tmpdir(), 'check-spec-cli-'));
});

async function cli(args: string[], env: NodeJS.ProcessEnv = NO_TLC) {
  let out = '';
  let err = '';
  const io: CliIo = { out: (s) => { out += s; }, err: (s) => { err += s; }, env, isTTY: false, cwd: REPO };
  const code = await runCli(['--spec-dir', SPEC_DIR, '--out-dir', outDir, ...args], io);
  return { code, out, err };
}

describe('check-spec arguments', () => {
  it('parses repeatable and valued flags', () => {
    expect(parseCliArgs(['--model', 'a', '--model=b', '--engine', 'both', '--timeout', '30', '--json', '--coverage', '--seed', '0'])).toMatchObject({
      models: ['a', 'b'], engine: 'both', timeoutSec: 30, json: true, coverage: true, seed: 0,
    });
  });

  it.each([
    [['--bogus'], 'unknown argument "--bogus"'],
    [['--engine', 'apalache'], '--engine must be tlc, embedded or both, got "apalache"'],
    [['--model'], '--model needs a value'],
    [['--timeout', 'soon'], '--timeout needs a positive integer, got "soon"'],
    [['--all', '--model', 'ok'], '--all and --model exclude each other'],
    [['--json=yes'], '--json takes no value'],
  ])('%j -> usage error naming the argument, exit 2', async (args, message) => {
    const r = await cli(args);
    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
    expect(r.err).toContain('usage: npm run check-spec');
    expect(r.out).toBe('');
  });
});

describe('check-spec on the toy models (embedded engine)', () => {
  it('checks the ci: true models by default and prints the table', async () => {
    const r = await cli([]);
    expect(r.code).toBe(0);
    const rows = r.out.split('\n').filter((l) => /^(ok|ext|violation|deadlock)\s/.test(l));
    expect(rows.map((l) => l.split(/\s+/).slice(0, 4))).toEqual([['ext', 'embedded', 'pass', '9'], ['ok', 'embedded', 'pass', '9']]);
    expect(r.out).toMatch(/model\s+engine\s+verdict\s+distinct states\s+states generated\s+depth\s+duration/);
    expect(rows[0]).toMatch(/pass\s+9\s+-\s+-\s+[\d.]+ s\s+ok$/);
  });

  it('unknown model -> exit 2 naming it and the known ones', async () => {
    const r = await cli(['--model', 'nope']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/unknown model nope \(known: broken, deadlock, ext, inst, liveness, ok, violation\)/);
  });

  it('a cfg that does not parse -> exit 2 naming file and line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'check-spec-badcfg-'));
    writeFileSync(join(dir, 'bad.cfg'), '\\* module: Slots\n\\* ci: true\nSPECIFICATION Spec\nINVARIANTS TypeOK\nCHECK_DEADLOK FALSE\n');
    let err = '';
    const code = await runCli(['--spec-dir', dir], { out: () => {}, err: (s) => { err += s; }, env: NO_TLC, isTTY: false, cwd: REPO });
    expect(code).toBe(2);
    expect(err).toContain(`${join(dir, 'bad.cfg')}:5: unknown keyword "CHECK_DEADLOK"`);
    writeFileSync(join(dir, 'bad.cfg'), '\\* module: Slots\n\\* ci: true\nCONSTANTS N = 3\n');
    err = '';
    expect(await runCli(['--spec-dir', dir], { out: () => {}, err: (s) => { err += s; }, env: NO_TLC, isTTY: false, cwd: REPO })).toBe(2);
    expect(err).toMatch(/bad\.cfg:3: no SPECIFICATION and no INIT/);
  });

  it('expected violations pass; the counterexample is printed and saved as ITF', async () => {
    const r = await cli(['--model', 'violation', '--model', 'liveness']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('violation (embedded): invariant OneValuePerSlot violated (as expected)');
    expect(r.out).toMatch(/state 1: initial state\n {4}written = <<\{\}, \{\}>>\n {4}turn = 0\n {2}state 2: Write\n {4}written = <<\{v1\}, \{\}>>\n {4}turn = 1\n/);
    expect(r.out).toContain('then stutters forever in state 3');
    const file = join(outDir, 'violation-embedded.itf.json');
    expect(r.out).toContain(`counterexample saved to ${file}`);
    const itf = JSON.parse(readFileSync(file, 'utf8'));
    expect(itf.vars).toEqual(['written', 'turn']);
    expect(itf.states).toHaveLength(3);
    expect(itf.states[1]).toEqual({ '#meta': { index: 1, action: 'Write' }, written: { '#tup': [{ '#set': [{ '#unserializable': 'v1' }] }, { '#set': [] }] }, turn: { '#bigint': '1' } });
    expect(JSON.parse(readFileSync(join(outDir, 'liveness-embedded.itf.json'), 'utf8')).loop).toBe(2);
  });

  it('an unexpected deadlock or parse error -> exit 1', async () => {
    const d = await cli(['--model', 'deadlock']);
    expect(d.code).toBe(1);
    expect(d.out).toContain('deadlock (embedded): deadlock reached');
    expect(d.out).toMatch(/UNEXPECTED \(expected pass\)/);
    const b = await cli(['--model', 'broken']);
    expect(b.code).toBe(1);
    expect(b.out).toMatch(/broken \(embedded\): parse-error: .*undefined variable `v`/);
  });

  it('--json prints one object with a models array and nothing else', async () => {
    const r = await cli(['--model', 'ok', '--model', 'violation', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.ok).toBe(true);
    expect(j.models.map((m: { model: string; verdict: string; distinctStates: number }) => [m.model, m.verdict, m.distinctStates])).toEqual([['ok', 'pass', 9], ['violation', 'invariant', 7]]);
    expect(j.models[1].violated).toBe('OneValuePerSlot');
    expect(j.models[1].counterexample.states).toHaveLength(3);
  });

  it('--coverage reports action coverage per model', async () => {
    const r = await cli(['--model', 'ok', '--coverage', '--walks', '20', '--depth', '5']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('ok (embedded): action coverage: 1/1, never reached: []');
  });

  it('a model limited to TLC is skipped by the embedded engine, and refused when asked for by name', async () => {
    const all = await cli(['--all', '--engine', 'embedded']);
    expect(all.out).toContain('skipped inst: not checked with the embedded engine (its cfg says "engines: tlc")');
    const named = await cli(['--model', 'inst', '--engine', 'embedded']);
    expect(named.code).toBe(2);
    expect(named.err).toContain('model inst cannot be checked by the embedded engine');
  });
});

describe('check-spec with TLC', () => {
  it('--engine tlc without java or jar -> exit 2 with a clear message', async () => {
    const r = await cli(['--engine', 'tlc']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^check-spec: the TLC engine is not available: java is not on PATH/);
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  const tlcEnv = (transcript: string) => ({ JAVA: FAKE_JAVA, TLA2TOOLS_JAR: FAKE_JAR, FAKE_TLC_TRANSCRIPT: join(FIXTURES, transcript) });
  async function withFakeTlc<T>(transcript: string, f: (env: NodeJS.ProcessEnv) => Promise<T>): Promise<T> {
    const env = tlcEnv(transcript);
    process.env.FAKE_TLC_TRANSCRIPT = env.FAKE_TLC_TRANSCRIPT; // read by the spawned fake java
    try {
      return await f(env);
    } finally {
      delete process.env.FAKE_TLC_TRANSCRIPT;
    }
  }

  it('defaults to TLC when java and a jar are found', async () => {
    const r = await withFakeTlc('ok-tool.out', (env) => cli(['--model', 'ok'], env));
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/ok\s+tlc\s+pass\s+9\s+25\s+3\s/);
  });

  it('--engine both: agreeing engines pass, both rows printed', async () => {
    const r = await withFakeTlc('ok-tool.out', (env) => cli(['--model', 'ok', '--engine', 'both'], env));
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/ok\s+tlc\s+pass\s+9\s+25\s+3/);
    expect(r.out).toMatch(/ok\s+embedded\s+pass\s+9\s+-\s+-/);
  });

  it('--engine both: disagreeing verdicts or state counts -> exit 1', async () => {
    const v = await withFakeTlc('violation-tool.out', (env) => cli(['--model', 'ok', '--engine', 'both'], env));
    expect(v.code).toBe(1);
    expect(v.out).toContain('engines disagree: verdicts differ (tlc: invariant OneValuePerSlot, embedded: pass)');
    // progress-tool.out passes with 3,145,726 states; the embedded engine finds 9 for ok.cfg.
    const c = await withFakeTlc('progress-tool.out', (env) => cli(['--model', 'ok', '--engine', 'both', '--json', '--progress'], env));
    expect(c.code).toBe(1);
    expect(JSON.parse(c.out).models[0].note).toBe('engines disagree: distinct states differ (tlc: 3145726, embedded: 9)');
    // --progress: TLC's progress reports go to stderr, stdout stays pure JSON.
    expect(c.err).toMatch(/^\[ok tlc\] \d+ s: 202,524 distinct states, 4,549,281 generated, 126,702 on queue$/m);
    expect(c.err.match(/^\[ok tlc\]/gm)).toHaveLength(3);
  });

  it('saves a TLC counterexample as <model>-tlc.itf.json', async () => {
    const r = await withFakeTlc('violation-tool.out', (env) => cli(['--model', 'violation'], env));
    expect(r.code).toBe(0);
    const itf = JSON.parse(readFileSync(join(outDir, 'violation-tlc.itf.json'), 'utf8'));
    expect(itf.states[2].written).toEqual({ '#tup': [{ '#set': [{ '#unserializable': 'v1' }, { '#unserializable': 'v2' }] }, { '#set': [] }] });
  });
});

describe('the scripts as run by npm', () => {
  const tsx = join(REPO, 'node_modules', '.bin', 'tsx');

  it('check-spec: bad usage exits 2 with one message and no stack trace', () => {
    const r = spawnSync(tsx, ['scripts/check-spec.ts', '--engine', 'bogus'], { cwd: REPO, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('check-spec: --engine must be tlc, embedded or both, got "bogus"');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('tlc:install offline fails fast with a clear message and writes no jar', () => {
    const t0 = Date.now();
    const r = spawnSync(tsx, ['scripts/tlc-install.ts'], { cwd: REPO, encoding: 'utf8', env: { ...process.env, TLC_JAR_URL: 'http://127.0.0.1:2/tla2tools.jar' } });
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/tlc:install: could not download http:\/\/127\.0\.0\.1:2\/tla2tools\.jar: .*Are you offline\?/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(REPO, '.tlc', 'tla2tools.jar.part'))).toBe(false);
  });
});
