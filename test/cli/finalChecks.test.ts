/**
 * The chaos run's final checks besides the history's (chaos/finalChecks.ts): each passes a run
 * that kept its promises and fails, with the problem text the report prints, on one that did not.
 */
import { describe, expect, it } from 'vitest';
import { compareReplicas, historyLengthProblems, judgeRun, judgeRunTraces, type CheckedTrace, type RunOutcome } from '../../src/cli/chaos/finalChecks.js';
import type { TransferOp } from '../../src/cli/chaos/workload.js';
import type { ExecutedRequest, ReplicaState } from '../../src/cli/client/protocol.js';
import { bank } from '../../src/statemachines/bank.js';
import { toNodeStateMachine } from '../../src/statemachines/codec.js';
import { stateDigest } from '../../src/statemachines/digest.js';

const replica = (node: number, over: Partial<ReplicaState> = {}): ReplicaState =>
  ({ node, slotOut: 13, executed: 12, historyDigest: 'h1', appDigest: 'a1', ...over });

describe('compareReplicas', () => {
  it('passes replicas that executed as many requests into the same history and state', () => {
    expect(compareReplicas([replica(1), replica(2), replica(3, { slotOut: 14 })])).toEqual({ equal: true, problems: [] });
  });

  it('names every replica when one differs in its count, its history or its state', () => {
    for (const odd of [{ executed: 11 }, { historyDigest: 'h2' }, { appDigest: 'a2' }]) {
      const states = [replica(1), replica(2), replica(3, odd)];
      const { equal, problems } = compareReplicas(states);
      expect(equal).toBe(false);
      const third = { executed: 12, historyDigest: 'h1', appDigest: 'a1', ...odd };
      expect(problems).toEqual([`replicas differ: node 1: 12 executed, history h1, state a1; node 2: 12 executed, history h1, state a1; `
        + `node 3: ${third.executed} executed, history ${third.historyDigest}, state ${third.appDigest}`]);
    }
  });
});

describe('judgeRunTraces', () => {
  const nodes = [1, 2, 3];
  const trace = (over: Partial<CheckedTrace> = {}): CheckedTrace => ({ name: '/r/traces/chaos', ok: true, partNodes: [1, 2, 3], ...over });

  it('passes one trace that checked, with a part from every node', () => {
    expect(judgeRunTraces([trace()], nodes, 'PASS /r/traces/chaos (10 events)')).toEqual({ ok: true, problems: [] });
  });

  it('fails a trace the check rejected, with the verdicts', () => {
    const text = 'FAIL /r/traces/chaos\n  /r/traces/chaos.node2.ndjson:7: spec: no such step';
    expect(judgeRunTraces([trace({ ok: false })], nodes, text)).toEqual({ ok: false, problems: [`trace validation failed:\n${text}`] });
  });

  it('fails when any one trace was rejected, not only when all were', () => {
    const traces = [trace(), trace({ name: '/r/traces/other', ok: false })];
    expect(judgeRunTraces(traces, nodes, 'PASS ...\nFAIL ...')).toEqual({ ok: false, problems: ['trace validation failed:\nPASS ...\nFAIL ...'] });
  });

  it('fails a run that left no trace at all', () => {
    expect(judgeRunTraces([], nodes, '')).toEqual({ ok: false, problems: ['trace validation failed:\n'] });
  });

  it('fails a trace that checked but lacks a node\'s part: a part whose header names no node does not count', () => {
    expect(judgeRunTraces([trace({ partNodes: [1, undefined, 3] })], nodes, 'PASS /r/traces/chaos (10 events)')).toEqual({
      ok: false, problems: ['trace /r/traces/chaos has no part from node 2 (its parts name node 1, 3)'],
    });
  });

  it('fails a run whose parts were split over two run ids: each trace lacks the other\'s nodes', () => {
    const traces = [trace({ partNodes: [1, 3] }), trace({ name: '/r/traces/stray', partNodes: [2] })];
    expect(judgeRunTraces(traces, nodes, 'PASS a\nPASS b').problems).toEqual([
      'trace /r/traces/chaos has no part from node 2 (its parts name node 1, 3)',
      'trace /r/traces/stray has no part from node 1, 3 (its parts name node 2)',
    ]);
  });

  it('a part from a node outside the cluster does not stand for a missing one (counting the nodes named is not enough)', () => {
    expect(judgeRunTraces([trace({ partNodes: [1, 3, 4] })], nodes, 'PASS /r/traces/chaos (10 events)')).toEqual({
      ok: false, problems: ['trace /r/traces/chaos has no part from node 2 (its parts name node 1, 3, 4)'],
    });
  });

  it('a file that is no part at all names no node', () => {
    expect(judgeRunTraces([trace({ name: '/r/traces/x.ndjson', partNodes: [undefined] })], [1], 'PASS x').problems)
      .toEqual(['trace /r/traces/x.ndjson has no part from node 1 (its parts name no node)']);
  });
});

describe('historyLengthProblems', () => {
  it('passes a history as long as node 1 executed', () => {
    expect(historyLengthProblems(12, replica(1))).toEqual([]);
  });

  it('fails a history shorter or longer than node 1 executed', () => {
    expect(historyLengthProblems(11, replica(1))).toEqual(["the traces' history has 11 requests; node 1 executed 12"]);
    expect(historyLengthProblems(13, replica(1))).toEqual(["the traces' history has 13 requests; node 1 executed 12"]);
  });
});

describe('judgeRun', () => {
  const commands = [...['a', 'b'].flatMap((account) => [{ op: 'open', account }, { op: 'deposit', account, amount: 100 }]),
    { op: 'transfer', from: 'a', to: 'b', amount: 5, ref: 't1' }];
  const executions: ExecutedRequest[] = commands.map((c, i) => ({ caller: 1, clientId: i + 1, input: JSON.stringify(c) }));
  const sm = toNodeStateMachine(bank);
  const appDigest = stateDigest(executions.reduce((st, r) => sm.apply(st, r.input)[0], sm.initial()));
  const ops: TransferOp[] = [{ ref: 't1', client: 70_000, request: 1, node: 1, command: { op: 'transfer', from: 'a', to: 'b', amount: 5, ref: 't1' },
    outcome: 'ack', output: { ok: true, op: 'transfer', from: 'a', to: 'b', amount: 5 } }];
  const states = [1, 2, 3].map((n) => replica(n, { executed: executions.length, appDigest }));
  const good: RunOutcome = { incidents: [], finalStates: states, traces: { ok: true, problems: [] }, ops, executions, deposited: 200 };

  it('passes a run whose replicas agree, whose traces passed and whose history explains every transfer', () => {
    const j = judgeRun(good);
    expect(j.problems).toEqual([]);
    expect(j).toMatchObject({ ok: true, replicasEqual: true, reporter: { node: 1 }, history: { acknowledged: 1, lost: 0 } });
  });

  it('fails on any one of its grounds, saying which', () => {
    const fails = (o: RunOutcome, why: RegExp) => {
      const j = judgeRun(o);
      expect(j.ok).toBe(false);
      expect(j.problems).toEqual(expect.arrayContaining([expect.stringMatching(why)]));
    };
    fails({ ...good, incidents: ['node 2 exited on its own (SIGSEGV)'] }, /^node 2 exited/);
    fails({ ...good, finalStates: [states[0]!, states[1]!, replica(3, { executed: executions.length, appDigest: 'other' })] }, /^replicas differ/);
    fails({ ...good, traces: { ok: false, problems: ['trace validation failed: x'] } }, /^trace validation failed/);
    fails({ ...good, executions: executions.slice(0, -1) }, /the traces' history has 4 requests; node 1 executed 5/);
    fails({ ...good, ops: [{ ...ops[0]!, ref: 't2', command: { ...ops[0]!.command, ref: 't2' } }] }, /t2 was acknowledged by node 1 but is not in the final history/);
  });

  it('fails a run that never reached its history check, even with nothing else reported', () => {
    const { ops: _ops, ...noWorkload } = good;
    const { finalStates: _states, ...noReads } = good;
    const { traces: _traces, ...noTraces } = good;
    for (const o of [noWorkload, noReads, noTraces]) {
      const j = judgeRun(o);
      expect(j.ok).toBe(false);
      expect(j.history).toBeUndefined();
      expect(j.problems).toEqual(['the run ended without its history checked']);
    }
    expect(judgeRun(noReads).replicasEqual).toBe(false);
  });
});
