/**
 * A replica restarted from its node's snapshot owes its own node the answers of the requests the
 * snapshot executed: the incarnation that executed them may have crashed before its Requester
 * heard them, and the client retries them in the new one. Commit f77e5da kept those outputs
 * apart (ExecutedTable.oweAnswers) on both install paths, a Welcome's image and a restart's
 * snapshot (Replica.restore); replica.test.ts covers the Welcome path only. Without the
 * restore path, one retried request answered frees a place in the Requester, newer requests
 * execute and are answered first, and with `maxPendingRequests` outputs kept per caller the
 * other retried request's output is pushed out before its retransmission comes: its client
 * waits forever, and no trace shows a missing answer.
 */
import { describe, expect, it } from 'vitest';
import { Replica } from '../../src/roles/replica.js';
import { ExecutedTable } from '../../src/roles/executedTable.js';
import { FakeHost, prop } from './fake-host.js';

const invoke = (p: ReturnType<typeof prop>) => ({ type: 'Invoke' as const, replica: 2, prop: p });
const decision = (slot: number, p: ReturnType<typeof prop>) => ({ type: 'Decision' as const, slot, prop: p });

describe('Replica restored from its snapshot', () => {
  it('answers its own node\'s requests the snapshot executed, however many of its later requests execute and are answered first', () => {
    // The snapshot at slot 3: node 2's requests 10 and 9 executed (counter: 5, then 12), both
    // still pending at node 2's Requester when the node crashed.
    const table = new ExecutedTable(2);
    const history = [prop(2, 10, '5'), prop(2, 9, '7')];
    table.record(history[0]!, 5);
    table.record(history[1]!, 12);
    const host = new FakeHost({ self: 2, limits: { maxPendingRequests: 2 }, restored: { slot: 3, image: { app: 12, table, history } } });
    const replica = new Replica(host);
    host.addRole(replica);
    expect(replica.nextSlotToExecute).toBe(3);

    // The retried 9 is answered; the client's next requests 11 and 12 execute and are answered.
    replica.receive(2, invoke(prop(2, 9, '7')));
    replica.receive(2, invoke(prop(2, 11, '1')));
    replica.receive(1, decision(3, prop(2, 11, '1')));
    replica.receive(2, invoke(prop(2, 12, '1')));
    replica.receive(1, decision(4, prop(2, 12, '1')));
    expect(host.sends('Invoked').map((s) => (s.message as { prop: { clientId: number } }).prop.clientId)).toEqual([9, 11, 12]);
    host.clear();

    // The retransmission of 10 comes last: it is still answered, from the snapshot's output.
    replica.receive(2, invoke(prop(2, 10, '5')));
    expect(host.sends('Invoked')).toEqual([{ to: 2, message: { type: 'Invoked', replica: 2, prop: prop(2, 10, '5'), index: 1, output: 5 } }]);
    expect(host.logs.filter((l) => l.includes('no longer kept'))).toEqual([]);
  });
});
