/**
 * The chaos report of a run that stopped before its final reads (a stalled cluster: a 150 s run
 * without checkpoints) said "0 of 0 sent", "replicas DIFFER" and "money NOT conserved", none of
 * which was checked. It now says what was not counted or compared; a finished run's lines keep
 * their figures.
 */
import { describe, expect, it } from 'vitest';
import { chaosReportLines } from '../../src/cli/commands/chaos.js';
import type { ChaosReport } from '../../src/cli/chaos/run.js';
import type { HistoryVerdict } from '../../src/cli/chaos/verify.js';

const base: ChaosReport = {
  ok: false, problems: ['the run stopped early: final read through node 1 failed'], dir: '/tmp/x', kills: [],
  history: undefined, executed: 0, finalReads: false, replicasEqual: false,
  traces: { ok: true, parts: 3, events: 10, clientOperations: 5, verdict: '' }, nodeWarnings: 0, wallMs: 1000,
};

describe('chaos report', () => {
  it('a run stopped before its final reads: nothing counted or compared is claimed', () => {
    const text = chaosReportLines(base).join('\n');
    expect(text).toContain('transfers acknowledged: not counted (the run stopped before its final reads)');
    expect(text).toContain('replicas:               not compared (the run stopped before its final reads)');
    expect(text).not.toMatch(/DIFFER|NOT conserved|0 of 0 sent/);
  });

  it('a finished run: its figures, and a money problem named', () => {
    const history: HistoryVerdict = { acknowledged: 9, total: 10, indeterminate: 1, indeterminateExecuted: 1, failed: 0, lost: 0, duplicated: 0, problems: ['money: 10 missing'], appDigest: 'd' };
    const text = chaosReportLines({ ...base, history, executed: 12, finalReads: true, replicasEqual: true }).join('\n');
    expect(text).toContain('transfers acknowledged: 9 of 10 sent (1 indeterminate, of which 1 ran once; 0 refused)');
    expect(text).toContain('replicas:               one history (12 requests executed), money NOT conserved');
    const fine = chaosReportLines({ ...base, history: { ...history, problems: [] }, executed: 12, finalReads: true, replicasEqual: true }).join('\n');
    expect(fine).toContain('money conserved');
  });

  it('a finished run: the transfers lost and run twice are the history\'s own counts, not others', () => {
    const history: HistoryVerdict = { acknowledged: 9, total: 14, indeterminate: 3, indeterminateExecuted: 1, failed: 5, lost: 2, duplicated: 4, problems: ['2 lost'], appDigest: 'd' };
    const text = chaosReportLines({ ...base, history, executed: 12, finalReads: true, replicasEqual: true }).join('\n');
    expect(text).toContain('  transfers lost:         2   run twice: 4\n');
  });

  it('a finished run whose traces did not pass: the history is not counted, and says why; the replicas were compared', () => {
    const problems = ['trace chaos has no part from node 2 (its parts name node 1, 3)'];
    const text = chaosReportLines({ ...base, problems, executed: 12, finalReads: true, replicasEqual: false,
      traces: { ...base.traces, ok: false } }).join('\n');
    expect(text).toContain('transfers acknowledged: not counted (the traces did not pass, and the history is read from them)');
    expect(text).toContain('replicas:               DIFFER (12 requests executed), money not checked');
    expect(text).toContain('traces:                 INVALID');
    expect(text).not.toContain('stopped before its final reads');
  });

  it('--two-down: a follower killed while the leader was down says so', () => {
    const kills = [
      { node: 1, role: 'leader' as const, atMs: 100, downMs: 2000, newLeader: 2 },
      { node: 3, role: 'follower' as const, atMs: 900, downMs: 2000, alsoDown: 1 },
    ];
    const text = chaosReportLines({ ...base, kills }).join('\n');
    expect(text).toContain('kills (SIGKILL):        2 (node 1 as leader, node 2 took over; node 3 as follower, while node 1 was down)');
  });
});
