import { describe, expect, it } from 'vitest';
import { Requester, REQUESTER_RETRANSMIT_TIMER } from '../../src/roles/requester.js';
import { FakeHost, prop, specOf } from './fake-host.js';

function requesterOn(options: ConstructorParameters<typeof FakeHost>[0] = {}) {
  const host = new FakeHost({ self: 2, ...options });
  const requester = new Requester(host);
  host.addRole(requester);
  host.clear();
  return { host, requester };
}

describe('Requester', () => {
  it('invokes a request: records it and sends Invoke to the replica of its own node', () => {
    const { host, requester } = requesterOn();

    expect(requester.invoke(7, 'add 1')).toBe('ok');

    expect(host.actions()).toEqual(['RequesterInvoke']);
    expect(host.journal.find((e) => e.kind === 'action')).toMatchObject({ params: { proposal: prop(2, 7, 'add 1') } });
    expect(host.sends()).toEqual([{ to: 2, message: { type: 'Invoke', replica: 2, prop: prop(2, 7, 'add 1') } }]);
    expect(host.timers()).toEqual([{ name: REQUESTER_RETRANSMIT_TIMER, key: '7' }]);
    expect(specOf(requester).invoked).toEqual([prop(2, 7, 'add 1')]);
  });

  it('re-sending after a restart is a retransmission, not a new RequesterInvoke', () => {
    const { host, requester } = requesterOn();

    expect(requester.invoke(7, 'x', true)).toBe('ok');

    expect(host.actions()).toEqual([]);
    expect(host.sends()).toEqual([{ to: 2, message: { type: 'Invoke', replica: 2, prop: prop(2, 7, 'x') } }]);
    expect(specOf(requester).invoked).toEqual([]);
    expect(requester.invoke(7, 'x')).toBe('duplicate-client-id');
    requester.receive(2, { type: 'Invoked', replica: 2, prop: prop(2, 7, 'x'), index: 1, output: 3 });
    expect(host.journal.at(-1)).toEqual({ kind: 'result', clientId: 7, output: 3 });
  });

  it('takes a retry again once answered, but not a new request with the retried id', () => {
    const { host, requester } = requesterOn();
    expect(requester.invoke(7, 'x', true)).toBe('ok');
    requester.receive(2, { type: 'Invoked', replica: 2, prop: prop(2, 7, 'x'), index: 1, output: 3 });
    // A replica would answer it from its table with the output of 'x'.
    expect(requester.invoke(7, 'y')).toBe('duplicate-client-id');
    expect(requester.invoke(7, 'x', true)).toBe('ok');
    expect(host.actions()).toEqual([]);
  });

  it('refuses a clientId it already used, and more than maxPendingRequests at once', () => {
    const { requester } = requesterOn({ limits: { maxPendingRequests: 2 } });
    requester.invoke(1, 'a');

    expect(requester.invoke(1, 'b')).toBe('duplicate-client-id');
    expect(requester.invoke(2, 'b')).toBe('ok');
    expect(requester.invoke(3, 'c')).toBe('too-many-pending');
  });

  it('a request refused as too many pending leaves its client id free: the host retries it with that id later', () => {
    // The host (Member.offer, the simulator) re-offers a refused request under the same id. Had
    // the refusal marked the id used (a reviewer's bug), the retry would be 'duplicate-client-id',
    // which a host reads as "already sent": the request would never leave and never be answered.
    const { host, requester } = requesterOn({ limits: { maxPendingRequests: 1 } });
    expect(requester.invoke(1, 'a')).toBe('ok');
    expect(requester.invoke(2, 'b')).toBe('too-many-pending');
    requester.receive(2, { type: 'Invoked', replica: 2, prop: prop(2, 1, 'a'), index: 1, output: 'A' });
    host.clear();

    expect(requester.invoke(2, 'b')).toBe('ok');
    expect(host.sends()).toEqual([{ to: 2, message: { type: 'Invoke', replica: 2, prop: prop(2, 2, 'b') } }]);
    requester.receive(2, { type: 'Invoked', replica: 2, prop: prop(2, 2, 'b'), index: 2, output: 'B' });
    expect(host.journal.at(-1)).toEqual({ kind: 'result', clientId: 2, output: 'B' });
  });

  it('hands the output of its request to the client once, ignoring duplicates and strangers', () => {
    const { host, requester } = requesterOn();
    requester.invoke(7, 'x');
    host.clear();

    requester.receive(1, { type: 'Invoked', replica: 2, prop: prop(3, 7, 'x'), index: 1, output: 'not mine' });
    requester.receive(1, { type: 'Invoked', replica: 2, prop: prop(2, 7, 'x'), index: 1, output: 42 });
    requester.receive(3, { type: 'Invoked', replica: 2, prop: prop(2, 7, 'x'), index: 1, output: 42 });

    expect(host.journal).toEqual([{ kind: 'result', clientId: 7, output: 42 }]);
    expect(requester.pendingCount).toBe(0);
  });

  it('retransmits a pending Invoke on its timer, and stops once answered', () => {
    const { host, requester } = requesterOn();
    requester.invoke(7, 'x');
    host.clear();

    requester.onTimer(REQUESTER_RETRANSMIT_TIMER, '7');
    expect(host.sends()).toEqual([{ to: 2, message: { type: 'Invoke', replica: 2, prop: prop(2, 7, 'x') } }]);
    expect(host.actions()).toEqual([]);

    requester.receive(2, { type: 'Invoked', replica: 2, prop: prop(2, 7, 'x'), index: 1, output: 1 });
    host.clear();
    requester.onTimer(REQUESTER_RETRANSMIT_TIMER, '7');
    expect(host.journal).toEqual([]);
  });
});
