/**
 * The scripted runs the batch tests edit (scriptedTrace.ts): every step named, so each test
 * knows which event holds what.
 */
import type { Proposal, SpecConstants } from '../../../src/trace/format/types.js';
import { ScriptedTrace, batch } from './scriptedTrace.js';

export const CONSTANTS: SpecConstants = { N: 3, Window: 2, BatchMax: 2 };
export const set = (key: string, value: string): string => JSON.stringify({ op: 'set', key, value });
export const get = (key: string): string => JSON.stringify({ op: 'get', key });

/**
 * Node 1 leads; its client invokes r1 (set a) and r2 (get a), its replica proposes them as the
 * batch [r1, r2] for slot 1; acceptors 1 and 2 accept; replicas 1 and 2 execute the batch, in
 * order (r2 reads what r1 wrote), and the client is told both outputs.
 */
export function batchRun(): { trace: ScriptedTrace; r1: Proposal; r2: Proposal } {
  const t = new ScriptedTrace(CONSTANTS);
  const r1 = t.invoke(1, 1, set('a', '1'));
  const r2 = t.invoke(1, 2, get('a'));
  for (const r of [r1, r2]) t.receive('ReplicaReceiveInvoke', 1, 'Invoke', (m) => m.type === 'Invoke' && m.prop.clientId === r.clientId);
  t.propose(1, batch(r1, r2));
  t.elect(1, [1, 2]);
  t.decide(1, 1, [1, 2]);
  for (const n of [1, 2]) { t.learn(n, 1); t.act('ReplicaExecute', n); }
  t.clientReturn(r1);
  t.clientReturn(r2);
  return { trace: t, r1, r2 };
}
/**
 * Node 1 proposes [r1, r2] for slot 1 (decided by leader 2), restarts before it learns it,
 * receives the two Invokes again, learns slot 1, skips it and proposes [r1, r2] for slot 2,
 * which is decided too. Executing slot 1 runs the batch; slot 2 then runs nothing.
 */
export function twoSlotRun(): { trace: ScriptedTrace; r1: Proposal; r2: Proposal } {
  const t = new ScriptedTrace(CONSTANTS);
  const r1 = t.invoke(1, 1, set('a', '1'));
  const r2 = t.invoke(1, 2, set('b', '2'));
  const receiveBoth = (): void => {
    for (const r of [r1, r2]) t.receive('ReplicaReceiveInvoke', 1, 'Invoke', (m) => m.type === 'Invoke' && m.prop.clientId === r.clientId);
  };
  receiveBoth();
  t.propose(1, batch(r1, r2));
  t.elect(2, [2, 3]);
  t.decide(2, 1, [2, 3]);
  t.act('NodeRestart', 1);
  receiveBoth();
  t.learn(1, 1);
  t.act('ReplicaSkipSlot', 1);
  t.propose(1, batch(r1, r2));
  t.decide(2, 2, [2, 3]);
  t.learn(1, 2);
  t.act('ReplicaExecute', 1);
  t.act('ReplicaExecute', 1);
  return { trace: t, r1, r2 };
}
