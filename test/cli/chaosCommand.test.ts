/**
 * `paxos chaos` between its command line and its report, with the run itself replaced (the real
 * one is test/cli/chaos.test.ts, ~30 s of processes, and it only ever sees a run that passed;
 * vi.mock is not used: the test files of a worker share one module graph, vitest.config.ts):
 * a failed run exits 1 and its report says FAILED whatever the failure was, and every option
 * reaches the run.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ChaosOptions, ChaosReport } from '../../src/cli/chaos/run.js';
import { chaosCommand as command } from '../../src/cli/commands/chaos.js';
import type { CommandIo } from '../../src/cli/commands/io.js';
import { captureIo } from './helpers.js';

const given: ChaosOptions[] = [];
let next: ChaosReport;
const chaosCommand = (argv: string[], io: CommandIo) => command(argv, io, async (o) => { given.push(o); return next; });

const passed: ChaosReport = {
  ok: true, problems: [], dir: '/tmp/x', kills: [], executed: 12, finalReads: true, replicasEqual: true,
  history: { acknowledged: 9, total: 10, indeterminate: 1, indeterminateExecuted: 1, failed: 0, lost: 0, duplicated: 0, problems: [], appDigest: 'd' },
  traces: { ok: true, parts: 3, events: 10, clientOperations: 5, verdict: '' }, nodeWarnings: 0, wallMs: 1000,
};

afterEach(() => { given.length = 0; });

describe('paxos chaos, its exit status and verdict line', () => {
  it('a run that passed: exit 0, PASSED', async () => {
    next = passed;
    const io = captureIo();
    expect(await chaosCommand([], io)).toBe(0);
    expect(io.stdout).toContain('chaos run: PASSED in 1.0 s');
  });

  it('a run whose traces and replicas were fine but whose history was not: exit 1, FAILED', async () => {
    next = { ...passed, ok: false, problems: ['transfer 7 acknowledged but never executed'],
      history: { ...passed.history!, lost: 1, problems: ['transfer 7 acknowledged but never executed'] } };
    const io = captureIo();
    expect(await chaosCommand([], io)).toBe(1);
    expect(io.stdout).toContain('chaos run: FAILED in 1.0 s');
    expect(io.stdout).toContain('    - transfer 7 acknowledged but never executed');
  });

  it('a run that stopped early with its traces valid: exit 1, FAILED', async () => {
    next = { ...passed, ok: false, problems: ['the run stopped early: final read through node 1 failed'], history: undefined, finalReads: false, replicasEqual: false };
    const io = captureIo();
    expect(await chaosCommand([], io)).toBe(1);
    expect(io.stdout).toContain('chaos run: FAILED in 1.0 s');
  });
});

describe('paxos chaos, its options', () => {
  it('--two-down reaches the run, and is off without it', async () => {
    next = passed;
    await chaosCommand(['--two-down'], captureIo());
    await chaosCommand([], captureIo());
    expect(given.map((o) => o.twoDown)).toEqual([true, undefined]);
  });

  it('every numeric option reaches the run as given', async () => {
    next = passed;
    await chaosCommand(['--nodes', '7', '--clients', '3', '--rate', '20', '--duration', '9', '--rounds', '2', '--down', '4',
      '--base-port', '20000', '--seed', '5', '--checkpoint-every', '0', '--dir', '/tmp/d'], captureIo());
    expect(given[0]).toMatchObject({ nodes: 7, clients: 3, rate: 20, durationMs: 9000, rounds: 2, downMs: 4000, basePort: 20000, seed: 5, checkpointEvery: 0, dir: '/tmp/d' });
  });
});
