/** The node's request table: one invoke per (client, request id), copies answered from it. */
import { describe, expect, it } from 'vitest';
import { RequestTable } from '../../src/cli/node/requestTable.js';
import { DeadlineExceededError, InvokeRefusedError, MemberStateError, MemberStoppedError } from '../../src/member/errors.js';

function table(answer: (command: unknown) => Promise<unknown>, limits = { remembered: 100, inFlight: 100 }) {
  const calls: unknown[] = [];
  const t = new RequestTable((command) => { calls.push(command); return answer(command); }, limits);
  return { t, calls };
}

describe('RequestTable', () => {
  it('runs a request once, however many copies arrive, before or after its answer', async () => {
    let release!: (v: unknown) => void;
    const first = new Promise((r) => { release = r; });
    const { t, calls } = table((command) => ((command as { amount: number }).amount === 5 && calls.length === 1 ? first : Promise.resolve('other')));
    const original = t.submit(70_000, 1, { op: 'deposit', amount: 5 }, false);
    const copy = t.submit(70_000, 1, { op: 'deposit', amount: 5 }, true);
    release({ ok: true, balance: 5 });
    expect(await original).toEqual({ ok: true, output: { ok: true, balance: 5 } });
    expect(await copy).toEqual({ ok: true, output: { ok: true, balance: 5 } });
    expect(await t.submit(70_000, 1, { op: 'deposit', amount: 5 }, false)).toEqual({ ok: true, output: { ok: true, balance: 5 } });
    expect(calls).toHaveLength(1);
    // Another client's request 1 is another request.
    await t.submit(70_001, 1, { op: 'deposit', amount: 5 }, false);
    expect(calls).toHaveLength(2);
  });

  it('refuses a request id sent again with another command', async () => {
    const { t, calls } = table(async () => 'ok');
    await t.submit(70_000, 7, { a: 1 }, false);
    expect(await t.submit(70_000, 7, { a: 2 }, false)).toMatchObject({ ok: false, error: 'BadRequest', indeterminate: false });
    expect(calls).toHaveLength(1);
  });

  it('answers a retry it has no record of as Unknown (indeterminate) instead of running it', async () => {
    const { t, calls } = table(async () => 'ok');
    expect(await t.submit(70_000, 3, { a: 1 }, true)).toMatchObject({ ok: false, error: 'Unknown', indeterminate: true });
    expect(calls).toHaveLength(0);
  });

  it('maps the member\'s errors to determinate and indeterminate answers', async () => {
    const errors = [new DeadlineExceededError(1, 10), new MemberStoppedError(1), new InvokeRefusedError(1, 'input-too-long'), new TypeError('not JSON'), new MemberStateError('not started')];
    const { t } = table(async () => { throw errors.shift(); });
    expect(await t.submit(1e5, 1, 1, false)).toMatchObject({ error: 'DeadlineExceeded', indeterminate: true });
    expect(await t.submit(1e5, 2, 1, false)).toMatchObject({ error: 'Stopped', indeterminate: true });
    expect(await t.submit(1e5, 3, 1, false)).toMatchObject({ error: 'Refused', indeterminate: false });
    expect(await t.submit(1e5, 4, 1, false)).toMatchObject({ error: 'BadRequest', indeterminate: false });
    expect(await t.submit(1e5, 5, 1, false)).toMatchObject({ error: 'Stopped', indeterminate: true });
    // Each answered, failures included: the progress monitor counts answers, not successes.
    expect(t.answered).toBe(5);
  });

  it('reports how long the oldest request still in flight has waited, not the oldest answered one', async () => {
    let clock = 1_000;
    let release!: (v: unknown) => void;
    const t = new RequestTable((command) => (command === 'slow' ? new Promise((r) => { release = r; }) : Promise.resolve('fast')), { remembered: 10, inFlight: 10 }, () => clock);
    expect(t.oldestWaitMs()).toBe(0);
    await t.submit(1e5, 1, 'fast', false);
    clock = 1_030;
    const slow = t.submit(1e5, 2, 'slow', false);
    clock = 1_100;
    expect(t.oldestWaitMs()).toBe(70);
    release('done');
    await slow;
    expect(t.oldestWaitMs()).toBe(0);
    expect(t.answered).toBe(2);
  });

  it('is Busy beyond its in-flight limit, and forgets the oldest answers beyond its memory', async () => {
    const pending: ((v: unknown) => void)[] = [];
    const { t } = table(() => new Promise((r) => pending.push(r)), { remembered: 2, inFlight: 2 });
    const a = t.submit(1e5, 1, 'a', false);
    const b = t.submit(1e5, 2, 'b', false);
    expect(await t.submit(1e5, 3, 'c', false)).toMatchObject({ error: 'Busy', indeterminate: false });
    expect(t.inFlight).toBe(2);
    pending.forEach((r) => r('done'));
    await Promise.all([a, b]);
    const c = t.submit(1e5, 3, 'c', false);
    pending.at(-1)!('done');
    await c;
    // Request 1 was the oldest answer: forgotten, so its retry is Unknown; request 3 is remembered.
    expect(await t.submit(1e5, 1, 'a', true)).toMatchObject({ error: 'Unknown' });
    expect(await t.submit(1e5, 3, 'c', true)).toEqual({ ok: true, output: 'done' });
  });

  it('remembers exactly `remembered` answers: the last that many retries get their answer, the one before is Unknown', async () => {
    // One fewer would turn a client's retry within the documented memory into an indeterminate answer.
    const { t, calls } = table(async (command) => `done ${String(command)}`, { remembered: 3, inFlight: 10 });
    for (let request = 1; request <= 4; request++) await t.submit(1e5, request, `r${request}`, false);
    expect(await t.submit(1e5, 1, 'r1', true)).toMatchObject({ error: 'Unknown' });
    for (let request = 2; request <= 4; request++) {
      expect(await t.submit(1e5, request, `r${request}`, true), `request ${request}`).toEqual({ ok: true, output: `done r${request}` });
    }
    expect(calls).toHaveLength(4);
  });

  it('never forgets a request still in flight: answers pushed past its memory evict only answered ones', async () => {
    let release!: (v: unknown) => void;
    const hanging = new Promise((r) => { release = r; });
    let clock = 1_000;
    const calls: unknown[] = [];
    const t = new RequestTable(
      (command) => { calls.push(command); return command === 'slow' ? hanging : Promise.resolve(`done ${String(command)}`); },
      { remembered: 2, inFlight: 10 },
      () => clock,
    );
    const slow = t.submit(1e5, 1, 'slow', false);
    // Four answers with room for two: the table evicts, and request 1 (the oldest) is still in flight.
    for (let request = 2; request <= 5; request++) {
      expect(await t.submit(1e5, request, `r${request}`, false)).toEqual({ ok: true, output: `done r${request}` });
    }
    expect(await t.submit(1e5, 2, 'r2', true)).toMatchObject({ error: 'Unknown' }); // evicted: the limit did bite
    expect(t.inFlight).toBe(1);
    clock += 50;
    const waited = t.oldestWaitMs(); // checked below, after the answers

    // The client lost its reply and sends request 1 again (here and, unmarked, after a reconnect):
    // both copies join the one invoke instead of being answered Unknown or running it twice.
    const retried = t.submit(1e5, 1, 'slow', true);
    const resent = t.submit(1e5, 1, 'slow', false);
    release('slow answer');
    expect(await slow).toEqual({ ok: true, output: 'slow answer' });
    expect(await retried).toEqual({ ok: true, output: 'slow answer' });
    expect(await resent).toEqual({ ok: true, output: 'slow answer' });
    expect(calls.filter((c) => c === 'slow')).toHaveLength(1);
    expect(waited).toBe(50); // the progress monitor saw request 1 waiting
    expect(t.inFlight).toBe(0);
    // Answered, it is remembered like any other answer.
    expect(await t.submit(1e5, 1, 'slow', true)).toEqual({ ok: true, output: 'slow answer' });
  });

  it('keys a request by client id AND request id: client 65536 request 12 is not client 655361 request 2', async () => {
    const { t, calls } = table(async (command) => `ran ${String(command)}`);
    // One command text for both, so that a table confusing the two would answer the second from the first's entry.
    expect(await t.submit(65_536, 12, 'same', false)).toEqual({ ok: true, output: 'ran same' });
    expect(await t.submit(655_361, 2, 'same', false)).toEqual({ ok: true, output: 'ran same' });
    expect(calls, 'each client\'s request is invoked once, the two are distinct').toHaveLength(2);
    // And a retry of the second client's request is answered from its own entry, not refused as another's.
    expect(await t.submit(655_361, 2, 'same', true)).toEqual({ ok: true, output: 'ran same' });
    expect(await t.submit(6_553, 612, 'x', true)).toMatchObject({ error: 'Unknown' });
  });

  it('frees the in-flight place of a request that failed: a node whose invokes time out is not Busy for ever', async () => {
    const { t } = table(async (command) => { if (command === 'lost') throw new DeadlineExceededError(1, 10); return 'ok'; }, { remembered: 10, inFlight: 1 });
    for (let request = 1; request <= 3; request++) {
      expect(await t.submit(1e5, request, 'lost', false)).toMatchObject({ error: 'DeadlineExceeded' });
      expect(t.inFlight, `after failed request ${request}`).toBe(0);
    }
    expect(await t.submit(1e5, 4, 'fine', false)).toEqual({ ok: true, output: 'ok' });
    expect(t.inFlight).toBe(0);
  });
});
