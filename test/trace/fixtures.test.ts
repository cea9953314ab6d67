/**
 * The checker rejects every invalid fixture at the line and with the kind of problem the
 * fixture was made for (test/fixtures/traces/expected.json), and accepts the golden traces
 * produced by the real simulator (traces/examples/).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkTrace } from '../../src/trace/replay/check.js';

const FIXTURES = new URL('../fixtures/traces/', import.meta.url).pathname;
const EXAMPLES = new URL('../../traces/examples/', import.meta.url).pathname;
const expected = JSON.parse(readFileSync(`${FIXTURES}expected.json`, 'utf8')) as Record<string, { line: number; kind: string; why: string }>;

describe('golden traces', () => {
  const golden = readdirSync(EXAMPLES).filter((f) => f.endsWith('.ndjson'));
  it('has the three runs the issue asks for', () => {
    expect(golden.sort()).toEqual(['crash-restart.ndjson', 'leader-change.ndjson', 'normal.ndjson']);
  });
  for (const f of golden) {
    it(`${f} passes schema and fast replay`, async () => {
      const v = await checkTrace({ name: f, files: [EXAMPLES + f] });
      expect(v.failure).toBeUndefined();
      expect(v.ok).toBe(true);
      expect(v.events).toBeGreaterThan(50);
    });
  }
  it('leader-change has two adoptions and crash-restart a NodeRestart and a Welcome', () => {
    const count = (f: string, a: string): number => (readFileSync(EXAMPLES + f, 'utf8').match(new RegExp(`"action":"${a}"`, 'g')) ?? []).length;
    expect(count('leader-change.ndjson', 'LeaderReceiveAdopted')).toBeGreaterThanOrEqual(2);
    expect(count('crash-restart.ndjson', 'NodeRestart')).toBe(1);
    expect(count('crash-restart.ndjson', 'ReplicaReceiveWelcome')).toBeGreaterThanOrEqual(1);
  });
});

describe('invalid fixtures', () => {
  const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.ndjson'));
  it('every fixture has an expectation', () => {
    expect(files.sort()).toEqual(Object.keys(expected).sort());
  });
  for (const [f, e] of Object.entries(expected)) {
    it(`${f}: ${e.why} -> ${e.kind} error at line ${e.line}`, async () => {
      const v = await checkTrace({ name: f, files: [FIXTURES + f] });
      expect(v.ok).toBe(false);
      expect(v.failure?.file).toBe(FIXTURES + f);
      expect(v.failure?.kind).toBe(e.kind);
      expect(v.failure?.line).toBe(e.line);
    });
  }
  for (const f of ['state-differs.ndjson', 'sent-extra-message.ndjson', 'receive-unsent-message.ndjson', 'stutter-changes-state.ndjson']) {
    it(`${f} is rejected by the embedded spec oracle alone too`, async () => {
      const v = await checkTrace({ name: f, files: [FIXTURES + f] }, { fast: false, embedded: true });
      expect(v.ok).toBe(false);
      expect(v.failure?.oracle).toBe('embedded');
      expect(v.failure?.line).toBe(expected[f]!.line);
    }, 120_000);
  }
});
