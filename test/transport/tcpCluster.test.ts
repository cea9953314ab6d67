/**
 * Members over TcpTransport on 127.0.0.1: they decide commands; a raw socket throws every
 * kind of bad frame at a live node, each is dropped and counted under its reason, and the
 * cluster still decides; a node that is down at start is reached once it comes up.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { NodeApi, NodeId } from '../../src/node/api.js';
import type { Envelope } from '../../src/node/api.js';
import { REJECT_REASONS, type RejectReason } from '../../src/transport/rejectReasons.js';
import { challengePayload, helloPayload, parseChallenge } from '../../src/transport/frameAuth.js';
import { encodeFrame } from '../../src/transport/frameSplitter.js';
import { OutboundSession } from '../../src/transport/outboundSession.js';
import { TcpTransport } from '../../src/transport/tcpTransport.js';
import { KEY, OTHER_KEY, dataFrame } from './helpers.js';
import { type BankMember, HOST, RawClient, freePort, heldPort, member, transports, waitFor } from './live.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function stopAll(members: BankMember[], list: TcpTransport[]) {
  return async () => {
    for (const m of members) m.stop();
    for (const t of list) t.close();
    await Promise.all(list.map((t) => t.closed));
  };
}

async function bankRound(members: BankMember[], account: string) {
  await members[0]!.invoke({ op: 'open', account });
  await members[1]!.invoke({ op: 'open', account: `${account}-2` });
  await members[2]!.invoke({ op: 'deposit', account, amount: 30 });
  expect(await members[0]!.invoke({ op: 'transfer', from: account, to: `${account}-2`, amount: 12 })).toMatchObject({ ok: true });
  for (const m of members) expect(await m.invoke({ op: 'balance', account })).toMatchObject({ ok: true, balance: 18 });
}

describe('Members over TcpTransport', () => {
  it('three members decide commands over authenticated TCP frames', async () => {
    const { list } = await transports(3);
    const nodes = new Map<NodeId, NodeApi>();
    const members = list.map((t) => member(t, [1, 2, 3], nodes));
    cleanups.push(stopAll(members, list));
    members.forEach((m) => m.start());
    await bankRound(members, 'a');
    for (const t of list) {
      expect(t.stats.received).toBeGreaterThan(0);
      expect(Object.values(t.stats.rejected).every((n) => n === 0)).toBe(true);
      expect(t.stats.dropped).toEqual({ queueFull: 0, unknownPeer: 0, tooLarge: 0 });
    }
    for (const node of nodes.values()) expect(node.stats.invalidMessages).toBe(0);
  }, 20_000);

  it('drops, counts and logs every kind of bad frame at a live node, and the cluster still decides', async () => {
    // A four-node cluster whose node 4 is down: the raw client plays node 4, an insider
    // holding the key, so its frames pass authentication where the attack needs them to.
    const port4 = await freePort();
    // 1 s: long enough that no real peer's handshake times out on a loaded machine.
    const { list, logs } = await transports(3, { handshakeTimeoutMs: 1000 });
    const addresses = new Map(list.map((t) => [t.id, t.address()]));
    addresses.set(4, { host: HOST, port: port4 });
    for (const t of list) t.setPeers(addresses);
    const nodes = new Map<NodeId, NodeApi>();
    const members = list.map((t) => member(t, [1, 2, 3, 4], nodes));
    cleanups.push(stopAll(members, list));
    members.forEach((m) => m.start());
    await bankRound(members, 'before');

    const target = list[0]!;
    const port = target.address().port;
    const expected = Object.fromEntries(REJECT_REASONS.map((r) => [r, 0])) as Record<RejectReason, number>;
    const catchUp = (from: number): Envelope => ({ from, to: 1, clock: 0, message: { type: 'CatchUp', replica: from, slot: 1 } });

    /** Opens a connection, runs `attack` on it, and waits for `reason` to be counted once more. */
    async function expectRejected(reason: RejectReason, attack: (c: RawClient) => Promise<void> | void, closes = true) {
      const client = await RawClient.connect(port);
      try {
        await attack(client);
        expected[reason]++;
        await waitFor(() => target.stats.rejected[reason] === expected[reason], `${reason} to be counted`);
        if (closes) await client.closed; // the node closed the connection
      } finally {
        client.destroy();
      }
    }

    for (let i = 0; i < 3; i++) {
      await expectRejected('badMac', async (c) => {
        const challenge = parseChallenge((await c.challenge()).subarray(4));
        if (!challenge.ok) throw new Error(challenge.detail);
        c.write(encodeFrame(helloPayload(OTHER_KEY, challenge.nonce, 2))); // someone without the key
      });
    }
    await expectRejected('badMac', async (c) => {
      const { session } = await c.hello(4);
      const frame = dataFrame(session, catchUp(4));
      frame[frame.length - 1]! ^= 1;
      c.write(frame);
    });
    await expectRejected('missingMac', async (c) => {
      await c.hello(4);
      c.write(encodeFrame(Buffer.from(JSON.stringify(catchUp(4)))));
    });
    await expectRejected('unknownSender', (c) => c.hello(9).then(() => {}));
    await expectRejected('noHello', async (c) => {
      await c.challenge();
      const session = new OutboundSession(KEY, 4); // authenticated on some other acceptor
      session.receive(encodeFrame(challengePayload(Buffer.alloc(32, 9))));
      c.write(dataFrame(session, catchUp(4)));
    });
    await expectRejected('oversize', async (c) => {
      await c.challenge();
      const prefix = Buffer.alloc(4);
      prefix.writeUInt32BE(0xffff_ffff);
      c.write(prefix);
    });
    await expectRejected('truncated', async (c) => {
      const { session } = await c.hello(4);
      const frame = dataFrame(session, catchUp(4));
      c.write(frame.subarray(0, frame.length - 5));
      c.end();
    });
    await expectRejected('notJson', async (c) => {
      const { session } = await c.hello(4);
      c.write(dataFrame(session, 'this is not JSON'));
    }, false);
    await expectRejected('wrongFrom', async (c) => {
      const { session } = await c.hello(4);
      c.write(dataFrame(session, catchUp(2)));
    }, false);
    await expectRejected('handshakeTimeout', () => {});

    // Schema-invalid but authentic: the transport delivers it, the Node drops and counts it.
    const node1 = nodes.get(1)!;
    const invalidBefore = node1.stats.invalidMessages;
    const receivedBefore = target.peerStatus(4)!.received;
    const schema = await RawClient.connect(port);
    const { session: s1 } = await schema.hello(4);
    schema.write(dataFrame(s1, { from: 4, to: 1, clock: 0, message: { type: 'Prepare', ballot: 'high' } }));
    await waitFor(() => node1.stats.invalidMessages === invalidBefore + 1, 'the node to reject the Prepare');
    expect(target.peerStatus(4)!.received).toBe(receivedBefore + 1);
    schema.destroy();

    // Replays: the whole recorded byte stream of an earlier connection, then a frame sent twice on one.
    const recorded = await RawClient.connect(port);
    const first = await recorded.hello(4);
    const frame = dataFrame(first.session, catchUp(4));
    recorded.write(frame);
    await waitFor(() => target.peerStatus(4)!.received === receivedBefore + 2, 'the recorded frame to be received once');
    recorded.destroy();
    await expectRejected('replayed', async (c) => {
      await c.challenge();
      c.write(Buffer.concat([first.hello, frame]));
    });
    await expectRejected('replayed', async (c) => {
      const { session } = await c.hello(4);
      const once = dataFrame(session, catchUp(4));
      c.write(Buffer.concat([once, once]));
    });
    expect(target.peerStatus(4)!.received).toBe(receivedBefore + 3);

    expect(target.stats.rejected).toEqual(expected);
    for (const reason of REJECT_REASONS.filter((r) => r !== 'badChallenge')) {
      expect(expected[reason], reason).toBeGreaterThan(0);
      expect(logs.some((l) => l.node === 1 && l.line['event'] === 'tcp-transport-drop' && l.line['reason'] === reason), `a log line for ${reason}`).toBe(true);
    }
    // Three forged hellos from 127.0.0.1 and one bad frame from node 4 within the interval:
    // one line per source.
    expect(logs.filter((l) => l.line['reason'] === 'badMac').map((l) => l.line['source'])).toEqual([HOST, 'node 4']);
    for (const t of list.slice(1)) expect(Object.values(t.stats.rejected).every((n) => n === 0)).toBe(true);

    await bankRound(members, 'after');
  }, 30_000);

  it('a node that is down at start is reached once it comes up', async () => {
    const { port: port3, release } = await heldPort();
    const { list, addresses } = await transports(2);
    addresses.set(3, { host: HOST, port: port3 });
    for (const t of list) t.setPeers(addresses);
    const nodes = new Map<NodeId, NodeApi>();
    const members = list.map((t) => member(t, [1, 2, 3], nodes));
    cleanups.push(stopAll(members, list));
    members.forEach((m) => m.start());
    await members[0]!.invoke({ op: 'open', account: 'early' });
    await waitFor(() => (list[0]!.peerStatus(3)?.failures ?? 0) >= 2, 'node 1 to fail dialing node 3 twice');

    await release();
    const late = await TcpTransport.listen({ id: 3, key: KEY, host: HOST, port: port3, peers: addresses, log: () => {} });
    const third = member(late, [1, 2, 3], nodes);
    cleanups.push(stopAll([third], [late]));
    third.start();
    expect(await third.invoke({ op: 'deposit', account: 'early', amount: 5 })).toMatchObject({ ok: true });
    expect(await third.invoke({ op: 'balance', account: 'early' })).toMatchObject({ ok: true, balance: 5 });
    expect(list[0]!.stats.connections.failed).toBeGreaterThan(0);
    expect(late.stats.received).toBeGreaterThan(0);
    await waitFor(() => list[0]!.peerStatus(3)?.state === 'open', 'node 1 to hold a connection to node 3');
  }, 20_000);
});
