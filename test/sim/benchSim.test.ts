import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/** Runs bench/sim.ts as `npm run bench:sim` does, on a tiny workload. */
const bench = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'bench/sim.ts', ...args], { encoding: 'utf8', timeout: 120_000 });

describe('npm run bench:sim', () => {
  it('--shape seed-par prints the rates, the cost by tenth, and the Python figure labelled as a reference, cold then warm', () => {
    const run = bench(['--shape', 'seed-par', '--transfers', '60']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout.match(/: completed/g)).toHaveLength(2);
    expect(run.stdout).toMatch(/requests decided +68 \(60 transfers \+ 8 setup\)/);
    for (const line of [/requests \/ CPU s +[\d,]+/, /requests \/ wall s +[\d,]+/, /messages \/ request +\d+\.\d/, /last tenth \/ first tenth \(CPU per request\) +\d+\.\d\d/]) {
      expect(run.stdout).toMatch(line);
    }
    expect(run.stdout).toMatch(/CPU ms \/ 1,000 requests by tenth( +[\d,]+){10}\n/);
    expect(run.stdout).toMatch(/reference, NOT this run: the Python seed code decided ~1,750 requests/);
    expect(run.stdout).toMatch(/warm \/ cold CPU per request: \d+\.\d\d/);
    expect(run.stdout).not.toMatch(/baseline:/); // unbatched: no pairing
    expect(run.stdout).toMatch(/warm: the same run again after 3 unmeasured run\(s\), the median of 5: completed/);
    // Five warm runs measured: their spread is printed, its median the one reported in full.
    const spread = /warm runs \(5\), min \/ median \/ max: requests \/ wall s ([\d,]+) \/ ([\d,]+) \/ ([\d,]+); requests \/ CPU s [\d,]+ \/ [\d,]+ \/ [\d,]+/.exec(run.stdout);
    const [min, median, max] = spread!.slice(1).map((x) => Number(x.replace(/,/g, '')));
    expect(min).toBeLessThanOrEqual(median!);
    expect(median).toBeLessThanOrEqual(max!);
    const warmReport = run.stdout.slice(run.stdout.indexOf('the median of 5: completed'));
    expect(Number(/requests \/ wall s +([\d,]+)/.exec(warmReport)![1]!.replace(/,/g, ''))).toBe(median);
  });

  it('--shape seed-par sends at most 12 network messages per request without batching (issue 12), heartbeats skipped where commanders reached', () => {
    const run = bench(['--shape', 'seed-par', '--warmup', '0']);
    expect(run.status).toBe(0);
    const total = /(\d[\d,]*) sent, 0 lost/.exec(run.stdout);
    const decided = /requests decided +([\d,]+)/.exec(run.stdout);
    const perRequest = Number(total![1]!.replace(/,/g, '')) / Number(decided![1]!.replace(/,/g, ''));
    expect(perRequest).toBeLessThanOrEqual(12);
    // A leader that heartbeats every peer on every beat sends 0.76 Active per request here.
    const active = Number(/\n +Active +(\d+\.\d\d)/.exec(run.stdout)![1]);
    expect(active).toBeLessThan(0.3);
  });

  it('--shape long kills the leader once in each tenth and reports memory by tenth and the largest message', () => {
    const run = bench(['--shape', 'long', '--transfers', '100']);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/leader kills +10 \(one in the middle of each tenth/);
    expect(run.stdout).toMatch(/peak RSS MiB by tenth( +[\d,]+){10}\n/);
    expect(run.stdout).toMatch(/largest message sent +[1-9][\d,]* bytes of JSON \(a [A-Z]\w+\)/);
    // Bounded by default, as a Member and `paxos node` are; 0 runs the unbounded baseline.
    expect(run.stdout).toMatch(/5% loss, leader killed, checkpoint every 1000 slots: completed/);
    const never = bench(['--shape', 'long', '--transfers', '100', '--checkpoint-every', '0']);
    expect(never.status).toBe(0);
    expect(never.stdout).toMatch(/5% loss, leader killed, no checkpoints \(--checkpoint-every 0\): state grows with history: completed/);
  });

  it('the default shape checkpoints as a Member does, and --checkpoint-every reaches the nodes', () => {
    const every = bench(['--transfers', '200', '--only', 'reliable', '--warmup', '0', '--repeat', '1', '--checkpoint-every', '10']);
    expect(every.status).toBe(0);
    expect(every.stdout).toMatch(/reliable network, checkpoint every 10 slots, warm: .*: completed/);
    // Every acceptor compacted (its first kept slot moved up): a flag that stopped at the label would leave them at 1.
    const marks = /each acceptor's first kept slot at the end: ([\d, ]+)\n/.exec(every.stdout)![1]!.trim().split(' ').map((x) => Number(x.replace(/,/g, '')));
    expect(marks).toHaveLength(5);
    for (const mark of marks) expect(mark).toBeGreaterThan(100);
    // The unbatched baseline a batched run pairs with checkpoints too.
    const batched = bench(['--transfers', '200', '--only', 'reliable', '--warmup', '0', '--repeat', '1', '--checkpoint-every', '10', '--batch-max', '4', '--clients-on', 'one']);
    expect(batched.status).toBe(0);
    const baseline = /the last baseline's acceptors' first kept slots at the end: ([\d, ]+)\n/.exec(batched.stdout)![1]!.trim().split(' ').map((x) => Number(x.replace(/,/g, '')));
    expect(baseline).toHaveLength(5);
    for (const mark of baseline) expect(mark).toBeGreaterThan(100);
    const never = bench(['--transfers', '200', '--only', 'reliable', '--warmup', '0', '--repeat', '1', '--checkpoint-every', '0']);
    expect(never.status).toBe(0);
    expect(never.stdout).toMatch(/reliable network, no checkpoints \(--checkpoint-every 0\): state grows with history, warm: .*: completed/);
    expect(never.stdout).not.toMatch(/first kept slot/);
    const neverBatched = bench(['--transfers', '200', '--only', 'reliable', '--warmup', '0', '--repeat', '1', '--checkpoint-every', '0', '--batch-max', '4', '--clients-on', 'one']);
    expect(neverBatched.status).toBe(0);
    expect(neverBatched.stdout).toMatch(/per CPU s\n/); // the baseline line, with no marks
    expect(neverBatched.stdout).not.toMatch(/first kept slot/);
  });

  it('refuses a bad argument with a clear message and exit code 2', () => {
    const run = bench(['--shape', 'nope']);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/--shape must be one of default, seed-seq, seed-par, long/);
    const batch = bench(['--shape', 'seed-seq', '--batch-max', '0']);
    expect(batch.status).toBe(2);
    expect(batch.stderr).toMatch(/--batch-max must be a whole number of at least 1, got "0"/);
    const repeat = bench(['--shape', 'seed-seq', '--repeat', '0']);
    expect(repeat.status).toBe(2);
    expect(repeat.stderr).toMatch(/--repeat must be a whole number of at least 1, got "0"/);
    const warmup = bench(['--shape', 'long', '--warmup', '2']);
    expect(warmup.status).toBe(2);
    expect(warmup.stderr).toMatch(/--warmup does not apply to the long shape/);
    const clientsOn = bench(['--clients-on', 'leader']);
    expect(clientsOn.status).toBe(2);
    expect(clientsOn.stderr).toMatch(/--clients-on must be spread or one, got leader/);
    const longOne = bench(['--shape', 'long', '--clients-on', 'one']);
    expect(longOne.status).toBe(2);
    expect(longOne.stderr).toMatch(/--clients-on one does not apply to the long shape/);
    const deferAlone = bench(['--defer-proposals', 'decision']);
    expect(deferAlone.status).toBe(2);
    expect(deferAlone.stderr).toMatch(/--defer-proposals needs --batch-max 2 or more/);
    const seedCheckpoints = bench(['--shape', 'seed-seq', '--checkpoint-every', '10']);
    expect(seedCheckpoints.status).toBe(2);
    expect(seedCheckpoints.stderr).toMatch(/--checkpoint-every applies to the default and long shapes only/);
    const deferBad = bench(['--batch-max', '4', '--defer-proposals', 'later']);
    expect(deferBad.status).toBe(2);
    expect(deferBad.stderr).toMatch(/--defer-proposals must be turn or decision, got later/);
  });

  it('--defer-proposals decision forms bigger batches: fewer messages per request, and says so in its header', () => {
    const count = (args: string[]) => {
      const run = bench(['--transfers', '200', '--only', 'reliable', '--warmup', '0', '--batch-max', '10', '--clients-on', 'one', ...args]);
      expect(run.status).toBe(0);
      return { out: run.stdout, perRequest: Number(/messages \/ request +(\d+\.\d)/.exec(run.stdout)![1]) };
    };
    const atOnce = count([]);
    const deferred = count(['--defer-proposals', 'decision']);
    // Each warm run is paired with one unbatched (a baseline in the same run), and the ratio printed.
    expect(deferred.out).toMatch(/baseline: the same shape unbatched, clients spread, run after each warm run: [\d,]+ requests \/ CPU s \(median\); these options \/ baseline, run by run, min \/ median \/ max: \d+\.\d\d \/ \d+\.\d\d \/ \d+\.\d\d per CPU s/);
    expect(deferred.out).toMatch(/up to 10 requests per slot, proposals deferred to the next Decision, every client on node 1; load average/);
    // Catches a flag that does not reach the replicas' limits (the counts would be equal).
    expect(deferred.perRequest).toBeLessThan(atOnce.perRequest);
  });

  it('--clients-on one puts every client on node 1: no replica competes for slots, so fewer messages per request', () => {
    const count = (args: string[]) => {
      const run = bench(['--transfers', '200', '--only', 'reliable', '--warmup', '0', ...args]);
      expect(run.status).toBe(0);
      expect(run.stdout.match(/: completed/g)).toHaveLength(2);
      return { out: run.stdout, perRequest: Number(/messages \/ request +(\d+\.\d)/.exec(run.stdout)![1]) };
    };
    const spread = count([]);
    const one = count(['--clients-on', 'one']);
    expect(one.out).toMatch(/every client on node 1; load average/);
    expect(one.out).toMatch(/reliable network, checkpoint every 1000 slots, cold/); // a Member's default
    expect(spread.out).not.toMatch(/every client on node 1/);
    // Spread, replicas re-propose the requests whose slot another replica took.
    expect(one.perRequest).toBeLessThan(spread.perRequest);
  });

  it('--batch-max K says so in its header', () => {
    const run = bench(['--shape', 'seed-par', '--transfers', '20', '--batch-max', '3']);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/10 client\(s\), seed 1, up to 3 requests per slot; load average/);
  });
});
