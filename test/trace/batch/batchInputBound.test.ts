/**
 * The batch input bound in traces: a batching run's header states the input bound its
 * replicas batched under (cluster.batchMaxInput), and the checker holds every batch of two
 * or more requests to it (batchBound.ts), beside the spec, which has no byte bound.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, MAX_BATCH_INPUT } from '../../../src/protocol/limits.js';
import { loadTraceSchemas } from '../../../src/trace/format/schemas.js';
import type { TraceHeader } from '../../../src/trace/format/types.js';
import { checkTraceSync, formatVerdict } from '../../../src/trace/replay/check.js';
import { headerFor, traceScenario } from '../../../src/trace/runs/simTrace.js';
import { faultScenario } from '../../../src/trace/runs/faultScenarios.js';
import { replayCommand, type Scenario } from '../../../src/sim/scenario.js';
import { parseReplayArgs } from '../../../src/sim/replayCli.js';
import { traceHeader } from '../../../src/cli/node/nodeTrace.js';

const dir = mkdtempSync(join(tmpdir(), 'batch-input-bound-'));
type Json = Record<string, unknown>;

/** A run of 12 clients on 3 nodes deferring proposals to the next Decision, with batches of up to 4 and `batchMaxInput`. */
const scenario = (batchMaxInput: number | undefined): Scenario => {
  const f = faultScenario(2);
  return { ...f, batchMax: 4, deferProposals: 'decision', workload: { ...f.workload, clients: 12 }, ...(batchMaxInput !== undefined ? { batchMaxInput } : {}) };
};

/** The sum of input text of each batch of two or more a trace's ReplicaPropose events show. */
function batchInputs(lines: string[]): number[] {
  const out: number[] = [];
  for (const line of lines) {
    if (!line.includes('"action":"ReplicaPropose"')) continue;
    const p = (JSON.parse(line) as { params: { proposal?: { batch?: { input: string }[] } } }).params.proposal;
    if (p?.batch !== undefined) out.push(p.batch.reduce((n, r) => n + r.input.length, 0));
  }
  return out;
}

describe('the batch input bound in traces', () => {
  it("a header states it in a run that batches, the scenario's or the default, and not in one that does not", () => {
    expect(headerFor(scenario(120), 5, 'test').cluster).toEqual({ nodes: [1, 2, 3], batchMaxInput: 120 });
    expect(headerFor(scenario(undefined), 5, 'test').cluster.batchMaxInput).toBe(DEFAULT_LIMITS.batchMaxInput);
    expect(headerFor(faultScenario(2), 5, 'test').cluster).toEqual({ nodes: [1, 2, 3] });
    const node = (batchMax: number) => traceHeader({ dir, runId: 'r', node: 1, nodes: 3, window: 5, app: 'kv', fresh: true, batchMax });
    expect(node(8).cluster.batchMaxInput).toBe(DEFAULT_LIMITS.batchMaxInput);
    expect(node(1).cluster.batchMaxInput).toBeUndefined();
  });

  it('the header schema takes an integer in 0..MAX_BATCH_INPUT, the most a peer accepts', () => {
    const schemas = loadTraceSchemas();
    const header = (batchMaxInput: unknown): Json => ({ ...headerFor(scenario(120), 5, 'test'), cluster: { nodes: [1, 2, 3], batchMaxInput } });
    expect(schemas.header(header(0))).toBeNull();
    expect(schemas.header(header(MAX_BATCH_INPUT))).toBeNull();
    expect(schemas.header(header(MAX_BATCH_INPUT + 1))?.pointer).toBe('/cluster/batchMaxInput');
    expect(schemas.header(header(-1))?.pointer).toBe('/cluster/batchMaxInput');
    expect(schemas.header(header(1.5))?.pointer).toBe('/cluster/batchMaxInput');
  });

  it('a replay command carries it, and parses back to the same scenario', () => {
    const s = scenario(120);
    const command = replayCommand(s);
    expect(command).toContain('--batch-max 4 --defer-proposals decision --batch-max-input 120');
    // The shell's words: the JSON arguments are single-quoted without quotes inside.
    const words = [...command.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2]!).slice(3);
    expect(parseReplayArgs(words).scenario).toEqual(s);
  });

  it("a run's batches stay within it and pass; the same trace with a lower bound in its header fails at a batch over it", () => {
    const path = join(dir, 'bound-120.ndjson');
    traceScenario(scenario(120), path, { eventLog: false }, 'test/trace/batch/batchInputBound.test.ts', true);
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    const sums = batchInputs(lines.slice(1));
    expect(sums.length).toBeGreaterThan(0);
    expect(Math.max(...sums)).toBeLessThanOrEqual(120);
    const v = checkTraceSync({ name: path, files: [path] });
    expect(v.ok, formatVerdict(v)).toBe(true);

    // The header now claims a bound below the largest batch's input: the checker must refuse that batch.
    const lower = Math.max(...sums) - 1;
    const header = JSON.parse(lines[0]!) as TraceHeader;
    const bad = join(dir, 'bound-lowered.ndjson');
    writeFileSync(bad, [JSON.stringify({ ...header, cluster: { ...header.cluster, batchMaxInput: lower } }), ...lines.slice(1)].join('\n') + '\n');
    const w = checkTraceSync({ name: bad, files: [bad] });
    expect(w.ok).toBe(false);
    expect(w.failure?.kind).toBe('schema');
    expect(w.failure?.message).toMatch(new RegExp(`units of input text in \\d+ requests, but the header's cluster.batchMaxInput is ${lower}`));
  }, 120_000);

  it('part files of one run that state different bounds are refused', () => {
    const part = (node: number, batchMaxInput: number): string => {
      const p = join(dir, `part-${node}-${batchMaxInput}.ndjson`);
      const h = { ...headerFor(scenario(batchMaxInput), 5, 'test'), part: { node } };
      writeFileSync(p, JSON.stringify(h) + '\n');
      return p;
    };
    const same = checkTraceSync({ name: 'same', files: [part(1, 120), part(2, 120)] });
    expect(same.ok, formatVerdict(same)).toBe(true);
    const v = checkTraceSync({ name: 'differ', files: [part(1, 120), part(2, 200)] });
    expect(v.failure?.kind).toBe('header');
    expect(v.failure?.message).toBe('part files of one run must state the same cluster.batchMaxInput (120 and 200)');
  });
});
