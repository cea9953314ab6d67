/** App states from plain records, for tests that build a state directly instead of by commands. */
import type { BankState } from '../../src/statemachines/bank.js';
import { EntryMap } from '../../src/statemachines/entryMap.js';
import type { KvState } from '../../src/statemachines/kv.js';

export const kvState = (entries: Record<string, string>): KvState => ({ entries: EntryMap.of(Object.entries(entries)) });
export const bankState = (accounts: Record<string, number>): BankState => ({ accounts: EntryMap.of(Object.entries(accounts)) });
