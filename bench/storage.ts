/**
 * FileDurableLog benchmark: accept records appended with fsync on, in batches of 1 and of 64
 * appends per sync() (group commit), on a real data directory. Prints appends/s, fsyncs/s,
 * bytes per accept record, the batch-64 / batch-1 ratio, the file system and the load.
 *
 *   npm run bench:storage [-- --dir /path/on/the/disk --seconds 1 --rounds 5 --input-bytes 64]
 *
 * fsync on tmpfs is a no-op: point --dir at the disk a node would use.
 */
import { statfsSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileDurableLog, LOG_FILE } from '../src/storage/fileLog.js';
import type { DurableRecord } from '../src/storage/types.js';
import { scriptOptions, OptionError, runScript, wholeNumber } from '../scripts/commandLine.js';

/** statfs magic numbers of the file systems we expect to meet. */
const FILE_SYSTEMS: Record<number, string> = {
  0xef53: 'ext2/3/4', 0x01021994: 'tmpfs (fsync does nothing!)', 0x58465342: 'xfs', 0x9123683e: 'btrfs',
  0x794c7630: 'overlayfs', 0x6969: 'nfs', 0x1badface: 'bfs', 0x65735546: 'fuse', 0x2fc12fc1: 'zfs',
};

interface Result {
  readonly batch: number;
  readonly records: number;
  readonly seconds: number;
  readonly fileBytes: number;
}

function acceptRecord(slot: number, input: string): DurableRecord {
  return { kind: 'accept', pvalue: { ballot: { num: 3, leader: 1 }, slot, prop: { caller: 2, clientId: 1_000_000 + slot, input } } };
}

/** Appends accept records in batches of `batch`, awaiting one sync() per batch, for `seconds`. */
async function run(parent: string, batch: number, seconds: number, input: string): Promise<Result> {
  const dir = await mkdtemp(join(parent, 'paxos-bench-storage-'));
  try {
    const log = await FileDurableLog.open(dir, { nodeId: 1, create: true });
    let records = 0;
    const start = performance.now();
    const deadline = start + seconds * 1000;
    while (performance.now() < deadline) {
      const batchRecords = Array.from({ length: batch }, (_, i) => acceptRecord(records + i, input));
      log.append(batchRecords);
      await log.sync();
      records += batch;
    }
    const elapsed = (performance.now() - start) / 1000;
    await log.close();
    return { batch, records, seconds: elapsed, fileBytes: (await stat(join(dir, LOG_FILE))).size };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function describe(r: Result): string {
  return [
    `batch ${String(r.batch).padStart(2)}: ${(r.records / r.seconds).toFixed(0).padStart(8)} appends/s`,
    `${(r.records / r.batch / r.seconds).toFixed(0).padStart(6)} fsyncs/s`,
    `${(r.fileBytes / r.records).toFixed(1)} bytes per accept record`,
    `(${r.records} records in ${r.seconds.toFixed(2)} s)`,
  ].join('  ');
}

/** The run with the median appends/s. */
function median(results: Result[]): Result {
  const sorted = [...results].sort((a, b) => a.records / a.seconds - b.records / b.seconds);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const NAME = 'bench:storage';
const USAGE = 'usage: npm run bench:storage -- [--dir DIR] [--seconds S] [--rounds N] [--input-bytes N]';

async function main(): Promise<void> {
  const values = scriptOptions(NAME, USAGE, { dir: { type: 'string' }, seconds: { type: 'string' }, rounds: { type: 'string' }, 'input-bytes': { type: 'string' } });
  const parent = values.dir ?? tmpdir();
  const seconds = Number(values.seconds ?? 1);
  if (!(seconds > 0 && seconds <= 600)) throw new OptionError(`--seconds must be in (0, 600], got ${values.seconds}`);
  const rounds = wholeNumber('rounds', values.rounds, 5, 1, 100);
  const inputBytes = wholeNumber('input-bytes', values['input-bytes'], 64, 0, 65_536);
  const fsType = statfsSync(parent).type;
  console.log(`FileDurableLog in ${parent} (${FILE_SYSTEMS[fsType] ?? `file system 0x${fsType.toString(16)}`}), accept records with a ${inputBytes}-byte input, fsync on`);
  console.log(`${rounds} alternating rounds of ${seconds} s per batch size; the median round of each is shown`);
  console.log(`load average before: ${loadavg().map((l) => l.toFixed(2)).join(', ')}`);
  const input = 'x'.repeat(inputBytes);
  // Alternating rounds, so that a change in the machine's load hits both batch sizes alike.
  const ones: Result[] = [];
  const sixtyFours: Result[] = [];
  for (let round = 0; round < rounds; round++) {
    ones.push(await run(parent, 1, seconds, input));
    sixtyFours.push(await run(parent, 64, seconds, input));
  }
  const one = median(ones);
  const many = median(sixtyFours);
  console.log(describe(one));
  console.log(describe(many));
  console.log(`group commit: batch 64 / batch 1 = ${(many.records / many.seconds / (one.records / one.seconds)).toFixed(1)}x appends/s`);
  console.log(`load average after:  ${loadavg().map((l) => l.toFixed(2)).join(', ')}`);
}

await runScript(NAME, USAGE, main);
