/**
 * bench:sim's breakdown of messages by type (bench/messageCounts.ts): the nodes' own counts
 * add up to what the simulator carried, and local and to-none messages are told apart.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { MessageCounter, breakdownLines, typesInOrder } from '../../bench/messageCounts.js';
import { defaultNodeFactory } from '../../src/sim/nodeFactory.js';
import { scheduleOf } from '../../src/sim/schedule.js';
import { simConfigOf } from '../../src/sim/scenario.js';
import { Simulator } from '../../src/sim/simulator.js';

const fixed = (x: number, digits: number) => x.toFixed(digits);

describe('MessageCounter', () => {
  it('counts per type what the nodes sent: the network column adds up to what the simulator carried, restarted nodes included', () => {
    const counter = new MessageCounter();
    const scenario = {
      seed: 4, nodes: 3, app: 'kv' as const, workload: { clients: 3, ops: 10 },
      schedule: scheduleOf({ loss: 0.05 }, [{ kind: 'crash', at: 40, node: 2, restart: 300 }]),
    };
    const result = new Simulator({ ...simConfigOf(scenario), createNode: counter.wrap(defaultNodeFactory) }).run();
    const counts = counter.counts();

    expect(result.completed).toBe(true);
    expect(counts.networkTotal).toBe(result.stats.messagesSent);
    expect(counts.network.get('Join')).toBeGreaterThan(0); // only the restarted incarnation sends Join
    // The Requester's Invoke never leaves its node; answers to other nodes' clients never leave any node.
    expect(counts.network.get('Invoke')).toBeUndefined();
    expect(counts.local.get('Invoke')).toBeGreaterThanOrEqual(30);
    expect(counts.toNone.get('Invoked')).toBeGreaterThan(0);
    expect(typesInOrder(counts).slice(0, 2)).toEqual(['Invoke', 'Propose']);
  });

  it('lets a crashed incarnation go once its node is rebuilt, and still counts what it sent', () => {
    const counter = new MessageCounter();
    let built = 0;
    const factory = counter.wrap((...args) => { built++; return defaultNodeFactory(...args); });
    const scenario = {
      seed: 4, nodes: 3, app: 'kv' as const, workload: { clients: 3, ops: 10 },
      schedule: scheduleOf({ loss: 0.05 }, [{ kind: 'crash', at: 40, node: 2, restart: 300 }, { kind: 'crash', at: 400, node: 3, restart: 700 }]),
    };
    const result = new Simulator({ ...simConfigOf(scenario), createNode: factory }).run();

    expect(result.completed).toBe(true);
    expect(built).toBe(5);
    expect(counter.nodesHeld).toBe(3); // the two crashed incarnations are not kept alive by the bench
    expect(counter.counts().networkTotal).toBe(result.stats.messagesSent);
    expect(counter.rejoins()).toBe(0); // restarts are new incarnations, not rejoins of a live node
  });

  it('prints one line per type and the totals, per decided request', () => {
    const lines = breakdownLines({
      network: new Map([['Accept', 20], ['Active', 1]]), local: new Map([['Invoke', 10]]), toNone: new Map([['Invoked', 40]]),
      networkTotal: 21, localTotal: 10,
    }, 10, fixed);

    expect(lines.slice(1)).toEqual([
      '    Invoke                        0.00    1.00    0.00',
      '    Accept                        2.00    0.00    0.00',
      '    Invoked                       0.00    0.00    4.00',
      '    Active                        0.10    0.00    0.00',
      '    total                         2.10    1.00    4.00',
    ]);
  });
});

describe('npm run bench:sim', () => {
  it('prints the breakdown by type after the messages per request', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'bench/sim.ts', '--shape', 'seed-seq', '--transfers', '40'], { encoding: 'utf8', timeout: 120_000 });

    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/messages \/ request +\d+\.\d on the network \([\d,]+ sent, [\d,]+ lost\); \d+\.\d more between roles of one node/);
    for (const type of ['Invoke', 'Propose', 'Accept', 'Accepted', 'Decision', 'Invoked', 'total']) {
      expect(run.stdout).toMatch(new RegExp(`\\n {4}${type} +\\d+\\.\\d\\d +\\d+\\.\\d\\d +\\d+\\.\\d\\d\\n`));
    }
  });
});
