/** Public exports of the cluster library's protocol core. */
export * from './node/api.js';
export { Node, MAX_LOCAL_STEPS, DEFAULT_CHECKPOINT_EVERY, type CheckpointOptions } from './node/node.js';
export { Role, timerRole, type RoleHost, type ActionParams } from './node/role.js';
export type { RoleFactories } from './node/role-factories.js';
export { DEFAULT_ROLES } from './node/default-roles.js';
export { Acceptor } from './roles/acceptor.js';
export { Replica } from './roles/replica.js';
export type { ReplicaImage } from './roles/replicaImage.js';
export { ExecutedTable, type Execution, type ExecutedTableJson } from './roles/executedTable.js';
export { Leader } from './roles/leader.js';
export { Scout } from './roles/scout.js';
export { Commander } from './roles/commander.js';
export { Requester, type InvokeOutcome } from './roles/requester.js';
export { Bootstrap, becomeMember } from './roles/bootstrap.js';
export { Seed } from './roles/seed.js';
export * from './protocol/values.js';
export * from './protocol/messages.js';
export { DEFAULT_LIMITS, DEFAULT_TIMING, type Limits, type Timing } from './protocol/limits.js';
export { InvariantViolation, invariant } from './protocol/assert.js';
export { toSpecMessage, toTraceMessage } from './protocol/projection.js';
export { checkEnvelope, checkMessage, type Checked } from './protocol/validate.js';
export { messageSchemas, loadMessageSchema, messageSchemaDir, type CompiledMessageSchemas } from './protocol/schemas.js';
// Durable storage a host hands a Member (MemberOptions.storage): a file log for a real node,
// the memory log for tests. The record and state types come with node/api.js above.
export {
  FileDurableLog, MemoryDurableLog, StorageCorruptError, StorageFailedError, StorageMissingError, StorageRefusedError,
  type FileDurableLogOptions, type CompactionPolicy, type FileOps, type WritableFile, type DurableSnapshot,
} from './storage/index.js';
// The application-facing Member API (src/member, owned by the simulation/member engineer).
export * from './member/index.js';
// The state machines shipped with the library: a bank ledger and a key-value store.
export * from './statemachines/index.js';
