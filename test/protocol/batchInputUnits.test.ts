/**
 * A batch's input bound (MAX_BATCH_INPUT, and the replica's batchMaxInput under it) counts
 * UTF-16 units, as the replica counts when it forms a batch (Replica.nextBatch). A peer that
 * counted UTF-8 bytes instead refused, as never sent, a batch of non-ASCII inputs the replica
 * formed within the bound: its slot was never decided and its clients waited forever. ASCII
 * inputs, one byte a unit, cannot tell the two apart.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, MAX_BATCH_INPUT } from '../../src/protocol/limits.js';
import type { Accept, Propose } from '../../src/protocol/messages.js';
import { checkMessage } from '../../src/protocol/validate.js';
import { isLongBatch, requestsOf } from '../../src/protocol/values.js';
import { Replica } from '../../src/roles/replica.js';
import { FakeHost } from '../roles/fake-host.js';

const PEERS = [1, 2, 3];
const B = { num: 2, leader: 1 };
/** Three requests whose inputs total `units` UTF-16 units of '訊' (three UTF-8 bytes each). */
const cjkBatch = (units: number) => {
  const third = Math.floor(units / 3);
  return { batch: [units - 2 * third, third, third].map((n, i) => ({ caller: 2, clientId: i + 1, input: '訊'.repeat(n) })) };
};

describe('the bound on a batch\'s input counts UTF-16 units, not bytes', () => {
  it('takes an Accept whose non-ASCII batch is at MAX_BATCH_INPUT units (three times as many bytes), refuses one a unit over', () => {
    const batch = cjkBatch(MAX_BATCH_INPUT);
    expect(Buffer.byteLength(batch.batch.map((p) => p.input).join(''), 'utf8')).toBe(3 * MAX_BATCH_INPUT);
    const at: Accept = { type: 'Accept', ballot: B, slot: 1, prop: batch };
    expect(checkMessage(JSON.parse(JSON.stringify(at)), PEERS)).toMatchObject({ ok: true });
    const over = checkMessage(JSON.parse(JSON.stringify({ ...at, prop: cjkBatch(MAX_BATCH_INPUT + 1) })), PEERS);
    expect(over.ok).toBe(false);
    if (!over.ok) expect(over.reason).toMatch(/its inputs total 65537 UTF-16 units/);
  });

  it('a peer takes the Propose of a full batch of non-ASCII requests a replica forms at the default batchMaxInput', () => {
    const host = new FakeHost({ self: 2, peers: PEERS, limits: { batchMaxRequests: 10, window: 1 } });
    const replica = new Replica(host);
    // The window of one is taken by a first request, so the next ones wait and are batched together.
    const input = (n: number) => '訊'.repeat(DEFAULT_LIMITS.batchMaxInput / 4 - 1) + String(n);
    for (let id = 1; id <= 5; id++) replica.receive(2, { type: 'Invoke', replica: 2, prop: { caller: 2, clientId: id, input: input(id) } });
    replica.receive(1, { type: 'Decision', slot: 1, prop: { caller: 2, clientId: 1, input: input(1) } });
    const batches = host.sends('Propose').map((s) => s.message as Propose).filter((m) => isLongBatch(m.prop));
    expect(batches).toHaveLength(1);
    expect(requestsOf(batches[0]!.prop)).toHaveLength(4);
    expect(checkMessage(JSON.parse(JSON.stringify(batches[0])), PEERS)).toMatchObject({ ok: true });
  });
});
