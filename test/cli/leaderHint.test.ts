/**
 * Leader hints (client/protocol.ts): a node names the leader it follows when a connection
 * opens and in the answers it gives while it does not lead; a LeaderClient and `paxos
 * invoke` go there, follow a change, and ignore a hint they cannot use. Two live client
 * ports with stub handlers play a follower and the leader; which one's handler runs says
 * where each request went.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ClientConnection } from '../../src/cli/client/connection.js';
import { LeaderClient } from '../../src/cli/client/leaderClient.js';
import { CLIENT_ID_MIN, leaderHint } from '../../src/cli/client/protocol.js';
import { ClientServer } from '../../src/cli/client/server.js';
import { invokeCommand, invokeOnce } from '../../src/cli/commands/invoke.js';
import { Logger } from '../../src/cli/log.js';
import { LEADER_HINT_REFRESH_MS, LeaderHint } from '../../src/cli/node/leaderHint.js';
import type { NodeApi } from '../../src/node/api.js';
import { captureIo } from './helpers.js';

const KEY = randomBytes(32);

/** A node's client port whose leader() is whatever `leads` holds for it now. */
interface StubNode { server: ClientServer; invoked: number[] }
const leads = new Map<number, unknown>();
const nodes = new Map<number, StubNode>();

async function stubNode(id: number): Promise<StubNode> {
  const invoked: number[] = [];
  const server = await ClientServer.listen({
    node: id, incarnation: 1, key: KEY, host: '127.0.0.1', port: 0,
    logger: new Logger({ node: id, write: () => undefined }),
    handlers: {
      invoke: async (_client, request) => { invoked.push(request); return { ok: true, output: { node: id } }; },
      status: () => { throw new Error('not used'); },
      state: () => { throw new Error('not used'); },
      leader: () => leads.get(id) as number | null,
    },
  });
  return { server, invoked };
}

const address = (id: number) => ({ host: '127.0.0.1', port: nodes.get(id)!.server.port });
const addresses = () => new Map([1, 2].map((id) => [id, address(id)] as const));
const clear = () => nodes.forEach((n) => { n.invoked.length = 0; });

beforeAll(async () => {
  for (const id of [1, 2]) nodes.set(id, await stubNode(id));
});
afterAll(() => nodes.forEach((n) => n.server.close()));

describe('leader hints on the wire', () => {
  it('a follower names its leader when the connection opens and in each answer; the leader names nobody else', async () => {
    leads.set(1, 2).set(2, 2);
    const atFollower = await ClientConnection.open({ address: address(1), key: KEY, clientId: CLIENT_ID_MIN + 1 });
    const atLeader = await ClientConnection.open({ address: address(2), key: KEY, clientId: CLIENT_ID_MIN + 1 });
    expect([atFollower.leader, atLeader.leader]).toEqual([2, undefined]);
    leads.set(1, null);
    // The outcome itself carries no hint field: only the connection keeps it.
    expect(await atFollower.invoke(1, 'x')).toEqual({ ok: true, output: { node: 1 } });
    expect(atFollower.leader).toBeUndefined();
    atFollower.close();
    atLeader.close();
  });

  it('takes only a node id as a hint', () => {
    expect([3, 1, CLIENT_ID_MIN - 1].map(leaderHint)).toEqual([3, 1, CLIENT_ID_MIN - 1]);
    expect([0, -1, 2.5, CLIENT_ID_MIN, '2', null, undefined, Number.NaN].map(leaderHint)).toEqual(Array(8).fill(undefined));
  });
});

describe('LeaderClient', () => {
  it('opens at any node, moves to the leader it names, and follows a new leader named in an answer', async () => {
    leads.set(1, 2).set(2, 2);
    clear();
    const client = await LeaderClient.open({ nodes: addresses(), key: KEY, clientId: CLIENT_ID_MIN + 2, first: 1 });
    expect(client.node).toBe(2);
    expect(await client.invoke(1, 'a')).toEqual({ ok: true, output: { node: 2 } });
    // Node 2 lost the lead to node 1: its next answer says so, and the client moves.
    leads.set(2, 1).set(1, 1);
    expect(await client.invoke(2, 'b')).toEqual({ ok: true, output: { node: 2 } });
    await until(() => client.node === 1);
    expect(await client.invoke(3, 'c')).toEqual({ ok: true, output: { node: 1 } });
    expect([nodes.get(1)!.invoked, nodes.get(2)!.invoked]).toEqual([[3], [1, 2]]);
    expect(client.moves).toBe(2);
    client.close();
  });

  it('stays where it is, and says why, when the hint names a node it does not know or is not a node id', async () => {
    leads.set(1, 9);
    clear();
    const notes: string[] = [];
    const client = await LeaderClient.open({ nodes: addresses(), key: KEY, clientId: CLIENT_ID_MIN + 3, first: 1, note: (m) => notes.push(m) });
    expect(client.node).toBe(1);
    expect(notes.join('\n')).toMatch(/names node 9 as its leader, which is not among the nodes: staying with node 1/);
    leads.set(1, 'node 2');
    expect(await client.invoke(1, 'a')).toMatchObject({ ok: true, output: { node: 1 } });
    expect(client.node).toBe(1);
    client.close();
  });
});

describe('a leader that cannot be reached', () => {
  it('LeaderClient and invokeOnce stay with the node that answered, and say why', async () => {
    const closed = await stubNode(3);
    const gone = { host: '127.0.0.1', port: closed.server.port };
    closed.server.close();
    leads.set(1, 3);
    clear();
    const nodesWithGone = new Map([...addresses(), [3, gone]]);
    const notes: string[] = [];
    const client = await LeaderClient.open({ nodes: nodesWithGone, key: KEY, clientId: CLIENT_ID_MIN + 5, first: 1, timeoutMs: 2_000, note: (m) => notes.push(m) });
    expect(client.node).toBe(1);
    expect(notes.join('\n')).toMatch(/node 3, named as leader by node 1, cannot be reached .*: staying with node 1/);
    expect(await client.invoke(1, 'a')).toMatchObject({ ok: true, output: { node: 1 } });
    client.close();
    const said: string[] = [];
    const outcome = await invokeOnce({ nodes: nodesWithGone, key: KEY, clientId: CLIENT_ID_MIN + 6, timeoutMs: 2_000 }, [1, 2, 3], 2, 'b', (m) => said.push(m));
    expect(outcome).toEqual({ ok: true, output: { node: 1 } });
    expect(said.join('\n')).toMatch(/node 3: /);
    expect(nodes.get(1)!.invoked).toEqual([1, 2]);
  });
});

describe('a leader that cannot be reached, named again in every answer', () => {
  it('LeaderClient dials it once, then holds for a while instead of dialling after every answer', async () => {
    const closed = await stubNode(3);
    const gone = { host: '127.0.0.1', port: closed.server.port };
    closed.server.close();
    leads.set(1, 3);
    clear();
    const notes: string[] = [];
    const unreachable = () => notes.filter((m) => /node 3, named as leader by node 1, cannot be reached/.test(m)).length;
    // The hold is read from Date.now(): a fake Date stands still however slow the machine, and
    // moves past the hold only when the test says so (timers and sockets stay real).
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const client = await LeaderClient.open({ nodes: new Map([...addresses(), [3, gone]]), key: KEY, clientId: CLIENT_ID_MIN + 7, first: 1, timeoutMs: 2_000, note: (m) => notes.push(m) });
      expect(unreachable()).toBe(1);
      for (let request = 1; request <= 5; request++) expect(await client.invoke(request, 'a')).toMatchObject({ ok: true, output: { node: 1 } });
      await new Promise((r) => setTimeout(r, 100)); // a follow() started by an answer would have failed by now
      expect(unreachable(), notes.join('\n')).toBe(1);
      // Once the hold is over, the next answer naming node 3 makes the client try it again.
      vi.setSystemTime(Date.now() + 1_001);
      expect(await client.invoke(6, 'a')).toMatchObject({ ok: true, output: { node: 1 } });
      await new Promise((r) => setTimeout(r, 100));
      expect(unreachable(), notes.join('\n')).toBe(2);
      expect(client.node).toBe(1);
      client.close();
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('paxos invoke (invokeOnce)', () => {
  const setup = () => ({ nodes: addresses(), key: KEY, clientId: CLIENT_ID_MIN + 4, timeoutMs: 5_000 });

  it('sends the command to the leader the first node names, and only there', async () => {
    leads.set(1, 2).set(2, 2);
    clear();
    const notes: string[] = [];
    expect(await invokeOnce(setup(), [1, 2], 7, { op: 'x' }, (m) => notes.push(m))).toEqual({ ok: true, output: { node: 2 } });
    expect([nodes.get(1)!.invoked, nodes.get(2)!.invoked, notes]).toEqual([[], [7], []]);
  });

  it('asks the first node when told not to follow, or when its hint names no node of the list', async () => {
    leads.set(1, 2);
    clear();
    expect(await invokeOnce(setup(), [1, 2], 8, 'y', () => undefined, false)).toEqual({ ok: true, output: { node: 1 } });
    leads.set(1, 5);
    const notes: string[] = [];
    expect(await invokeOnce(setup(), [1, 2], 9, 'z', (m) => notes.push(m))).toEqual({ ok: true, output: { node: 1 } });
    expect(notes).toEqual(['node 1 names node 5 as its leader, which is not in the node list: asking node 1']);
    expect([nodes.get(1)!.invoked, nodes.get(2)!.invoked]).toEqual([[8, 9], []]);
  });

  it('paxos invoke --node K asks node K first (the others after it, in turn)', async () => {
    leads.set(1, null).set(2, null);
    clear();
    const keyFile = join(mkdtempSync(join(tmpdir(), 'invoke-node-')), 'cluster.key');
    writeFileSync(keyFile, `${KEY.toString('hex')}\n`, { mode: 0o600 });
    const clients = [1, 2].map((id) => `${id}=127.0.0.1:${address(id).port}`).join(',');
    for (const node of [2, 1]) {
      const io = captureIo();
      const code = await invokeCommand(['--clients', clients, '--key-file', keyFile, '--node', String(node), '--request-id', String(20 + node), '--no-redirect', '"x"'], io);
      expect(code, io.stderr.join('\n')).toBe(0);
      expect(io.stdout).toEqual([JSON.stringify({ node })]);
    }
    expect([nodes.get(1)!.invoked, nodes.get(2)!.invoked]).toEqual([[21], [22]]);
  });
});

describe('LeaderHint (the node side)', () => {
  function fakeNode(state: { active: boolean; promisedLeader: number }, reads: { count: number }): NodeApi {
    return {
      id: 3,
      activeBallot: () => (state.active ? { num: 1, leader: 3 } : undefined),
      specState: () => { reads.count++; return { aBallot: { num: 1, leader: state.promisedLeader } }; },
    } as unknown as NodeApi;
  }

  it('names itself while it leads, else the leader it promised, read at most once per refresh period', () => {
    const state = { active: false, promisedLeader: 0 };
    const reads = { count: 0 };
    let now = 1_000;
    const hint = new LeaderHint(() => fakeNode(state, reads), () => now);
    expect(hint.current()).toBeNull();
    state.promisedLeader = 2;
    expect(hint.current()).toBeNull(); // still the cached answer
    now += LEADER_HINT_REFRESH_MS;
    expect(hint.current()).toBe(2);
    expect(reads.count).toBe(2);
    state.active = true;
    expect(hint.current()).toBe(3);
    expect(reads.count).toBe(2);
  });
});

async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !done(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(done()).toBe(true);
}

describe('LeaderClient moving while a request is still in flight', () => {
  it('closes the old connection only once its last answer is in: a request sent before the move is answered, not lost', async () => {
    // Closing it at the move would reject the pending call as lost after sending (indeterminate),
    // though the node it went to executed it and was about to answer.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => { release = resolve; });
    const slowNode = await ClientServer.listen({
      node: 4, incarnation: 1, key: KEY, host: '127.0.0.1', port: 0,
      logger: new Logger({ node: 4, write: () => undefined }),
      handlers: {
        invoke: async (_client, request) => { if (request === 2) await gate; return { ok: true, output: { node: 4, request } }; },
        status: () => { throw new Error('not used'); },
        state: () => { throw new Error('not used'); },
        leader: () => leads.get(4) as number | null,
      },
    });
    try {
      leads.set(4, null).set(2, 2);
      clear();
      const client = await LeaderClient.open({
        nodes: new Map([[4, { host: '127.0.0.1', port: slowNode.port }], [2, address(2)]]), key: KEY, clientId: CLIENT_ID_MIN + 8, first: 4,
      });
      expect(client.node).toBe(4);
      // Caught at once: a rejection while the client moves must fail the assertion below, not escape.
      const slow = client.invoke(2, 'b').catch((e: Error) => e);
      // Node 4 now follows node 2: the answer to request 1 says so, and the client moves.
      leads.set(4, 2);
      expect(await client.invoke(1, 'a')).toEqual({ ok: true, output: { node: 4, request: 1 } });
      await until(() => client.node === 2);
      release();
      expect(await slow).toEqual({ ok: true, output: { node: 4, request: 2 } });
      expect(await client.invoke(3, 'c')).toEqual({ ok: true, output: { node: 2 } });
      client.close();
    } finally {
      release();
      slowNode.close();
    }
  });
});
