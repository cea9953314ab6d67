import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ReplayUsageError, parseReplayArgs } from '../../src/sim/replayCli.js';
import { replayCommand, runScenario, type Scenario } from '../../src/sim/scenario.js';
import { scheduleOf } from '../../src/sim/schedule.js';
import { faultScenario, withFullRequesters } from '../../src/trace/runs/faultScenarios.js';
import { traceScenario } from '../../src/trace/runs/simTrace.js';

/** Splits a printed replay command the way a POSIX shell would (single quotes only). */
function shellWords(cmd: string): string[] {
  const words: string[] = [];
  const re = /'((?:[^']|'\\'')*)'|(\S+)/g;
  for (let m = re.exec(cmd); m; m = re.exec(cmd)) words.push(m[1] !== undefined ? m[1].replaceAll("'\\''", "'") : m[2]!);
  return words;
}

describe('replay command line', () => {
  it('parses back exactly the scenario replayCommand printed', () => {
    const s: Scenario = {
      seed: 42, nodes: 5, app: 'kv', workload: { clients: 2, ops: 3 },
      schedule: scheduleOf({ loss: 0.2 }, [{ kind: 'partition', at: 1, heal: 9, groups: [[1, 2]] }, { kind: 'killLeader', at: 3, restart: null }]),
    };
    const words = shellWords(replayCommand(s));
    expect(words.slice(0, 3)).toEqual(['npx', 'tsx', 'scripts/replay.ts']);
    expect(parseReplayArgs(words.slice(3))).toEqual({ scenario: s, printLog: false });
  });

  it('round-trips batching with deferred proposals (a replay without the flag would run another schedule of Proposes)', () => {
    const s: Scenario = {
      seed: 7, nodes: 3, app: 'bank', workload: { clients: 4, ops: 2 }, schedule: scheduleOf({}, []), batchMax: 4, deferProposals: 'decision',
    };
    const words = shellWords(replayCommand(s));
    expect(words.slice(words.indexOf('--defer-proposals'))[1]).toBe('decision');
    expect(parseReplayArgs(words.slice(3))).toEqual({ scenario: s, printLog: false });
  });

  /** A message-size limit survives the printed command, and the replay runs what the run ran; without it the run differs. */
  const roundTripsLimit = (s: Scenario, flag: string, value: string, without: Scenario): void => {
    const words = shellWords(replayCommand(s));
    expect(words.slice(words.indexOf(flag))[1]).toBe(value);
    const parsed = parseReplayArgs(words.slice(3)).scenario;
    expect(parsed).toEqual(s);
    const log = (x: Scenario) => runScenario(x, { maxTimeMs: 30_000 }).result.log;
    expect(log(parsed)).toEqual(log(s));
    expect(log(without)).not.toEqual(log(s));
  };

  it('round-trips a Promise limit, and the replay runs what the printed run ran (the same event log)', () => {
    const s: Scenario = {
      seed: 3, nodes: 3, app: 'kv', workload: { clients: 2, ops: 3 },
      schedule: scheduleOf({ loss: 0.1 }, [{ kind: 'killLeader', at: 800, restart: null }]), maxPromiseBytes: 400,
    };
    // Without the limit its Promises come whole.
    roundTripsLimit(s, '--max-promise-bytes', '400', { ...s, maxPromiseBytes: undefined });
  });

  it('round-trips a Welcome limit, and the replay runs what the printed run ran (the same event log)', () => {
    const s: Scenario = {
      seed: 5004, nodes: 3, app: 'kv', workload: { clients: 2, ops: 6 }, checkpointEvery: 2,
      schedule: scheduleOf({ loss: 0.05 }, [{ kind: 'crash', at: 300, node: 3, restart: 1_500 }]), maxWelcomeBytes: 600,
    };
    // Without the limit its Welcomes come whole.
    roundTripsLimit(s, '--max-welcome-bytes', '600', { ...s, maxWelcomeBytes: undefined });
  });

  it('round-trips a Requester bound, and the replay runs what the printed run ran (the same event log)', () => {
    const s: Scenario = withFullRequesters(faultScenario(7031));
    // Without the bound no request is refused as too many pending.
    roundTripsLimit(s, '--max-pending', '2', { ...s, maxPendingRequests: undefined });
  });

  it('round-trips the trace format of a traced run, which is part of what the run ran (a full trace makes Welcomes go in more parts)', () => {
    const s: Scenario = {
      seed: 70693, nodes: 4, app: 'kv', workload: { clients: 2, ops: 5 }, checkpointEvery: 3, maxWelcomeBytes: 1_000,
      schedule: scheduleOf({ loss: 0.11, duplicate: 0.25, reorder: 0.13, reorderMs: 15 }, [{ kind: 'crash', at: 137, node: 1, restart: 1_291 }]),
    };
    const words = shellWords(replayCommand(s, 'full'));
    expect(words.slice(words.indexOf('--trace'))[1]).toBe('full');
    expect(parseReplayArgs(words.slice(3))).toEqual({ scenario: s, printLog: false, trace: 'full' });
    expect(replayCommand(s)).not.toContain('--trace');
    // With a full trace a checkpointing replica keeps its history and its Welcomes carry it:
    // the traced run sends other messages than the untraced one, so a replay must trace too.
    const welcomeParts = (log: readonly string[]) => log.filter((l) => /Welcome/.test(l)).length;
    const dir = mkdtempSync(join(tmpdir(), 'replay-cli-'));
    const traced = traceScenario(s, join(dir, 'full.ndjson'), { eventLog: true }, 'test/sim/replayCli.test.ts', false).run.result.log;
    const untraced = runScenario(s, { eventLog: true }).result.log;
    expect(welcomeParts(traced)).toBeGreaterThan(welcomeParts(untraced));
  });

  it.each([
    [[], /missing --seed/],
    [['--seed', '1', '--nodes', '3', '--app', 'kv', '--workload', '{"clients":1,"ops":1}', '--schedule', JSON.stringify(scheduleOf({}, [])), '--max-pending', '0'], /--max-pending must be an integer in 1\.\./],
    [['--seed', '1.5'], /--seed must be an integer/],
    [['--seed', '1', '--nodes', '3', '--app', 'kv', '--workload', '{"clients":1,"ops":1}', '--schedule', JSON.stringify(scheduleOf({}, [])), '--trace', 'verbose'], /--trace must be full or compact, got "verbose"/],
    [['--seed', '1', '--nodes', '3', '--app', 'chess'], /--app must be bank or kv/],
    [['--seed', '1', '--nodes', '3', '--app', 'kv', '--workload', '{'], /--workload is not valid JSON/],
    [['--seed', '1', '--nodes', '3', '--app', 'kv', '--workload', '{"clients":0,"ops":1}'], /--workload clients must be an integer in 1\.\./],
    [['--seed', '1', '--nodes', '3', '--app', 'kv', '--workload', '{"clients":1,"ops":1}', '--schedule', '{"network":5}'], /--schedule: schedule.network must be an object/],
    [['--seed', '1', '--nodes', '3', '--app', 'kv', '--workload', '{"clients":1,"ops":1}', '--schedule', JSON.stringify(scheduleOf({}, [])), '--batch-max', '2', '--defer-proposals', 'later'], /--defer-proposals must be turn or decision/],
    [['--seed', '1', '--nodes', '3', '--app', 'kv', '--workload', '{"clients":1,"ops":1}', '--schedule', JSON.stringify(scheduleOf({}, [])), '--max-promise-bytes', '0'], /--max-promise-bytes must be an integer in 1\.\./],
    [['--seed', '1', '--nodes', '3', '--app', 'kv', '--workload', '{"clients":1,"ops":1}', '--schedule', JSON.stringify(scheduleOf({}, [])), '--max-welcome-bytes', 'x'], /--max-welcome-bytes must be an integer in 1\.\./],
    [['--bogus'], /Unknown option/],
  ])('rejects %j with a clear message', (argv, message) => {
    expect(() => parseReplayArgs(argv)).toThrow(ReplayUsageError);
    expect(() => parseReplayArgs(argv)).toThrow(message);
  });
});
