/**
 * The chaos run's parts that decide what its final check is given (chaos/run.ts, chaos/workload.ts),
 * without processes: which node a "leader" kill targets, and how a client records what it was
 * told. verify.ts trusts these records: a refusal recorded as indeterminate would let a transfer
 * that was refused yet ran pass as "ran at most once".
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { leaderOf } from '../../src/cli/chaos/run.js';
import { WorkloadClient } from '../../src/cli/chaos/workload.js';
import { ClientConnection, ConnectionLostError } from '../../src/cli/client/connection.js';
import type { NodeStatus } from '../../src/cli/client/protocol.js';
import type { InvokeOutcome } from '../../src/cli/node/requestTable.js';

/** The fields leaderOf reads; the rest of a status does not matter to it. */
const status = (node: number, active: boolean, num: number, leader: number | null): NodeStatus =>
  ({ node, active, ballot: { num, leader: node }, leader }) as unknown as NodeStatus;

describe('leaderOf', () => {
  it('picks the active leader with the highest ballot: an old leader that still thinks it leads is not the one to kill', () => {
    // Node 1 led at ballot 3 and has not yet heard of node 2's ballot 5 (a reviewer's bug
    // sorted the ballots the wrong way and killed node 1, so no leader was ever killed).
    expect(leaderOf([status(1, true, 3, 2), status(2, true, 5, 2), status(3, false, 0, 2)])).toBe(2);
    expect(leaderOf([status(2, true, 5, 2), status(1, true, 3, 2)])).toBe(2);
    // Equal numbers: the higher leader id is the higher ballot.
    expect(leaderOf([status(1, true, 4, 1), status(3, true, 4, 3)])).toBe(3);
  });

  it('with no active leader, names the leader most nodes follow, or none', () => {
    expect(leaderOf([status(1, false, 0, 3), status(2, false, 0, 3), status(3, false, 0, 1)])).toBe(3);
    expect(leaderOf([status(1, false, 0, null), status(2, false, 0, null)])).toBeNull();
  });
});

describe('WorkloadClient records what each transfer was told', () => {
  afterEach(() => vi.restoreAllMocks());

  it('an answer is ack, a refusal is failed (did not run), a deadline or a lost connection is indeterminate', async () => {
    const busy: InvokeOutcome = { ok: false, error: 'Busy', message: 'full', indeterminate: false };
    const deadline: InvokeOutcome = { ok: false, error: 'DeadlineExceeded', message: 'late', indeterminate: true };
    const output = { ok: true, op: 'transfer' };
    const script: Array<InvokeOutcome | Error> = [{ ok: true, output }, busy, deadline, new ConnectionLostError('connection to node 1 lost', true), { ok: true, output }];
    let opened = 0;
    // A stand-in connection: answers the script in order; a lost connection is closed.
    vi.spyOn(ClientConnection, 'open').mockImplementation(async () => {
      opened++;
      const fake = {
        closed: false,
        invoke: async () => {
          const next = script.shift()!;
          if (next instanceof Error) throw next;
          return next;
        },
        close: () => { fake.closed = true; },
      };
      return fake as unknown as ClientConnection;
    });
    let x = 0;
    const client = new WorkloadClient(71_000, 1, {
      nodes: new Map([[1, { host: '127.0.0.1', port: 1 }]]), key: Buffer.alloc(32), accounts: ['a', 'b', 'c'],
      isUp: () => true, random: () => (x = (x + 0.37) % 1),
    });
    await client.run(() => script.length === 0);
    expect(client.ops.map((o) => o.outcome)).toEqual(['ack', 'failed', 'indeterminate', 'indeterminate', 'ack']);
    expect(client.ops[0]!.output).toEqual(output);
    expect(client.ops[1]!.error).toBe('Busy: full');
    expect(client.ops[3]!.error).toBe('connection to node 1 lost');
    // After a lost connection the client opens a new one for its next transfer.
    expect(opened).toBe(2);
    // Each transfer has its own ref and request id, and moves money between two accounts.
    expect(new Set(client.ops.map((o) => o.ref)).size).toBe(5);
    expect(client.ops.map((o) => o.request)).toEqual([1, 2, 3, 4, 5]);
    for (const o of client.ops) {
      expect(o.command).toMatchObject({ op: 'transfer', ref: o.ref });
      expect(o.command.from).not.toBe(o.command.to);
      expect(o.command.amount).toBeGreaterThanOrEqual(1);
    }
  });
});
