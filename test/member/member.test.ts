import { afterEach, describe, expect, it } from 'vitest';
import { DeadlineExceededError, InvokeRefusedError, MemberStateError, MemberStoppedError } from '../../src/member/errors.js';
import { InMemoryNetwork } from '../../src/member/inMemoryTransport.js';
import { Member } from '../../src/member/member.js';
import { defaultNodeFactory, type NodeFactory } from '../../src/member/nodeFactory.js';
import type { ClientResult, Output } from '../../src/node/api.js';
import { Prng } from '../../src/sim/prng.js';
import { MemoryDurableLog } from '../../src/storage/memoryLog.js';
import { bank } from '../../src/statemachines/bank.js';
import { FAST_TIMING, inMemoryCluster, setupAccounts } from './cluster.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

describe('Member over the in-memory transport', () => {
  it('invokes commands and returns the state machine outputs', async () => {
    const c = inMemoryCluster(3);
    cleanups.push(c.stop);
    const m = c.members[0]!;
    await setupAccounts(m);
    expect(await m.invoke({ op: 'deposit', account: 'a', amount: 50 })).toEqual({ ok: true, op: 'deposit', account: 'a', balance: 50 });
    expect(await c.members[2]!.invoke({ op: 'transfer', from: 'a', to: 'b', amount: 20 })).toEqual({ ok: true, op: 'transfer', from: 'a', to: 'b', amount: 20 });
    expect(await c.members[1]!.invoke({ op: 'transfer', from: 'a', to: 'b', amount: 31 })).toMatchObject({ ok: false, error: 'InsufficientFunds' });
    expect(await m.invoke({ op: 'balance', account: 'b' })).toMatchObject({ balance: 20 });
  });

  it('hands its node the trace sink it was given', async () => {
    const events: { node: number; action: string }[] = [];
    const c = inMemoryCluster(3, { member: { trace: (e) => events.push({ node: e.node, action: e.action }) } });
    cleanups.push(c.stop);
    await setupAccounts(c.members[0]!);
    expect(new Set(events.map((e) => e.node))).toEqual(new Set([1, 2, 3]));
    expect(events.some((e) => e.action === 'ReplicaExecute')).toBe(true);
  });

  it('resolves parallel invokes in invocation order, each executed once', async () => {
    const c = inMemoryCluster(3);
    cleanups.push(c.stop);
    const m = c.members[1]!;
    await setupAccounts(m);
    const order: number[] = [];
    const all = Array.from({ length: 12 }, (_, i) => m.invoke({ op: 'deposit', account: 'a', amount: 1 }).then((out) => { order.push(i); return out; }));
    const outs = await Promise.all(all);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    // Every deposit ran exactly once: the balances seen are 1..12 in some order, total 12.
    expect(outs.map((o) => (o as { balance: number }).balance).sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
  });

  // On a reliable network results reach the member in invocation order anyway, so the test
  // above passes with a member that resolves each promise as its result arrives. Here the
  // node holds back the first request's result until a later one has been handed over.
  it('resolves in invocation order when its node hands results over out of order', async () => {
    const handed: number[] = [];
    const firstLast: NodeFactory = (id, peers, options, env) => {
      const node = defaultNodeFactory(id, peers, options, env);
      let held: ClientResult | undefined;
      let laterSeen = false;
      const reorder = (out: Output): Output => {
        if (out.results.length === 0) return out;
        const results: ClientResult[] = [];
        for (const r of out.results) {
          if (r.clientId === 1 && !laterSeen) held = r;
          else { results.push(r); laterSeen ||= r.clientId !== 1; }
        }
        // Released behind the first later result (or at once, if one came before it).
        if (held !== undefined && laterSeen) { results.push(held); held = undefined; }
        for (const r of results) handed.push(r.clientId);
        return { ...out, results };
      };
      return new Proxy(node, {
        get(target, prop, receiver) {
          const v = Reflect.get(target, prop, receiver) as unknown;
          if (typeof v !== 'function') return v;
          return (...args: unknown[]) => {
            const out = (v as (...a: unknown[]) => unknown).apply(target, args);
            return out !== null && typeof out === 'object' && Array.isArray((out as Output).results) ? reorder(out as Output) : out;
          };
        },
      });
    };
    const c = inMemoryCluster(3, { member: { createNode: firstLast } });
    cleanups.push(c.stop);
    const m = c.members[0]!;
    const settled: number[] = [];
    const accounts = ['x0', 'x1', 'x2', 'x3'];
    const outs = await Promise.all(accounts.map((account, i) => m.invoke({ op: 'open', account }).then((out) => { settled.push(i); return out; })));
    // The premise: the node handed the second request's result over before the first's.
    expect(handed.indexOf(2)).toBeLessThan(handed.indexOf(1));
    expect(settled).toEqual([0, 1, 2, 3]);
    expect(outs.map((o) => (o as { account: string }).account)).toEqual(accounts);
  });

  it('executes each request once despite 20% message loss', async () => {
    const rng = Prng.fromSeed(11);
    const c = inMemoryCluster(3, { net: { drop: () => rng.chance(0.2) } });
    cleanups.push(c.stop);
    const m = c.members[0]!;
    await setupAccounts(m);
    for (let i = 0; i < 5; i++) await m.invoke({ op: 'deposit', account: 'a', amount: 10 });
    expect(await c.members[2]!.invoke({ op: 'balance', account: 'a' })).toMatchObject({ balance: 50 });
  });

  it('rejects with DeadlineExceededError when no majority is up', async () => {
    const c = inMemoryCluster(3, { start: [1], member: { deadlineMs: 300 } });
    cleanups.push(c.stop);
    const started = Date.now();
    await expect(c.members[0]!.invoke({ op: 'open', account: 'a' })).rejects.toBeInstanceOf(DeadlineExceededError);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('a member cut off from the others times out, then works again once reconnected', async () => {
    const c = inMemoryCluster(3, { member: { deadlineMs: 400 } });
    cleanups.push(c.stop);
    await setupAccounts(c.members[0]!);
    c.net.disconnect(3);
    await expect(c.members[2]!.invoke({ op: 'open', account: 'c' })).rejects.toBeInstanceOf(DeadlineExceededError);
    c.net.disconnect(3, false);
    // The timed-out request may still execute (at most once), so either answer is right.
    const again = await c.members[2]!.invoke({ op: 'open', account: 'c' });
    expect(again.ok ? 'ok' : again.error).toMatch(/^(ok|AccountExists)$/);
    expect(await c.members[2]!.invoke({ op: 'balance', account: 'c' })).toMatchObject({ ok: true, balance: 0 });
  });

  it('keeps invocation order when an earlier request times out', async () => {
    const c = inMemoryCluster(3, { start: [1], member: { deadlineMs: 200 } });
    cleanups.push(c.stop);
    const m = c.members[0]!;
    const settled: string[] = [];
    const a = m.invoke({ op: 'open', account: 'a' }).catch((e: Error) => { settled.push(`a:${e.name}`); });
    const b = m.invoke({ op: 'open', account: 'b' }).catch((e: Error) => { settled.push(`b:${e.name}`); });
    await Promise.all([a, b]);
    expect(settled).toEqual(['a:DeadlineExceededError', 'b:DeadlineExceededError']);
  });

  it('names misuse: invoke before start, after stop, unserialisable or too-long input', async () => {
    const net = new InMemoryNetwork();
    const m = new Member(bank, net.transport(1), [1], { id: 1, timing: FAST_TIMING, limits: { maxInputLength: 64 } });
    await expect(m.invoke({ op: 'open', account: 'a' })).rejects.toBeInstanceOf(MemberStateError);
    m.start();
    expect(() => m.start()).toThrow(MemberStateError);
    await expect(m.invoke(undefined)).rejects.toThrow(/JSON-serialisable/);
    await expect(m.invoke({ op: 'open', account: 'x'.repeat(100) })).rejects.toBeInstanceOf(InvokeRefusedError);
    expect(await m.invoke({ op: 'open', account: 'solo' })).toMatchObject({ ok: true });
    m.stop();
    m.stop();
    await expect(m.invoke({ op: 'open', account: 'b' })).rejects.toBeInstanceOf(MemberStateError);
    expect(() => new Member(bank, net.transport(9), [1, 2], { id: 9 })).toThrow(/not among peers/);
  });

  it('stop() rejects pending invokes with MemberStoppedError', async () => {
    const c = inMemoryCluster(3, { start: [1] });
    cleanups.push(c.stop);
    const pending = c.members[0]!.invoke({ op: 'open', account: 'a' });
    c.members[0]!.stop();
    await expect(pending).rejects.toBeInstanceOf(MemberStoppedError);
  });

  it('retries a request the node refused for now with the same client id; it executes once', async () => {
    const ids: number[] = [];
    let refusals = 2;
    const refusing: NodeFactory = (id, peers, options, env) => {
      const node = defaultNodeFactory(id, peers, options, env);
      const invoke = node.invoke.bind(node);
      return Object.assign(node, {
        invoke: (cid: number, input: string) => {
          ids.push(cid);
          if (refusals-- > 0) return { durable: [], messages: [], timers: [], results: [], refused: 'too-many-pending' as const };
          return invoke(cid, input);
        },
      });
    };
    const c = inMemoryCluster(3, { member: { retryMs: 20 } });
    cleanups.push(c.stop);
    await setupAccounts(c.members[0]!);
    c.members[1]!.stop();
    const m2 = new Member(bank, c.net.transport(2), c.peers, { id: 2, timing: FAST_TIMING, retryMs: 20, clientIdBase: 500, createNode: refusing, startAs: 'join', storage: new MemoryDurableLog(2) });
    cleanups.push(() => m2.stop());
    m2.start();
    expect(await m2.invoke({ op: 'deposit', account: 'a', amount: 7 })).toMatchObject({ ok: true, balance: 7 });
    expect(ids).toEqual([500, 500, 500]);
    expect(await c.members[0]!.invoke({ op: 'balance', account: 'a' })).toMatchObject({ balance: 7 });
  });

  it('a member restarted over its storage rejoins the running cluster and serves invokes', async () => {
    const storages = [new MemoryDurableLog(1), new MemoryDurableLog(2), new MemoryDurableLog(3)];
    const c = inMemoryCluster(3);
    cleanups.push(c.stop);
    c.members.forEach((m) => m.stop());
    const members = c.peers.map((id) => new Member(bank, c.net.transport(id), c.peers, { id, storage: storages[id - 1], timing: FAST_TIMING, clientIdBase: 1 }));
    cleanups.push(() => members.forEach((m) => m.stop()));
    members.forEach((m) => m.start());
    await setupAccounts(members[0]!);
    await members[0]!.invoke({ op: 'deposit', account: 'a', amount: 5 });
    members[2]!.stop();
    storages[2]!.crash(); // a power loss: only what was synced survives
    const again = new Member(bank, c.net.transport(3), c.peers, { id: 3, storage: storages[2], startAs: 'join', timing: FAST_TIMING, clientIdBase: 1000 });
    cleanups.push(() => again.stop());
    again.start();
    expect(await again.invoke({ op: 'deposit', account: 'a', amount: 7 })).toMatchObject({ ok: true, balance: 12 });
    expect(await members[1]!.invoke({ op: 'balance', account: 'a' })).toMatchObject({ balance: 12 });
  });
});
