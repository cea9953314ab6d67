import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type CliIo, largestFirst, runCli } from '../../src/modelcheck/cli/cli.js';
import { loadModel } from '../../src/modelcheck/cfg/models.js';
import { SPEC_DIR } from './helpers.js';
import { parseCliArgs } from '../../src/modelcheck/cli/cliArgs.js';
import { cli as runIn, NO_TLC, REPO, scratchOutDir } from './cliHarness.js';

let outDir = '';
beforeAll(() => { outDir = scratchOutDir(); });
const cli = (args: string[], env?: NodeJS.ProcessEnv) => runIn(outDir, args, env);

describe('check-spec arguments', () => {
  it('parses repeatable and valued flags', () => {
    expect(parseCliArgs(['--model', 'a', '--model=b', '--engine', 'both', '--timeout', '30', '--json', '--state-graph', 'g', '--jobs', '1'])).toMatchObject({
      models: ['a', 'b'], engine: 'both', timeoutSec: 30, json: true, coverage: true, stateGraphDir: 'g', jobs: 1,
    });
    expect(parseCliArgs(['--no-coverage'])).toMatchObject({ coverage: false });
  });

  it.each([
    [['--bogus'], 'unknown argument "--bogus"'],
    [['--engine', 'apalache'], '--engine must be tlc, embedded or both, got "apalache"'],
    [['--model'], '--model needs a value'],
    [['--timeout', 'soon'], '--timeout needs a positive integer, got "soon"'],
    [['--all', '--model', 'ok'], '--all and --model exclude each other'],
    [['--json=yes'], '--json takes no value'],
    [['--jobs', '0'], '--jobs needs a positive integer, got "0"'],
    [['--walks', '3'], 'unknown argument "--walks"'],
    [['--state-graph', 'g', '--no-coverage'], '--state-graph needs the state graph that --no-coverage turns off'],
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

  it('fails a passing model whose count is not its cfg\'s "states:", and passes the right count', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'check-spec-states-'));
    for (const f of readdirSync(SPEC_DIR)) if (f.endsWith('.tla')) copyFileSync(join(SPEC_DIR, f), join(dir, f));
    const ok = readFileSync(join(SPEC_DIR, 'ok.cfg'), 'utf8');
    const run = async (states: string) => {
      writeFileSync(join(dir, 'ok.cfg'), ok.replace('\\* expect: pass\n', `\\* expect: pass\n\\* states: ${states}\n`));
      let out = '';
      const code = await runCli(['--spec-dir', dir, '--model', 'ok', '--no-coverage'], { out: (x) => { out += x; }, err: () => {}, env: NO_TLC, isTTY: false, cwd: REPO });
      return { code, out };
    };
    const wrong = await run('10');
    expect(wrong.code).toBe(1);
    expect(wrong.out).toContain('ok (embedded): 9 distinct states where the cfg says "states: 10" (the spec\'s state space changed');
    expect(await run('9')).toMatchObject({ code: 0 });
  });

  it('starts the largest models first by their "states:", the others after in their order', () => {
    const dir = mkdtempSync(join(tmpdir(), 'check-spec-order-'));
    const model = (name: string, states?: number) => {
      writeFileSync(join(dir, `${name}.cfg`), `\\* module: M\n${states === undefined ? '' : `\\* states: ${states}\n`}INIT I NEXT N\n`);
      return loadModel(join(dir, `${name}.cfg`));
    };
    const models = [model('a', 10), model('b'), model('c', 27_848), model('d'), model('e', 2_213)];
    expect(largestFirst(models).map((i) => models[i]!.name)).toEqual(['c', 'e', 'a', 'b', 'd']);
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

  it('prints action coverage from the state graph, and --state-graph saves the graph', async () => {
    const graphs = mkdtempSync(join(tmpdir(), 'check-spec-graphs-'));
    const r = await cli(['--model', 'ok', '--state-graph', graphs]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/action coverage \(embedded: transitions; "-": never\)\naction\s+ok\n-+\s+-+\nWrite\s+\d+\n/);
    expect(r.out).toContain('Slots: 1 of 1 actions reached by the models checked\n  every action of Next is reachable');
    const dot = readFileSync(join(graphs, 'ok.dot'), 'utf8');
    expect(dot).toMatch(/^digraph/);
    expect(dot.match(/^  s\d+ \[label=/gm)).toHaveLength(9);
    const noCov = await cli(['--model', 'ok', '--no-coverage']);
    expect(noCov.code).toBe(0);
    expect(noCov.out).not.toContain('action coverage');
  });
  it('a model limited to TLC is skipped by the embedded engine, and refused when asked for by name', async () => {
    const all = await cli(['--all', '--engine', 'embedded']);
    expect(all.out).toContain('skipped inst: not checked with the embedded engine (its cfg says "engines: tlc")');
    const named = await cli(['--model', 'inst', '--engine', 'embedded']);
    expect(named.code).toBe(2);
    expect(named.err).toContain('model inst cannot be checked by the embedded engine');
  });
});


describe('check-spec with nothing its engine can check', () => {
  it('refuses a selection whose every model is for another engine (it would check nothing and pass)', async () => {
    // A spec directory whose CI selection is one TLC-only model.
    const dir = mkdtempSync(join(tmpdir(), 'check-spec-tlc-only-'));
    for (const f of ['SlotsInst.tla', 'Slots.tla', 'SlotsBase.tla']) copyFileSync(join(SPEC_DIR, f), join(dir, f));
    writeFileSync(join(dir, 'inst.cfg'), readFileSync(join(SPEC_DIR, 'inst.cfg'), 'utf8').replace('\\* ci: false', '\\* ci: true'));
    let out = ''; let err = '';
    const io: CliIo = { out: (s) => { out += s; }, err: (s) => { err += s; }, env: NO_TLC, isTTY: false, cwd: REPO };
    const code = await runCli(['--spec-dir', dir, '--out-dir', scratchOutDir(), '--engine', 'embedded'], io);
    expect(code).toBe(2);
    expect(err).toContain('none of the selected models (inst) can be checked by the embedded engine');
    expect(out).not.toContain('skipped inst');
  });
});
