export { bank, sumBalances, MAX_AMOUNT, type BankState, type BankInput, type BankOutput } from './bank.js';
export { kv, MAX_VALUE_LENGTH, type KvState, type KvInput, type KvOutput } from './kv.js';
export { type AppStateMachine, type Failure, MAX_NAME_LENGTH } from './types.js';
export { toNodeStateMachine, encodeInput, decodeInput } from './codec.js';
