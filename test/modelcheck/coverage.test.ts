/**
 * Action coverage: TLC's located coverage entries named from the module text, and check-spec
 * failing a CI run when an action of Next is reached by no model and no witness.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/modelcheck/cli/cli.js';
import { actionInSpan, nameCoverage } from '../../src/modelcheck/report/coverageNames.js';
import { formatModuleCoverage } from '../../src/modelcheck/report/coverageReport.js';
import { TlcOutputReader } from '../../src/modelcheck/tlc/output.js';
import { cli, NO_TLC, REPO, scratchOutDir } from './cliHarness.js';
import { FAKE_JAR, FAKE_JAVA, FIXTURES } from './helpers.js';

describe('TLC coverage of actions called inside quantifiers of Next', () => {
  const moduleText = [
    '---- MODULE M ----',
    'Next ==',
    '    \\/ \\E m \\in Msgs("Prepare") : \\E n \\in Node : AcceptorReceivePrepare(n, m)',
    '    \\/ \\E n \\in Node : LeaderSpawnScout(n)',
    '====',
  ].join('\n');

  it('takes the last operator applied in the span', () => {
    expect(actionInSpan('\\E m \\in Msgs("Prepare") : \\E n \\in Node : AcceptorReceivePrepare(n, m)')).toBe('AcceptorReceivePrepare');
    expect(actionInSpan('ReplicaExecute')).toBe('ReplicaExecute');
  });

  it('reads located entries from TLC -tool output and names them from the module', () => {
    const reader = new TlcOutputReader();
    const body = [
      '<Next line 2, col 1 to line 2, col 4 of module M (3 8 3 78)>: 51:30802',
      '<Next line 2, col 1 to line 2, col 4 of module M (4 8 4 42)>: 2:58',
      '<LeaderSpawnScout line 9, col 1 to line 9, col 19 of module M>: 2:58',
    ].join('\n');
    reader.push(`@!@!@STARTMSG 2221:0 @!@!@\n${body}\n@!@!@ENDMSG 2221 @!@!@\n`);
    const raw = reader.finish(0).coverage!;
    expect(raw).toEqual({ 'Next@M:3:8-3:78': 51, 'Next@M:4:8-4:42': 2, LeaderSpawnScout: 2 });
    expect(nameCoverage(raw, (name) => (name === 'M' ? moduleText : undefined))).toEqual({ AcceptorReceivePrepare: 51, LeaderSpawnScout: 2 });
    // A module that cannot be read leaves the entry as TLC gave it.
    expect(nameCoverage(raw, () => undefined)).toEqual(raw);
  });
});

describe('check-spec: every action of Next must be reachable', () => {
  const toy = [
    '---- MODULE Toy ----',
    'EXTENDS Naturals',
    'CONSTANTS Limit',
    'VARIABLES x',
    'Init == x = 0',
    '(* Counts up to Limit. *)',
    'Inc == x < Limit /\\ x\' = x + 1',
    '(* Back to zero from 2: only reachable when Limit >= 2. *)',
    'Reset == x = 2 /\\ x\' = 0',
    'Next == Inc \\/ Reset',
    'Spec == Init /\\ [][Next]_x',
    '====',
  ].join('\n');
  const cfg = (ci: boolean, limit: number) => `\\* module: Toy\n\\* ci: ${ci}\n\\* engines: embedded,tlc\nSPECIFICATION Spec\nCONSTANTS Limit = ${limit}\nCHECK_DEADLOCK FALSE\n`;
  const run = async (dir: string, args: string[] = []) => {
    let out = ''; let err = '';
    const code = await runCli(['--spec-dir', dir, '--out-dir', join(dir, 'out'), ...args],
      { out: (s) => { out += s; }, err: (s) => { err += s; }, env: NO_TLC, isTTY: false, cwd: REPO });
    return { code, out, err };
  };
  const specDir = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'check-spec-toy-'));
    writeFileSync(join(dir, 'Toy.tla'), toy);
    writeFileSync(join(dir, 'small.cfg'), cfg(true, 1));
    writeFileSync(join(dir, 'big.cfg'), cfg(false, 2));
    return dir;
  };

  it('an action no CI model reaches fails the run', async () => {
    const r = await run(specDir());
    expect(r.code).toBe(1);
    expect(r.out).toContain('Toy: 1 of 2 actions reached by the models checked\n  NOT reached by any model or witness: Reset');
  });

  it('a model named with --model only reports it', async () => {
    const r = await run(specDir(), ['--model', 'small']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('NOT reached by any model or witness: Reset');
  });

  it('a witness replayed on the embedded engine shows it reachable', async () => {
    const dir = specDir();
    mkdirSync(join(dir, 'witnesses'));
    const steps = [{ action: 'Inc', args: [] }, { action: 'Inc', args: [] }, { action: 'Reset', args: [] }];
    writeFileSync(join(dir, 'witnesses', 'reset.json'), JSON.stringify({ mutant: 'none', model: 'big', reaches: 'Reset', violates: [], steps }));
    const r = await run(dir);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Reset: reached by witness \S*reset\.json \(replayed step by step on the embedded engine\)\n {2}every action of Next is reachable/);
  });

  it('a witness that does not replay fails the run, naming the step', async () => {
    const dir = specDir();
    mkdirSync(join(dir, 'witnesses'));
    const steps = [{ action: 'Inc', args: [] }, { action: 'Reset', args: [] }];
    writeFileSync(join(dir, 'witnesses', 'reset.json'), JSON.stringify({ mutant: 'none', model: 'big', reaches: 'Reset', violates: [], steps }));
    const r = await run(dir);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/witness FAILED: \S*reset\.json: step 2 of 2 refused: Reset is not enabled/);
    expect(r.out).toContain('NOT reached by any model or witness: Reset');
  });
});

describe('coverage of a model whose module takes Next from a module it extends', () => {
  it('tlc-refinement (refinement-coverage-tool.out, replayed by a fake java): the actions of MultiPaxos\'s Next, not "0 of 0 ... every action reachable"', async () => {
    const env = { JAVA: FAKE_JAVA, TLA2TOOLS_JAR: FAKE_JAR, FAKE_TLC_TRANSCRIPT: join(FIXTURES, 'refinement-coverage-tool.out') };
    process.env.FAKE_TLC_TRANSCRIPT = env.FAKE_TLC_TRANSCRIPT; // read by the spawned fake java
    try {
      const r = await cli(scratchOutDir(), ['--spec-dir', join(FIXTURES, 'multipaxos'), '--model', 'tlc-refinement', '--engine', 'tlc'], env);
      expect(r.code).toBe(0);
      expect(r.out).toContain('MultiPaxosRefinesLog: 12 of 18 actions reached by the models checked (the actions of Next in MultiPaxos, which MultiPaxosRefinesLog extends)');
      expect(r.out).toContain('  NOT reached by any model or witness: LeaderReceivePreempted, ReplicaSkipSlot, ReplicaProposeNoop, ReplicaReceiveJoin, ReplicaReceiveWelcome, NodeRestart');
      expect(r.out).toMatch(/^CommanderReceiveAccepted\s+1,838$/m);
      expect(r.out).not.toContain('0 of 0');
    } finally {
      delete process.env.FAKE_TLC_TRANSCRIPT;
    }
  });

  it('says plainly when no next-state relation is found', () => {
    const text = formatModuleCoverage({ module: 'M', declared: [], reachedBy: {}, witnesses: {}, unreached: [], witnessErrors: [] });
    expect(text).toBe('M: action coverage not computed: no next-state relation with actions was found in M or the modules it extends');
    expect(text).not.toMatch(/every action/);
  });
});
