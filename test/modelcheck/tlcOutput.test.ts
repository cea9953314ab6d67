import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseTlcTranscript, TlcOutputReader } from '../../src/modelcheck/tlc/output.js';
import type { Counterexample } from '../../src/modelcheck/shared/types.js';
import { FIXTURES, fixture } from './helpers.js';

const tup = (...xs: unknown[]) => ({ '#tup': xs });
const set = (...xs: unknown[]) => ({ '#set': xs });
const mv = (s: string) => ({ '#unserializable': s });
const int = (n: number) => ({ '#bigint': String(n) });
/** The states as they read, without the source span TLC gave each step. */
const withoutSpans = (cex: Counterexample) => ({ ...cex, states: cex.states.map(({ actionSpan: _span, ...s }) => s) });

describe('TLC output reader on every recorded transcript', () => {
  const transcripts = readdirSync(FIXTURES).filter((f) => f.endsWith('.out')).sort();

  it('has all twenty transcripts to read', () => {
    expect(transcripts).toEqual([
      'cfg-error-tool.out', 'cutoff-tool.out', 'deadlock-tool.out',
      'distributed-fpset-server-tool.out', 'distributed-server-tool.out', 'distributed-violation-server-tool.out',
      'liveness-ok-tool.out', 'liveness-violation-tool.out', 'noend-tool.out', 'ok-plain.out', 'ok-tool.out', 'oom-tool.out',
      'parse-error-tool.out', 'progress-tool.out', 'refinement-coverage-tool.out',
      'simulate-ok-plain.out', 'simulate-ok-tool.out', 'simulate-violation-tool.out', 'violation-plain.out', 'violation-tool.out',
    ]);
  });

  it('ok-tool.out: pass with counts, depth and version', () => {
    const { outcome, messages } = parseTlcTranscript(fixture('ok-tool.out'));
    expect(outcome).toMatchObject({ verdict: 'pass', distinctStates: 9, statesGenerated: 25, depth: 3, reportedMs: 337, version: 'TLC2 Version 2026.04.29.170100 (rev: cc6b616)' });
    expect(outcome.counterexample).toBeUndefined();
    expect(messages.map((m) => m.code)).toEqual([2262, 2187, 2220, 2219, 2185, 2189, 2190, 2193, 2200, 2199, 2194, 2268, 2186]);
    expect(outcome.parsedFiles[0]).toBe('/home/user/spec/Slots.tla');
  });

  it('ok-plain.out: the same verdict and counts without -tool framing', () => {
    const { outcome } = parseTlcTranscript(fixture('ok-plain.out'));
    expect(outcome).toMatchObject({ verdict: 'pass', distinctStates: 9, statesGenerated: 25, depth: 3 });
  });

  const violationStates = [
    { vars: { turn: int(0), written: tup(set(), set()) } },
    { action: 'Write', vars: { turn: int(1), written: tup(set(mv('v1')), set()) } },
    { action: 'Write', vars: { turn: int(2), written: tup(set(mv('v1'), mv('v2')), set()) } },
  ];

  it('violation-tool.out: invariant violation with its name and counterexample (2217)', () => {
    const { outcome } = parseTlcTranscript(fixture('violation-tool.out'));
    expect(outcome).toMatchObject({ verdict: 'invariant', violated: 'OneValuePerSlot', distinctStates: 8, statesGenerated: 14, depth: 3 });
    expect(withoutSpans(outcome.counterexample!)).toEqual({ states: violationStates });
    expect(outcome.counterexample!.states[1]!.actionSpan).toEqual({ module: 'Slots', line: 16, column: 3, endLine: 18, endColumn: 27 });
  });

  it('violation-plain.out: the same counterexample from human-readable output', () => {
    const { outcome } = parseTlcTranscript(fixture('violation-plain.out'));
    expect(outcome).toMatchObject({ verdict: 'invariant', violated: 'OneValuePerSlot', distinctStates: 8 });
    expect(withoutSpans(outcome.counterexample!)).toEqual({ states: violationStates });
  });

  it('deadlock-tool.out: deadlock with its trace', () => {
    const { outcome } = parseTlcTranscript(fixture('deadlock-tool.out'));
    expect(outcome).toMatchObject({ verdict: 'deadlock', distinctStates: 9, statesGenerated: 25 });
    expect(outcome.violated).toBeUndefined();
    expect(outcome.counterexample!.states.at(-1)!.vars).toEqual({ turn: int(2), written: tup(set(mv('v1')), set(mv('v1'))) });
  });

  it('liveness-violation-tool.out: temporal property violated, lasso closed by a stuttering step (2218)', () => {
    const { outcome, messages } = parseTlcTranscript(fixture('liveness-violation-tool.out'));
    expect(outcome).toMatchObject({ verdict: 'property', violated: 'EventuallyTwoValues', distinctStates: 9 });
    expect(messages.some((m) => m.code === 2218)).toBe(true);
    expect(outcome.counterexample!.states).toHaveLength(3);
    expect(outcome.counterexample!.loopTo).toBe(2); // stutters in the last state
  });

  it('a lasso that goes back to an earlier state', () => {
    // TLC closes such a lasso with message 2122 instead of 2218.
    const text = fixture('liveness-violation-tool.out').replace(
      '@!@!@STARTMSG 2218:4 @!@!@\n4: Stuttering\n@!@!@ENDMSG 2218 @!@!@',
      '@!@!@STARTMSG 2122:4 @!@!@\n4: Back to state 2: <Write line 16, col 3 to line 18, col 27 of module Slots>\n@!@!@ENDMSG 2122 @!@!@',
    );
    expect(text).toContain('STARTMSG 2122');
    expect(parseTlcTranscript(text).outcome.counterexample!.loopTo).toBe(1);
  });

  it('a step TLC labels "Action" (an action without a name) has no action name, only its span', () => {
    // "Action" is TLC's word for an unnamed action, not a name: the step stays unnamed (the dump file may name it).
    const text = fixture('violation-tool.out').replace('2: <Write(p1,1,v1) line 16', '2: <Action line 16');
    expect(text).toContain('2: <Action line 16, col 3 to line 18, col 27 of module Slots>');
    const states = parseTlcTranscript(text).outcome.counterexample!.states;
    expect(states.map((s) => s.action)).toEqual([undefined, undefined, 'Write']);
    expect(states[1]!.actionSpan).toEqual({ module: 'Slots', line: 16, column: 3, endLine: 18, endColumn: 27 });
    expect(states[1]!.vars).toEqual(violationStates[1]!.vars);
  });

  it('liveness-ok-tool.out: temporal property holds', () => {
    expect(parseTlcTranscript(fixture('liveness-ok-tool.out')).outcome).toMatchObject({ verdict: 'pass', distinctStates: 9, depth: 3 });
  });

  it('parse-error-tool.out: parse error with file, line and column', () => {
    const { outcome } = parseTlcTranscript(fixture('parse-error-tool.out'));
    expect(outcome.verdict).toBe('parse-error');
    expect(outcome.location).toEqual({ file: '/home/user/spec/Broken.tla', module: 'Broken', line: 20, column: 53 });
    expect(outcome.message).toBe("Unknown operator: `v'.");
  });

  it('a SANY syntax error ("Encountered ... at line, column")', () => {
    const text = fixture('parse-error-tool.out').replace(
      /Semantic errors:[\s\S]*?Unknown operator: `v'\.\n/,
      '***Parse Error***\nEncountered "==" at line 7, column 9 and token "Init"\n\nResidual stack trace follows:\nModule definition starting at line 1, column 1.\n',
    );
    const { outcome } = parseTlcTranscript(text);
    expect(outcome.verdict).toBe('parse-error');
    expect(outcome.location).toMatchObject({ line: 7, column: 9 });
    expect(outcome.message).toMatch(/^Encountered "=="/);
  });

  it('progress-tool.out: progress reports (2200) with depth, counts and queue, then the final counts', () => {
    const { outcome, progress } = parseTlcTranscript(fixture('progress-tool.out'));
    expect(progress).toEqual([
      { depth: 9, statesGenerated: 4549281, distinctStates: 202524, queue: 126702 },
      { depth: 15, statesGenerated: 160586854, distinctStates: 2923067, queue: 246619 },
      { depth: 23, statesGenerated: 188743561, distinctStates: 3145726, queue: 0 },
    ]);
    expect(outcome).toMatchObject({ verdict: 'pass', distinctStates: 3145726, statesGenerated: 188743561, depth: 23, reportedMs: 73745 });
  });

  it('gives the same outcome however the stream is chunked', () => {
    for (const f of transcripts) {
      const text = fixture(f).replace(/exit=\d+\s*$/, '');
      const code = Number(/exit=(\d+)/.exec(fixture(f))![1]);
      const whole = new TlcOutputReader();
      whole.push(text);
      const chunked = new TlcOutputReader();
      for (let i = 0; i < text.length; i += 7) chunked.push(text.slice(i, i + 7));
      expect(chunked.finish(code), f).toEqual(whole.finish(code));
    }
  });

  it('reports progress while the stream is still open', () => {
    const seen: number[] = [];
    const reader = new TlcOutputReader({ onProgress: (p) => seen.push(p.distinctStates!) });
    const text = fixture('progress-tool.out');
    const cut = text.indexOf('@!@!@STARTMSG 2193');
    reader.push(text.slice(0, cut));
    expect(seen).toEqual([202524, 2923067]);
  });

  it('falls back on the exit code when messages are missing, and reports unknown errors', () => {
    expect(new TlcOutputReader().finish(12).verdict).toBe('invariant');
    expect(new TlcOutputReader().finish(11).verdict).toBe('deadlock');
    expect(new TlcOutputReader().finish(13).verdict).toBe('property');
    expect(new TlcOutputReader().finish(0).verdict).toBe('error'); // no "completed" message is no pass
    const r = new TlcOutputReader();
    r.push('@!@!@STARTMSG 1000:1 @!@!@\nTLC threw an unexpected exception.\n@!@!@ENDMSG 1000 @!@!@\n');
    expect(r.finish(75)).toMatchObject({ verdict: 'error', message: 'TLC threw an unexpected exception.' });
  });

  it('recognises a violation reported under another code by its wording', () => {
    const r = new TlcOutputReader();
    r.push('@!@!@STARTMSG 2108:1 @!@!@\nProperty Safe is violated by the initial state.\n@!@!@ENDMSG 2108 @!@!@\n');
    expect(r.finish(12)).toMatchObject({ verdict: 'property', violated: 'Safe' });
  });

  it('reads action coverage lines when TLC prints them (-coverage)', () => {
    const r = new TlcOutputReader();
    r.push('@!@!@STARTMSG 2773:0 @!@!@\n<Write line 16, col 3 to line 18, col 27 of module Slots>: 8:24\n@!@!@ENDMSG 2773 @!@!@\n');
    expect(r.finish(0).coverage).toEqual({ Write: 8 });
  });
});
