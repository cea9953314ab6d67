/**
 * A node process's restart, in-process (NodeHost): a crash that took the last durable record
 * from the log but left its event in the trace part. The restarted node must bring its log up
 * to its trace before it starts, or its NodeRestart step would not be one the spec allows
 * (the spec keeps an acceptor's state across a crash); the run's parts then check.
 */
import { existsSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ClientConnection } from '../../src/cli/client/connection.js';
import { CLIENT_ID_MIN } from '../../src/cli/client/protocol.js';
import { NodeHost } from '../../src/cli/node/host.js';
import { FileDurableLog, LOG_FILE, snapshotFileName } from '../../src/storage/fileLog.js';
import { readFrame } from '../../src/storage/frame.js';
import { decodeRecord } from '../../src/storage/record.js';
import { partPath } from '../../src/trace/format/partFile.js';
import { checkTrace } from '../../src/trace/replay/check.js';
import { waitFor } from './helpers.js';
import { hostCluster } from './hostCluster.js';

/** Byte offsets of the snapshot records in a log file. */
function snapshotRecordOffsets(logFile: string): number[] {
  const bytes = readFileSync(logFile);
  const offsets: number[] = [];
  for (let offset = 0; offset < bytes.length;) {
    const frame = readFrame(bytes, offset);
    if (!frame.ok) throw new Error(`${logFile}: ${frame.reason} at ${offset}`);
    const record = decodeRecord(frame.payload);
    if (record.ok && record.value.kind === 'snapshot') offsets.push(offset);
    offset = frame.end;
  }
  return offsets;
}

describe('NodeHost restart after a crash', () => {
  it('appends the records its trace holds and its log lost, so its parts check', async () => {
    const { dir, key, logs, options } = await hostCluster('nodehost-', { runId: 'host' });
    const hosts = await Promise.all([1, 2, 3].map((id) => NodeHost.start(options(id, true))));
    try {
      const c = await ClientConnection.open({ address: { host: '127.0.0.1', port: hosts[0]!.clientPort }, key, clientId: CLIENT_ID_MIN });
      expect(await c.invoke(1, { op: 'open', account: 'a' })).toMatchObject({ ok: true });
      expect(await c.invoke(2, { op: 'deposit', account: 'a', amount: 5 })).toMatchObject({ ok: true });
      c.close();
      // Node 3 "crashes": no end line in its part, and its log's last record (an accept) torn off.
      await hosts[2]!.stop('test');
      const part3 = partPath(join(dir, 'traces'), 'host', 3);
      const lines = readFileSync(part3, 'utf8').trim().split('\n');
      expect(JSON.parse(lines.at(-1)!)).toMatchObject({ kind: 'end' });
      writeFileSync(part3, lines.slice(0, -1).join('\n') + '\n');
      const logFile = join(dir, 'data3', 'durable.log');
      const slots = async () => {
        const log = await FileDurableLog.open(join(dir, 'data3'), { nodeId: 3, create: false, log: () => undefined });
        try { return log.load()!.aAccepted.map((pv) => pv.slot); } finally { await log.close(); }
      };
      const accepted = await slots();
      truncateSync(logFile, statSync(logFile).size - 1);
      expect(await slots()).toEqual(accepted.slice(0, -1));

      hosts[2] = await NodeHost.start(options(3, false));
      expect(logs.filter((l) => l.event === 'durable-caught-up')).toEqual([expect.objectContaining({ node: 3, records: 1 })]);
      expect(logs.filter((l) => l.event === 'crash-recorded')).toEqual([expect.objectContaining({ node: 3 })]);
    } finally {
      for (const h of hosts) await h.stop('test');
    }
    const v = await checkTrace({ name: 'host', files: [1, 2, 3].map((n) => partPath(join(dir, 'traces'), 'host', n)) });
    expect(v.failure, JSON.stringify(v.failure, null, 1)).toBeUndefined();
    expect(v.ok).toBe(true);
  }, 60_000);

  // The chaos failure of issue 11: a SIGKILL after a checkpoint's trace lines (ReplicaSnapshot,
  // AcceptorCompact) reached the part and before the sync that writes its records. The log
  // still names no snapshot (here: the node's first) and keeps the pvalues below the new mark.
  it('restarts from the snapshot its trace names when the crash took the snapshot record from the log', async () => {
    const { dir, key, logs, options } = await hostCluster('nodehost-snap-', { runId: 'snap', checkpointEvery: 3 });
    const hosts = await Promise.all([1, 2, 3].map((id) => NodeHost.start(options(id, true))));
    const data3 = join(dir, 'data3');
    try {
      const c = await ClientConnection.open({ address: { host: '127.0.0.1', port: hosts[0]!.clientPort }, key, clientId: CLIENT_ID_MIN });
      expect(await c.invoke(1, { op: 'open', account: 'a' })).toMatchObject({ ok: true });
      for (let r = 2; r <= 4; r++) expect(await c.invoke(r, { op: 'deposit', account: 'a', amount: r })).toMatchObject({ ok: true });
      await waitFor('node 3 to take a snapshot', () => readdirSync(data3).some((f) => f.startsWith('snapshot-')), 20_000);
      await hosts[2]!.stop('test');
      const logFile = join(data3, LOG_FILE);
      const offsets = snapshotRecordOffsets(logFile);
      expect(offsets).toHaveLength(1);
      const slot = Number(/snapshot-(\d+)\.bin/.exec(readdirSync(data3).find((f) => f.startsWith('snapshot-'))!)![1]);
      // The crash: no end line, the log cut before the snapshot record; the staged file stays.
      const part3 = partPath(join(dir, 'traces'), 'snap', 3);
      const lines = readFileSync(part3, 'utf8').trim().split('\n');
      writeFileSync(part3, lines.slice(0, -1).join('\n') + '\n');
      truncateSync(logFile, offsets[0]!);
      expect(existsSync(join(data3, snapshotFileName(slot)))).toBe(true);

      hosts[2] = await NodeHost.start(options(3, false));
      expect(logs.filter((l) => l.event === 'durable-caught-up')).toEqual([expect.objectContaining({ node: 3, kinds: expect.arrayContaining(['snapshot', 'compact']) })]);
      const reopened = readdirSync(data3).filter((f) => f.startsWith('snapshot-'));
      expect(reopened).toEqual([snapshotFileName(slot)]);
      // The restarted node works on: it answers from the snapshot's state.
      const c3 = await ClientConnection.open({ address: { host: '127.0.0.1', port: hosts[2]!.clientPort }, key, clientId: CLIENT_ID_MIN + 1 });
      expect(await c3.invoke(1, { op: 'deposit', account: 'a', amount: 10 })).toMatchObject({ ok: true });
      c3.close();
      c.close();
    } finally {
      for (const h of hosts) await h.stop('test');
    }
    const v = await checkTrace({ name: 'snap', files: [1, 2, 3].map((n) => partPath(join(dir, 'traces'), 'snap', n)) });
    expect(v.failure, JSON.stringify(v.failure, null, 1)).toBeUndefined();
    expect(v.ok).toBe(true);
  }, 60_000);

  it('runs its node without checkpoints when told 0, as its trace header says (a 150 s chaos run found a node that checkpointed anyway)', async () => {
    // `paxos node --checkpoint-every 0` left the option out, so the Member checkpointed every
    // 1,000 slots while the header declared no CheckpointNodes: the trace check refused the
    // first snapshot. The host now hands its one value to both, and refuses to start a node
    // with another (no run here reaches slot 1,000: the refusal is what this test can see).
    const { dir, key, options } = await hostCluster('nodehost-nockpt-', { runId: 'nockpt', checkpointEvery: 0 });
    const hosts = await Promise.all([1, 2, 3].map((id) => NodeHost.start(options(id, true))));
    try {
      const c = await ClientConnection.open({ address: { host: '127.0.0.1', port: hosts[0]!.clientPort }, key, clientId: CLIENT_ID_MIN });
      expect(await c.invoke(1, { op: 'open', account: 'a' })).toMatchObject({ ok: true });
      c.close();
    } finally {
      for (const h of hosts) await h.stop('test');
    }
    const parts = [1, 2, 3].map((n) => partPath(join(dir, 'traces'), 'nockpt', n));
    for (const part of parts) {
      const header = JSON.parse(readFileSync(part, 'utf8').split('\n', 1)[0]!) as { spec: { constants: Record<string, unknown> } };
      expect(header.spec.constants.CheckpointNodes).toBeUndefined();
    }
    const v = await checkTrace({ name: 'nockpt', files: parts });
    expect(v.ok, JSON.stringify(v.failure)).toBe(true);
  }, 60_000);
});
