export { bank, sumBalances, MAX_AMOUNT, type BankState, type BankInput, type BankOutput } from './bank.js';
export { kv, MAX_VALUE_LENGTH, type KvState, type KvInput, type KvOutput } from './kv.js';
export { EntryMap } from './entryMap.js';
export { StateJsonError } from './stateJson.js';
export { type AppStateMachine, type AppSnapshots, type SnapshottableApp, type Failure, MAX_NAME_LENGTH } from './types.js';
export { SnapshotFormatError, SNAPSHOT_FORMAT_VERSION } from './snapshotFormat.js';
export { toNodeStateMachine, encodeInput, decodeInput, type ReadsInputOnly } from './codec.js';
