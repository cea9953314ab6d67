/**
 * TLC's ways to scale, without a jar: the command-line options, the command lines check-spec
 * builds, and what it makes of recorded simulation and distributed output (a fake java replays
 * the transcripts).
 */
import { chmodSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseCfg } from '../../src/modelcheck/cfg/cfg.js';
import { checkModel } from '../../src/modelcheck/check.js';
import { parseCliArgs, UsageError } from '../../src/modelcheck/cli/cliArgs.js';
import { defaultTlcWorkers } from '../../src/modelcheck/cli/cli.js';
import { serverArgs, sshArgs, workerArgs } from '../../src/modelcheck/tlc/distributed.js';
import { tlcArgs } from '../../src/modelcheck/tlc/runner.js';
import { cli, scratchOutDir } from './cliHarness.js';
import { FAKE_JAR, FAKE_JAVA, FIXTURES, fixture } from './helpers.js';

const MULTIPAXOS_DIR = join(FIXTURES, 'multipaxos');

describe('options', () => {
  it('--workers takes a number or auto', () => {
    expect(parseCliArgs(['--workers', '3']).workers).toBe(3);
    expect(parseCliArgs(['--workers=auto']).workers).toBe('auto');
    expect(parseCliArgs([]).workers).toBeUndefined();
    expect(() => parseCliArgs(['--workers', 'many'])).toThrow(UsageError);
    expect(() => parseCliArgs(['--workers', '0'])).toThrow(/--workers needs a positive integer/);
  });

  it('the default number of TLC workers shares the cores among the models checked at once', () => {
    expect(defaultTlcWorkers(2, undefined, 2)).toBe(1);
    expect(defaultTlcWorkers(1, undefined, 2)).toBe(2);
    expect(defaultTlcWorkers(2, undefined, 8)).toBe(4);
    expect(defaultTlcWorkers(3, undefined, 2)).toBe(1);
    expect(defaultTlcWorkers(1, 2, 2)).toBe(1); // distributed: shared among the local worker processes
  });

  it('--simulate with its defaults, --traces, --depth and --seed', () => {
    expect(parseCliArgs(['--simulate']).simulate).toEqual({ traces: 10_000, depth: 100 });
    expect(parseCliArgs(['--simulate', '--traces', '50', '--depth', '20', '--seed', '-42']).simulate).toEqual({ traces: 50, depth: 20, seed: '-42' });
    expect(() => parseCliArgs(['--traces', '5'])).toThrow('--traces, --depth and --seed are options of --simulate');
    expect(() => parseCliArgs(['--simulate', '--seed', '1.5'])).toThrow(/--seed needs an integer/);
    expect(() => parseCliArgs(['--simulate', '--engine', 'embedded'])).toThrow('--simulate runs TLC: it needs --engine tlc (or no --engine), not embedded');
  });

  it('--distributed with its defaults and options', () => {
    expect(parseCliArgs(['--distributed']).distributed).toEqual({ localWorkers: 2, workerHosts: [], fpSets: false });
    expect(parseCliArgs(['--distributed', '--local-workers', '0', '--worker-hosts', 'alice@h1,h2.lan', '--server-host', '10.0.0.5', '--port', '20000', '--fp-sets']).distributed)
      .toEqual({ localWorkers: 0, workerHosts: ['alice@h1', 'h2.lan'], serverHost: '10.0.0.5', port: 20000, fpSets: true });
    expect(() => parseCliArgs(['--distributed', '--worker-hosts', 'h1;rm -rf /'])).toThrow(/--worker-hosts needs host names/);
    expect(() => parseCliArgs(['--distributed', '--port', '70000'])).toThrow(/--port needs a port number/);
    expect(() => parseCliArgs(['--local-workers', '1'])).toThrow(/options of --distributed/);
    expect(() => parseCliArgs(['--distributed', '--simulate'])).toThrow(/exclude each other/);
    expect(() => parseCliArgs(['--distributed', '--engine', 'both'])).toThrow(/--distributed runs TLC/);
    expect(() => parseCliArgs(['--distributed', '--local-workers', '0', '--fp-sets'])).toThrow(/--fp-sets needs worker processes/);
  });
});

describe('-workers on the TLC command line', () => {
  const argsOf = async (extra: string[]) => {
    const argsFile = join(mkdtempSync(join(tmpdir(), 'tlc-workers-')), 'args.txt');
    const env = { JAVA: FAKE_JAVA, TLA2TOOLS_JAR: FAKE_JAR, FAKE_TLC_TRANSCRIPT: join(FIXTURES, 'ok-tool.out'), FAKE_TLC_ARGS: argsFile };
    Object.assign(process.env, { FAKE_TLC_TRANSCRIPT: env.FAKE_TLC_TRANSCRIPT, FAKE_TLC_ARGS: argsFile });
    try {
      const r = await cli(scratchOutDir(), ['--model', 'ok', '--engine', 'tlc', '--no-coverage', ...extra], env);
      expect(r.code).toBe(0);
      const args = readFileSync(argsFile, 'utf8').trim().split('\n');
      return args[args.indexOf('-workers') + 1];
    } finally {
      delete process.env.FAKE_TLC_TRANSCRIPT;
      delete process.env.FAKE_TLC_ARGS;
    }
  };

  it('is --workers when given, else the cores shared among the models run at once (not "auto")', async () => {
    expect(await argsOf(['--workers', '3'])).toBe('3');
    expect(await argsOf(['--workers', 'auto'])).toBe('auto');
    expect(await argsOf([])).toBe(String(defaultTlcWorkers(1)));
  });
});

describe('command lines', () => {
  it('simulation: -simulate num=K -depth D [-seed S]', () => {
    const args = tlcArgs({ moduleName: 'M', workers: '1', simulate: { traces: 300, depth: 40, seed: '7' } }, 'tla2tools.jar', '/w');
    expect(args.slice(args.indexOf('-simulate'))).toEqual(['-simulate', 'num=300', '-depth', '40', '-seed', '7', 'M']);
    expect(args.slice(4, 7)).toEqual(['-tool', '-workers', '1']);
    // TLC generates num traces per worker: the total asked for is shared among them.
    const two = tlcArgs({ moduleName: 'M', workers: '2', simulate: { traces: 301, depth: 40 } }, 'tla2tools.jar', '/w');
    expect(two[two.indexOf('-simulate') + 1]).toBe('num=151');
  });

  it('server: TLCServer with its port, report interval, -deadlock for CHECK_DEADLOCK FALSE, distributed fingerprint sets on request', () => {
    const cfg = parseCfg(fixture('multipaxos/ci-normal.cfg'));
    const args = serverArgs({ moduleName: 'MultiPaxos', cfg, fpSets: true, jar: 'j.jar', serverHost: '127.0.0.1', port: 4000, workers: 2, cfgFile: '/w/model.cfg', metadir: '/w/states' });
    expect(args).toEqual(['-XX:+UseParallelGC', '-Djava.rmi.server.hostname=127.0.0.1', '-Dtlc2.tool.distributed.TLCServer.port=4000',
      '-Dtlc2.tool.distributed.TLCServer.report=5000', '-Dtlc2.tool.distributed.TLCServer.expectedFPSetCount=2',
      '-cp', 'j.jar', 'tlc2.tool.distributed.TLCServer', '-tool', '-deadlock', '-config', '/w/model.cfg', '-metadir', '/w/states', 'MultiPaxos']);
    const checked = serverArgs({ moduleName: 'M', cfg: { ...cfg, checkDeadlock: true }, fpSets: false, jar: 'j.jar', serverHost: 'h', port: 1, workers: 1, cfgFile: 'c', metadir: 'm' });
    expect(checked).not.toContain('-deadlock');
    expect(checked.some((a) => a.includes('expectedFPSetCount'))).toBe(false);
  });

  it('workers: TLCWorker (or TLCWorkerAndFPSet) with the server\'s host and port, its own callback address, and its thread count', () => {
    expect(workerArgs({ jar: 'j.jar', serverHost: 'srv', port: 4000, fpSets: false, threads: '2', ownHost: 'w1' })).toEqual([
      '-XX:+UseParallelGC', '-Djava.rmi.server.hostname=w1', '-Dtlc2.tool.distributed.TLCServer.port=4000',
      '-Dtlc2.tool.distributed.TLCWorker.threadCount=2', '-cp', 'j.jar', 'tlc2.tool.distributed.TLCWorker', 'srv']);
    const fp = workerArgs({ jar: 'j.jar', serverHost: 'srv', port: 4000, fpSets: true, threads: 'auto', ownHost: 'w1' });
    expect(fp).toContain('tlc2.tool.distributed.fp.TLCWorkerAndFPSet');
    expect(fp.some((a) => a.includes('threadCount'))).toBe(false);
    // ssh gets one remote command line, each word quoted for the remote shell when needed.
    expect(sshArgs('alice@w1', '/usr/bin/java', ['-cp', '/opt/my jars/tla2tools.jar', 'tlc2.tool.distributed.TLCWorker', 'srv']))
      .toEqual(['-o', 'BatchMode=yes', 'alice@w1', "exec /usr/bin/java -cp '/opt/my jars/tla2tools.jar' tlc2.tool.distributed.TLCWorker srv"]);
  });
});

describe('simulation results through the TLC runner (fake java)', () => {
  let scratch = '';
  beforeAll(() => {
    chmodSync(FAKE_JAVA, 0o755);
    scratch = mkdtempSync(join(tmpdir(), 'tlc-modes-'));
  });
  const simulate = async (transcript: string, cfgFile: string, env: Record<string, string> = {}) => {
    Object.assign(process.env, { FAKE_TLC_TRANSCRIPT: join(FIXTURES, transcript) }, env);
    try {
      return await checkModel({
        moduleName: 'MultiPaxos', cfgText: fixture(`multipaxos/${cfgFile}`), engine: 'tlc', specDir: MULTIPAXOS_DIR,
        tlc: { java: FAKE_JAVA, jar: FAKE_JAR }, simulate: { traces: 300, depth: 40 }, tlcWorkers: '1',
      });
    } finally {
      for (const k of ['FAKE_TLC_TRANSCRIPT', ...Object.keys(env)]) delete process.env[k];
    }
  };

  it('a simulation that found nothing: pass, with traces and states generated, and the -simulate arguments', async () => {
    const argsFile = join(scratch, 'args.txt');
    const r = await simulate('simulate-ok-tool.out', 'ci-normal.cfg', { FAKE_TLC_ARGS: argsFile });
    expect(r).toMatchObject({ verdict: 'pass', mode: 'simulate', traces: 300, statesGenerated: 13_189 });
    const args = readFileSync(argsFile, 'utf8').trim().split('\n');
    expect(args).toEqual(expect.arrayContaining(['-simulate', 'num=300', '-depth', '40']));
    expect(args).not.toContain('-coverage');
  });

  it('a violation: the invariant and a counterexample whose "Next" steps are named from the spec', async () => {
    const r = await simulate('simulate-violation-tool.out', 'ci-normal-mutant.cfg');
    expect(r).toMatchObject({ verdict: 'invariant', violated: 'TypeOK', mode: 'simulate', traces: 3 });
    // TLC labels the third state "Next line 542, col 8 to line 542, col 67": the ReplicaReceiveInvoke disjunct.
    expect(r.counterexample!.states.map((s) => s.action)).toEqual([undefined, 'RequesterInvoke', 'ReplicaReceiveInvoke']);
    expect(r.counterexample!.states.every((s) => s.actionSpan === undefined)).toBe(true);
  });

  it('the results table: engine "tlc simulate", no distinct states, a traces column', async () => {
    const env = { JAVA: FAKE_JAVA, TLA2TOOLS_JAR: FAKE_JAR, FAKE_TLC_TRANSCRIPT: join(FIXTURES, 'simulate-ok-tool.out') };
    process.env.FAKE_TLC_TRANSCRIPT = env.FAKE_TLC_TRANSCRIPT;
    try {
      const r = await cli(scratchOutDir(), ['--spec-dir', MULTIPAXOS_DIR, '--model', 'ci-normal', '--simulate', '--traces', '300', '--depth', '40'], env);
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/model\s+engine\s+verdict\s+distinct states\s+states generated\s+depth\s+traces\s+duration\s+result/);
      expect(r.out).toMatch(/ci-normal\s+tlc simulate\s+pass\s+-\s+13,189\s+-\s+300\s/);
    } finally {
      delete process.env.FAKE_TLC_TRANSCRIPT;
    }
  });
});
