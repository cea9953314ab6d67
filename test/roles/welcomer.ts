/**
 * Replicas that welcome one another, for the tests of Welcomes in parts: a kv replica whose
 * decided writes of 200-byte values make Welcomes of several 3,000-byte parts.
 */
import type { Welcome } from '../../src/protocol/messages.js';
import { Replica } from '../../src/roles/replica.js';
import { kv } from '../../src/statemachines/kv.js';
import { toNodeStateMachine } from '../../src/statemachines/codec.js';
import { FakeHost, prop, type FakeHostOptions } from './fake-host.js';

const sm = toNodeStateMachine(kv);
const set = (caller: number, clientId: number, key: string) => prop(caller, clientId, JSON.stringify({ op: 'set', key, value: `${caller}.${clientId}`.padEnd(200, '.') }));
const limits = { maxWelcomeBytes: 3_000 };

/** A kv replica on node 2 (or `options.self`), snapshotting every 100 slots, its journal cleared. */
export function replicaOn(options: FakeHostOptions = {}) {
  const host = new FakeHost({ self: 2, stateMachine: sm, checkpointEvery: 100, limits, ...options });
  const replica = new Replica(host);
  host.addRole(replica);
  host.clear();
  return { host, replica };
}

/** Node 2, which decides slots 1..n, and what it sends node 3 for a Join (its Welcome parts), with the actions it took. */
export function welcomer(options: FakeHostOptions = {}) {
  const made = replicaOn({ ...options, limits: { ...limits, ...options.limits } });
  let slot = 1;
  const decide = (count: number): void => {
    for (let i = 0; i < count; i++, slot++) made.replica.receive(1, { type: 'Decision', slot, prop: set(1, slot, `k${slot}`) });
  };
  const join = (): { parts: Welcome[]; actions: string[] } => {
    made.host.clear();
    made.replica.receive(3, { type: 'Join', node: 3 });
    return { parts: made.host.sends('Welcome').map((s) => s.message as Welcome), actions: made.host.actions() };
  };
  return { decide, join, made };
}
