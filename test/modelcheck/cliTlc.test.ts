import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/modelcheck/cli/cli.js';
import { cli as runIn, REPO, scratchOutDir } from './cliHarness.js';
import { FAKE_JAR, FAKE_JAVA, FIXTURES, SPEC_DIR } from './helpers.js';

let outDir = '';
beforeAll(() => { outDir = scratchOutDir(); });
const cli = (args: string[], env?: NodeJS.ProcessEnv) => runIn(outDir, args, env);

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

  it('an expected violation is met only by that invariant named: TLC exiting 12 without naming one is not "as expected"', async () => {
    // A reviewer's bug let the kind decide when TLC named nothing, so a TypeOK failure (or a
    // lost message) would have passed a model that expects OneValuePerSlot.
    const transcript = join(outDir, 'unnamed-violation.out');
    writeFileSync(transcript, `${readFileSync(join(FIXTURES, 'violation-tool.out'), 'utf8').split('@!@!@ENDMSG 2262 @!@!@')[0]}@!@!@ENDMSG 2262 @!@!@\nexit=12\n`);
    process.env.FAKE_TLC_TRANSCRIPT = transcript;
    try {
      const r = await cli(['--model', 'violation'], { JAVA: FAKE_JAVA, TLA2TOOLS_JAR: FAKE_JAR, FAKE_TLC_TRANSCRIPT: transcript });
      expect(r.code).toBe(1);
      expect(r.out).not.toContain('as expected');
    } finally {
      delete process.env.FAKE_TLC_TRANSCRIPT;
    }
  });

  it('fails a TLC run that passes with another count than the cfg\'s "states:"; a simulation (no distinct states) is not compared', async () => {
    // The CI runs check-spec with TLC: a changed state space must fail there too, not only on the embedded engine.
    const dir = mkdtempSync(join(tmpdir(), 'check-spec-tlc-states-'));
    for (const f of readdirSync(SPEC_DIR)) if (f.endsWith('.tla')) copyFileSync(join(SPEC_DIR, f), join(dir, f));
    const ok = readFileSync(join(SPEC_DIR, 'ok.cfg'), 'utf8');
    const run = (states: string, transcript: string, extra: string[] = []) => withFakeTlc(transcript, async (env) => {
      writeFileSync(join(dir, 'ok.cfg'), ok.replace('\\* expect: pass\n', `\\* expect: pass\n\\* states: ${states}\n`));
      let out = '';
      const code = await runCli(['--spec-dir', dir, '--out-dir', outDir, '--model', 'ok', '--engine', 'tlc', '--no-coverage', ...extra],
        { out: (x) => { out += x; }, err: () => {}, env, isTTY: false, cwd: REPO });
      return { code, out };
    });
    // ok-tool.out passes with 9 distinct states.
    const wrong = await run('10', 'ok-tool.out');
    expect(wrong.code).toBe(1);
    expect(wrong.out).toContain('ok (tlc): 9 distinct states where the cfg says "states: 10"');
    expect(await run('9', 'ok-tool.out')).toMatchObject({ code: 0 });
    expect(await run('10', 'simulate-ok-tool.out', ['--simulate', '--traces', '300', '--depth', '40'])).toMatchObject({ code: 0 });
  });

  it('saves a TLC counterexample as <model>-tlc.itf.json', async () => {
    const r = await withFakeTlc('violation-tool.out', (env) => cli(['--model', 'violation'], env));
    expect(r.code).toBe(0);
    const itf = JSON.parse(readFileSync(join(outDir, 'violation-tlc.itf.json'), 'utf8'));
    expect(itf.states[2].written).toEqual({ '#tup': [{ '#set': [{ '#unserializable': 'v1' }, { '#unserializable': 'v2' }] }, { '#set': [] }] });
  });
});

/** Runs a script the way npm does (through tsx), asynchronously so the two below overlap. */
function runScript(script: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(join(REPO, 'node_modules', '.bin', 'tsx'), [script, ...args], { cwd: REPO, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (c: string) => { stderr += c; });
    child.on('close', (status) => resolve({ status, stderr }));
  });
}

describe('the scripts as run by npm', () => {
  it('check-spec: bad usage exits 2 with one message and no stack trace; tlc:install offline fails fast with a clear message', async () => {
    const t0 = Date.now();
    const [usage, install] = await Promise.all([
      runScript('scripts/check-spec.ts', ['--engine', 'bogus']),
      runScript('scripts/tlc-install.ts', [], { ...process.env, TLC_JAR_URL: 'http://127.0.0.1:2/tla2tools.jar' }),
    ]);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain('check-spec: --engine must be tlc, embedded or both, got "bogus"');
    expect(usage.stderr).not.toMatch(/\n\s+at /);
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect(install.status).toBe(1);
    expect(install.stderr).toMatch(/tlc:install: could not download http:\/\/127\.0\.0\.1:2\/tla2tools\.jar: .*Are you offline\?/);
    expect(install.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(REPO, '.tlc', 'tla2tools.jar.part'))).toBe(false);
  });
});
