/**
 * What the TLC output reader makes of real TLC runs that did not end in a plain verdict: cut
 * off, out of memory, a parse or cfg error, a random simulation, a distributed run. Every
 * transcript was recorded with a TLC built from source (TRANSCRIPTS.md says how).
 */
import { describe, expect, it } from 'vitest';
import { exitCodeMeaning } from '../../src/modelcheck/tlc/exitCodes.js';
import { parseTlcTranscript, TlcOutputReader } from '../../src/modelcheck/tlc/output.js';
import { fixture } from './helpers.js';

describe('a TLC run that was cut off', () => {
  it('cutoff-tool.out (killed after three progress reports): the counts are the LAST report, not the first', () => {
    const { outcome, progress } = parseTlcTranscript(fixture('cutoff-tool.out'));
    expect(progress.map((p) => p.distinctStates)).toEqual([5_098, 222_450, 503_128]);
    expect(outcome).toMatchObject({ verdict: 'error', errorKind: 'killed', distinctStates: 503_128, statesGenerated: 2_880_414, countsFromProgress: true });
    expect(outcome.message).toBe('TLC was killed by SIGTERM');
  });

  it('a run cut off inside its last counterexample state keeps that state (the frame has no ENDMSG line)', () => {
    // Killed (exit 137) after the third state's variables but before its ENDMSG: the
    // counterexample must not lose its last state, the one that violates the invariant.
    const text = fixture('violation-tool.out');
    const cut = text.indexOf('/\\ written = <<{v1, v2}, {}>>\n');
    expect(cut).toBeGreaterThan(0);
    const killed = `${text.slice(0, cut)}/\\ written = <<{v1, v2}, {}>>\nexit=137\n`;
    expect(killed).not.toMatch(/3: <Write[^]*ENDMSG 2217/);
    const { outcome } = parseTlcTranscript(killed);
    expect(outcome).toMatchObject({ verdict: 'invariant', violated: 'OneValuePerSlot' });
    const whole = parseTlcTranscript(text).outcome.counterexample!.states;
    expect(outcome.counterexample!.states).toHaveLength(3);
    expect(outcome.counterexample!.states.at(-1)!.vars).toEqual(whole[2]!.vars);
  });

  it('final counts win over progress reports when TLC printed both', () => {
    const { outcome } = parseTlcTranscript(fixture('progress-tool.out'));
    expect(outcome.countsFromProgress).toBeUndefined();
    expect(outcome.distinctStates).toBe(3_145_726);
  });
});

describe('parse errors name the real file', () => {
  it('noend-tool.out (MultiPaxos.tla without its ==== line): MultiPaxos.tla:691:1, not "body"', () => {
    const { outcome } = parseTlcTranscript(fixture('noend-tool.out'));
    expect(outcome).toMatchObject({ verdict: 'parse-error', errorKind: 'spec' });
    expect(outcome.location).toEqual({ file: '/home/user/spec/MultiPaxos.tla', module: 'MultiPaxos', line: 691, column: 1 });
    expect(outcome.message).toMatch(/^the module ends without its closing ==== line/);
  });

  it('a syntax error in a module with no module name in the report is blamed on the last file SANY read', () => {
    const text = fixture('noend-tool.out')
      .replace(/Fatal errors[\s\S]*?from file MultiPaxos\.tla\n/g, '')
      .replace(/\nIn module MultiPaxos\n/g, '\n')
      .replace(/Could not parse module MultiPaxos from file MultiPaxos\.tla\n/g, '');
    const { outcome } = parseTlcTranscript(text);
    expect(outcome.location).toEqual({ file: '/home/user/spec/MultiPaxos.tla', module: 'MultiPaxos', line: 691, column: 1 });
  });

  it('cfg-error-tool.out (exit 151, an invariant the spec does not define): a cfg error, with TLC\'s words', () => {
    const { outcome } = parseTlcTranscript(fixture('cfg-error-tool.out'));
    expect(outcome).toMatchObject({ verdict: 'parse-error', errorKind: 'cfg' });
    expect(outcome.message).toMatch(/^The invariant Agreemen specified in the configuration file/);
  });
});

describe('TLC exit codes (EC.ExitStatus in tlc2/output/EC.java)', () => {
  it('maps each code TLC defines to its own meaning', () => {
    const kinds = Object.fromEntries([10, 11, 12, 13, 14, 75, 76, 77, 150, 151, 152, 153, 255].map((c) => {
      const m = exitCodeMeaning(c)!;
      return [c, m.kind ?? m.verdict];
    }));
    expect(kinds).toEqual({
      10: 'assumption', 11: 'deadlock', 12: 'invariant', 13: 'property', 14: 'assert',
      75: 'evaluation', 76: 'evaluation', 77: 'evaluation',
      150: 'spec', 151: 'cfg', 152: 'state-space', 153: 'crash', 255: 'crash',
    });
    expect(exitCodeMeaning(0)).toBeUndefined();
    expect(exitCodeMeaning(137)).toMatchObject({ kind: 'killed', text: expect.stringMatching(/SIGKILL.*out-of-memory killer/) });
  });

  it('an exit code in 150-159 is no longer always a parse error', () => {
    expect(new TlcOutputReader().finish(150)).toMatchObject({ verdict: 'parse-error', errorKind: 'spec' });
    expect(new TlcOutputReader().finish(151)).toMatchObject({ verdict: 'parse-error', errorKind: 'cfg' });
    expect(new TlcOutputReader().finish(152)).toMatchObject({ verdict: 'error', errorKind: 'state-space' });
    expect(new TlcOutputReader().finish(153)).toMatchObject({ verdict: 'error', errorKind: 'crash' });
    expect(new TlcOutputReader().finish(156)).toMatchObject({ verdict: 'error' });
  });

  it('oom-tool.out (-Xmx20m: java.lang.OutOfMemoryError on the main thread, exit 1): out of memory, with the counts it reached', () => {
    const { outcome } = parseTlcTranscript(fixture('oom-tool.out'), fixture('oom-tool.err'));
    expect(outcome).toMatchObject({ verdict: 'error', errorKind: 'out-of-memory', distinctStates: 17_913 });
    expect(outcome.message).toMatch(/java\.lang\.OutOfMemoryError: Java heap space/);
    // Without stderr the same run is only a crash: the exit code alone does not say why.
    expect(parseTlcTranscript(fixture('oom-tool.out')).outcome.errorKind).toBe('crash');
  });

  it('TLC\'s own failure messages (exit 255) say out of memory, disk or state space', () => {
    const failed = (code: number, body: string) => {
      const r = new TlcOutputReader();
      r.push(`@!@!@STARTMSG ${code}:1 @!@!@\n${body}\n@!@!@ENDMSG ${code} @!@!@\n`);
      return r.finish(255);
    };
    expect(failed(1001, 'Java ran out of memory.  Running Java with a larger memory allocation')).toMatchObject({ verdict: 'error', errorKind: 'out-of-memory' });
    expect(failed(2161, 'Disk I/O error accessing the file for states.')).toMatchObject({ errorKind: 'disk' });
    expect(failed(1000, 'java.io.IOException: No space left on device')).toMatchObject({ errorKind: 'disk' });
    expect(failed(2282, 'The specification contains one or more behaviors with 65536 or more states')).toMatchObject({ errorKind: 'state-space' });
    expect(failed(1000, 'TLC threw an unexpected exception.')).toMatchObject({ errorKind: 'crash' });
  });
});

describe('random simulation (-simulate)', () => {
  it('simulate-ok-tool.out: traces and states generated, no distinct-state count, a pass', () => {
    const { outcome, progress } = parseTlcTranscript(fixture('simulate-ok-tool.out'));
    expect(outcome).toMatchObject({ verdict: 'pass', simulation: true, traces: 300, statesGenerated: 13_189 });
    expect(outcome.distinctStates).toBeUndefined();
    expect(progress.at(-1)).toEqual({ traces: 300, statesGenerated: 13_189 });
  });

  it('simulate-ok-plain.out: the same without -tool', () => {
    const { outcome } = parseTlcTranscript(fixture('simulate-ok-plain.out'));
    expect(outcome).toMatchObject({ verdict: 'pass', simulation: true, traces: 300, statesGenerated: 12_962 });
  });

  it.each([12, 255, 1, 137])('a simulation that printed its counts but exited %i is no pass (a reviewer\'s bug passed it)', (code) => {
    // 137: killed by SIGKILL, as the out-of-memory killer does; the counts printed before do not make it a pass.
    const text = fixture('simulate-ok-tool.out').replace(/\nexit=0\s*$/, `\nexit=${code}\n`);
    const { outcome } = parseTlcTranscript(text, code === 137 ? '' : 'java.lang.OutOfMemoryError: Java heap space\n');
    expect(outcome.verdict).not.toBe('pass');
  });

  it('simulate-violation-tool.out: the violated invariant and its counterexample, as in model checking', () => {
    const { outcome } = parseTlcTranscript(fixture('simulate-violation-tool.out'));
    expect(outcome).toMatchObject({ verdict: 'invariant', violated: 'TypeOK', simulation: true, traces: 3 });
    expect(outcome.counterexample!.states.map((s) => s.action)).toEqual([undefined, 'RequesterInvoke', 'Next']);
  });
});

describe('distributed TLC (the TLCServer\'s output)', () => {
  it('distributed-server-tool.out (ci-normal, two workers): the same distinct states as plain TLC (6,739)', () => {
    const { outcome } = parseTlcTranscript(fixture('distributed-server-tool.out'));
    expect(outcome).toMatchObject({ verdict: 'pass', distinctStates: 6_739, statesGenerated: 43_869, workersRegistered: 2, version: 'TLC2 TLC Server Version 2.20 of Day Month 20??' });
  });

  it('distributed-fpset-server-tool.out (fingerprint sets on the workers): the same count', () => {
    const { outcome } = parseTlcTranscript(fixture('distributed-fpset-server-tool.out'));
    expect(outcome).toMatchObject({ verdict: 'pass', distinctStates: 6_739, workersRegistered: 2 });
  });

  it('distributed-violation-server-tool.out: the server prints the behaviour but not what it violates', () => {
    const { outcome } = parseTlcTranscript(fixture('distributed-violation-server-tool.out'));
    expect(outcome).toMatchObject({ verdict: 'error', unnamedCounterexample: true });
    expect(outcome.violated).toBeUndefined();
    expect(outcome.counterexample!.states).toHaveLength(3);
  });
});

describe('what the messages alone do not settle', () => {
  it('a run that printed "No error has been found" but exited non-zero is no pass (the JVM failed after its last message)', () => {
    const ok = fixture('ok-tool.out');
    expect(ok).toMatch(/\nexit=0\s*$/);
    expect(parseTlcTranscript(ok).outcome.verdict).toBe('pass');
    for (const code of [1, 153, 255]) {
      const { outcome } = parseTlcTranscript(ok.replace(/\nexit=0\s*$/, `\nexit=${code}\n`));
      expect(outcome.verdict, `exit ${code}`).toBe('error');
      expect(outcome.message).toBeTruthy();
    }
  });

  it('the first invariant TLC names is the one reported, whatever it prints after it', () => {
    const text = fixture('violation-tool.out');
    const first = '@!@!@STARTMSG 2110:1 @!@!@\nInvariant OneValuePerSlot is violated.\n@!@!@ENDMSG 2110 @!@!@\n';
    expect(text).toContain(first);
    const later = text.replace(/\nexit=\d+\s*$/, (end) => `\n@!@!@STARTMSG 2110:1 @!@!@\nInvariant TypeOK is violated.\n@!@!@ENDMSG 2110 @!@!@${end}`);
    expect(later).toContain('Invariant TypeOK is violated.');
    expect(parseTlcTranscript(later).outcome).toMatchObject({ verdict: 'invariant', violated: 'OneValuePerSlot' });
  });
});
