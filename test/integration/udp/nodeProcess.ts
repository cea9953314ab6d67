/**
 * One cluster member in its own process over UdpTransport with a file-backed storage, driven
 * by its parent test through IPC (process.send): the newcomer's setup from issue 11, made
 * repeatable. Run with `node --import tsx nodeProcess.ts <id> <dataDir> <new|join> [checkpointEvery]
 * [receiveBufferBytes] [paced|unpaced]` (the last two: UdpTransport.bind's options; default its own).
 *
 * Parent -> child: {peers}, {start}, {open}, {run: count, concurrency}, {status}, {balance}.
 * Child -> parent: {port}, {opened}, {ran: ok, failed, firstOkAt, lastOkAt}, {status: ballot, slotOut}, {balance}, {error}.
 */
import { Member, type MemberOptions } from '../../../src/member/member.js';
import { defaultNodeFactory } from '../../../src/member/nodeFactory.js';
import { UdpTransport } from '../../../src/member/udpTransport.js';
import type { NodeApi } from '../../../src/node/api.js';
import { bank, type BankOutput, type BankState } from '../../../src/statemachines/bank.js';
import { FileDurableLog } from '../../../src/storage/fileLog.js';

const [idText, dataDir, mode, checkpointText, receiveBufferText, paceText] = process.argv.slice(2);
const id = Number(idText);
const PEERS = [1, 2, 3];
const send = (m: object) => process.send!(m);

/** Timing of a LAN cluster: the test asks progress within 3 s of a leader's death. */
const TIMING = { heartbeatMs: 100, leaderTimeoutMs: 600, prepareRetransmitMs: 200, acceptRetransmitMs: 200, invokeRetransmitMs: 300, gapMs: 150, joinRetransmitMs: 200 };

async function main(): Promise<void> {
  const transport = await UdpTransport.bind(0, {
    ...(receiveBufferText !== undefined ? { receiveBufferBytes: Number(receiveBufferText) } : {}),
    ...(paceText === 'unpaced' ? { pace: false } : {}),
  });
  const storage = await FileDurableLog.open(dataDir!, { nodeId: id, create: mode === 'new', log: () => {} });
  let node: NodeApi | undefined;
  const options: MemberOptions = {
    id, storage, timing: TIMING, deadlineMs: 20_000,
    startAs: mode === 'new' ? 'member' : 'join',
    checkpointEvery: Number(checkpointText ?? 0),
    // The factory hands the test the sans-IO node, to read its leader and progress.
    createNode: (...args) => (node = defaultNodeFactory(...args)),
  };
  const member = new Member(bank, transport, PEERS, options);
  process.on('message', (raw: unknown) => {
    const m = raw as Record<string, unknown>;
    if (m.peers !== undefined) transport.setPeers(new Map(Object.entries(m.peers as Record<string, number>).map(([k, v]) => [Number(k), v])));
    if (m.start !== undefined) member.start();
    if (m.status !== undefined) send({ status: { ballot: node?.activeBallot(), slotOut: node?.slotOut(), dropped: transport.stats.dropped, paced: transport.stats.paced } });
    if (m.open !== undefined) {
      member.invoke({ op: 'open', account: 'a' }).then((out) => send({ opened: out }), (e: Error) => send({ error: e.message }));
    }
    if (m.balance !== undefined) {
      member.invoke({ op: 'balance', account: 'a' }).then((out) => send({ balance: out }), (e: Error) => send({ error: e.message }));
    }
    if (m.run !== undefined) void run(member, m.run as number, m.concurrency as number);
  });
  send({ port: transport.port });
}

/** Deposits of 1 into account "a" with `concurrency` in flight; reports what was acknowledged. */
async function run(member: Member<BankState, BankOutput>, count: number, concurrency: number): Promise<void> {
  let next = 0;
  let ok = 0;
  let failed = 0;
  let firstOkAt = 0;
  let lastOkAt = 0;
  const worker = async () => {
    while (next < count) {
      next++;
      try {
        const out = await member.invoke({ op: 'deposit', account: 'a', amount: 1 });
        if (out.ok === true) {
          ok++;
          lastOkAt = Date.now();
          if (firstOkAt === 0) firstOkAt = lastOkAt;
        } else failed++;
      } catch {
        failed++;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  send({ ran: { ok, failed, firstOkAt, lastOkAt } });
}

main().catch((e: Error) => {
  send({ error: e.message });
  process.exit(1);
});
