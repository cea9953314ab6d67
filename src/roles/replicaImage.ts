/**
 * The bytes of a replica's state at a slot: what its durable snapshot record holds
 * (ReplicaSnapshot) and what a checkpointing replica's Welcome transfers. Three parts, in
 * the shared snapshot frame (src/statemachines/snapshotFormat.ts: magic, version, app name
 * "replica", body length, body, checksum):
 *
 *   application snapshot (u32 length + the app's own framed bytes)
 *   | duplicate-suppression table (u32 length + ExecutedTableJson as UTF-8 JSON)
 *   | history flag u32 (0 or 1) [+ u32 length + the executed history as UTF-8 JSON]
 *
 * The table carries every caller's kept outputs: a replica restored from it may have to
 * welcome any other node, whose client may retry a request executed before the image.
 *
 * The history (the spec's rExecuted) is only there while tracing: the trace shows it, nothing
 * else needs it, so with tracing off a snapshot is O(the application state + the table).
 */
import type { StateMachine } from '../node/api.js';
import type { NodeId, Proposal } from '../protocol/values.js';
import { readSnapshotFrame, SnapshotFormatError, SnapshotWriter, writeSnapshotFrame } from '../statemachines/snapshotFormat.js';
import type { AppSnapshots } from '../statemachines/types.js';
import { ExecutedTable } from './executedTable.js';

export const REPLICA_IMAGE_APP = 'replica';
/** Largest embedded application snapshot or JSON part (UTF-16 units): what a u32 length and memory allow. */
const MAX_PART = 0x3fff_ffff;

/** A replica's state after every slot below some slot. */
export interface ReplicaImage {
  readonly app: unknown;
  readonly table: ExecutedTable;
  /** rExecuted, kept only while tracing (undefined otherwise). */
  readonly history: readonly Proposal[] | undefined;
}

/** The app's snapshot functions when its state machine has them (bank, kv through toNodeStateMachine). */
export function appSnapshotsOf(sm: StateMachine<unknown>): AppSnapshots<unknown> | undefined {
  const s = sm as Partial<AppSnapshots<unknown>>;
  return typeof s.snapshot === 'function' && typeof s.restore === 'function' ? (s as AppSnapshots<unknown>) : undefined;
}

export function encodeReplicaImage(snapshots: AppSnapshots<unknown>, image: ReplicaImage): Uint8Array {
  return encodeReplicaImageSized(snapshots, image).bytes;
}

/** encodeReplicaImage, with the size of the application's snapshot in it (the replica's snapshot rule reads it). */
export function encodeReplicaImageSized(snapshots: AppSnapshots<unknown>, image: ReplicaImage): { bytes: Uint8Array; appBytes: number } {
  const writer = new SnapshotWriter();
  const app = snapshots.snapshot(image.app);
  writer.blob(app);
  writer.blob(utf8.encode(JSON.stringify(image.table.toJson())));
  writer.u32(image.history === undefined ? 0 : 1);
  if (image.history !== undefined) writer.blob(utf8.encode(JSON.stringify(image.history.map((p) => [p.caller, p.clientId, p.input]))));
  return { bytes: writeSnapshotFrame(REPLICA_IMAGE_APP, writer.finish()), appBytes: app.length };
}

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The image `encodeReplicaImage` wrote. Bytes from disk or from a peer: throws a
 * SnapshotFormatError naming what is wrong (frame, checksum, app snapshot, table, history),
 * never returns a partly decoded image.
 */
export function decodeReplicaImage(snapshots: AppSnapshots<unknown>, bytes: Uint8Array, keepOutputs: number): ReplicaImage {
  const reader = readSnapshotFrame(REPLICA_IMAGE_APP, bytes);
  const app = snapshots.restore(reader.blob('application snapshot', MAX_PART));
  let table: ExecutedTable;
  try {
    table = ExecutedTable.fromJson(JSON.parse(fromUtf8.decode(reader.blob('executed table', MAX_PART))), keepOutputs);
  } catch (e) {
    if (e instanceof SnapshotFormatError) throw e;
    return reader.fail(`executed table: ${(e as Error).message}`);
  }
  const flag = reader.u32('history flag');
  if (flag > 1) reader.fail(`history flag ${flag} is neither 0 nor 1`);
  const history = flag === 1 ? parseHistory(reader.blob('history', MAX_PART), table.count, (p) => reader.fail(p)) : undefined;
  reader.end();
  return { app, table, history };
}

/** A checkpointing replica's Welcome `state.app`: its replica image (without history) as base64. */
export interface CheckpointTransfer { readonly checkpoint: string }

/** The transfer a Welcome carries: the image without history. */
export function checkpointTransfer(snapshots: AppSnapshots<unknown>, app: unknown, table: ExecutedTable): CheckpointTransfer {
  return { checkpoint: Buffer.from(encodeReplicaImage(snapshots, { app, table, history: undefined })).toString('base64') };
}

/**
 * The image a Welcome's `state.app` transfers (see checkpointTransfer). From the network:
 * throws an Error naming what is wrong (not a transfer, not base64, a bad image).
 */
export function readCheckpointTransfer(snapshots: AppSnapshots<unknown>, transfer: unknown, keepOutputs: number): ReplicaImage {
  const checkpoint = (transfer as Partial<CheckpointTransfer> | null)?.checkpoint;
  if (typeof checkpoint !== 'string') throw new Error('its state carries no checkpoint');
  // Strict base64 (what Buffer.toString('base64') writes): anything else is refused, not guessed.
  if (checkpoint.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(checkpoint)) throw new Error('its checkpoint is not base64');
  return decodeReplicaImage(snapshots, new Uint8Array(Buffer.from(checkpoint, 'base64')), keepOutputs);
}

function parseHistory(bytes: Uint8Array, count: number, fail: (problem: string) => never): Proposal[] {
  let raw: unknown;
  try {
    raw = JSON.parse(fromUtf8.decode(bytes));
  } catch {
    return fail('history is not JSON');
  }
  if (!Array.isArray(raw) || raw.length !== count) return fail(`history is not a list of the ${count} executed requests`);
  return raw.map((e: unknown, i) => {
    const ok = Array.isArray(e) && e.length === 3 && Number.isSafeInteger(e[0]) && (e[0] as number) >= 1 && Number.isSafeInteger(e[1]) && (e[1] as number) >= 1 && typeof e[2] === 'string';
    if (!ok) return fail(`history entry ${i} is not [caller, clientId, input]`);
    const [caller, clientId, input] = e as [NodeId, number, string];
    return { caller, clientId, input };
  });
}
