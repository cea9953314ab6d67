/**
 * Where envelopes are validated: by every real host (a Member over any Transport) always, and
 * skipped only by a host that passes the IN_PROCESS_HOST token (the simulator).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Envelope, NodeEnvironment } from '../../src/node/api.js';
import { IN_PROCESS_HOST } from '../../src/node/inProcessHost.js';
import { Node } from '../../src/node/node.js';
import { InMemoryNetwork } from '../../src/member/inMemoryTransport.js';
import { Member } from '../../src/member/member.js';
import { defaultNodeFactory } from '../../src/member/nodeFactory.js';
import { InvariantViolation } from '../../src/protocol/assert.js';
import { DEFAULT_LIMITS } from '../../src/protocol/limits.js';
import { bank } from '../../src/statemachines/bank.js';
import { FAST_TIMING } from '../member/cluster.js';
import { counter } from '../roles/fake-host.js';

const B = { num: 1, leader: 2 };
const badPrepare = { from: 2, to: 1, clock: 3, message: { type: 'Prepare', ballot: { num: 'one', leader: 2 } } };

describe('a Member over a real transport', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => { for (const c of cleanups.splice(0)) c(); });

  it('rejects a malformed envelope from its transport with a clear log line, and still decides', async () => {
    const net = new InMemoryNetwork();
    const peers = [1, 2, 3];
    const logs: string[] = [];
    const envs: NodeEnvironment[] = [];
    const members = peers.map((id) => new Member(bank, net.transport(id), peers, {
      id, timing: FAST_TIMING, clientIdBase: 1,
      ...(id === 1 ? { log: (line: string) => logs.push(line) } : {}),
      createNode: (nid, p, options, env) => { envs.push(env); return defaultNodeFactory(nid, p, options, env); },
    }));
    for (const m of members) m.start();
    cleanups.push(() => members.forEach((m) => m.stop()));

    // A sender on the same network that is not a cluster node speaks for node 2.
    const rogue = net.transport(99);
    rogue.send(badPrepare as unknown as Envelope);
    rogue.send({ from: 2, to: 1, clock: 1, message: { type: 'Invoke', replica: 1, prop: { caller: 2, clientId: 1, input: 'x' } } } as unknown as Envelope);
    await new Promise((resolve) => setTimeout(resolve, 20));

    expect(envs.every((env) => env.inputs === undefined)).toBe(true);
    const dropped = logs.filter((l) => l.includes('dropped invalid input'));
    expect(dropped).toHaveLength(2);
    expect(dropped[0]).toContain('Prepare message/ballot/num: must be integer');
    expect(dropped[1]).toContain('Invoke message: node-local');
    await members[0]!.invoke({ op: 'open', account: 'a' });
    expect(await members[2]!.invoke({ op: 'balance', account: 'a' })).toMatchObject({ ok: true, balance: 0 });
  });
});

describe('a Node whose host vouches for its input', () => {
  const build = (inputs: unknown) => {
    const logs: string[] = [];
    const env = { durable: undefined, log: (l: string) => logs.push(l), inputs } as NodeEnvironment;
    const node = new Node(1, [1, 2, 3], env, { stateMachine: counter });
    node.start();
    return { node, logs };
  };

  it('validates unless given the IN_PROCESS_HOST token itself (true or a look-alike symbol is not enough)', () => {
    for (const inputs of [undefined, true, 'in-process', Symbol(IN_PROCESS_HOST.description)]) {
      const { node, logs } = build(inputs);
      expect(node.receive(badPrepare).messages).toEqual([]);
      expect(node.stats.invalidMessages).toBe(1);
      expect(logs[0]).toContain('Prepare message/ballot/num: must be integer');
    }
  });

  it('with the token, handles a well-formed envelope as a validating node does', () => {
    const prepare = { from: 2, to: 1, clock: 3, message: { type: 'Prepare', ballot: B } };
    const trusted = build(IN_PROCESS_HOST).node.receive(structuredClone(prepare));
    const checked = build(undefined).node.receive(structuredClone(prepare));
    expect(trusted).toEqual(checked);
    expect(trusted.messages.map((e) => e.message.type)).toEqual(['Promise']);
  });

  it('with the token, still drops what a real peer drops for size, with the schema\'s words', () => {
    const pvalues = (n: number) => Array.from({ length: n }, (_, i) => ({ ballot: B, slot: i + 1, prop: { caller: 2, clientId: 1, input: 'x' } }));
    const promise = (n: number) => ({ from: 2, to: 1, clock: 1, message: { type: 'Promise', acceptor: 2, ballot: { num: 0, leader: 1 }, promised: B, accepted: pvalues(n) } });
    for (const n of [DEFAULT_LIMITS.maxPValues, DEFAULT_LIMITS.maxPValues + 1]) {
      const trusted = build(IN_PROCESS_HOST);
      const checked = build(undefined);
      trusted.node.receive(promise(n));
      checked.node.receive(promise(n));
      expect(trusted.node.stats.invalidMessages).toBe(n > DEFAULT_LIMITS.maxPValues ? 1 : 0);
      expect(trusted.node.stats.invalidMessages).toBe(checked.node.stats.invalidMessages);
      expect(trusted.logs).toEqual(checked.logs);
    }
  });

  it('with the token, a misaddressed or node-local envelope is a host bug and stops the call loudly', () => {
    const { node } = build(IN_PROCESS_HOST);
    const prepare = { type: 'Prepare', ballot: B };
    expect(() => node.receive({ from: 2, to: 3, clock: 1, message: prepare })).toThrow(InvariantViolation);
    expect(() => node.receive({ from: 1, to: 1, clock: 1, message: prepare })).toThrow(InvariantViolation);
    expect(() => node.receive({ from: 7, to: 1, clock: 1, message: prepare })).toThrow(InvariantViolation);
    expect(() => node.receive({ from: 2, to: 1, clock: 1, message: { type: 'Preempted', leader: 1, ballot: B } })).toThrow(InvariantViolation);
  });
});
