/**
 * A restarted node (Bootstrap) welcomed by a Welcome sent in parts becomes a member only once it
 * holds every part of one Welcome; its new replica then installs it in the same step. When the
 * node became a member at the first part, its replica could propose a request of the node's own
 * clients before the last part came, and a replica that has proposed installs no Welcome (spec
 * ReplicaReceiveWelcome): behind a compacted range it rejoined, and again, for as long as
 * requests kept coming between a Welcome's first part and its last (a simulated run stalled).
 */
import { describe, expect, it } from 'vitest';
import type { Welcome } from '../../src/protocol/messages.js';
import { Bootstrap } from '../../src/roles/bootstrap.js';
import { Replica } from '../../src/roles/replica.js';
import { kv } from '../../src/statemachines/kv.js';
import { toNodeStateMachine } from '../../src/statemachines/codec.js';
import { FakeHost, prop, specOf } from './fake-host.js';

const sm = toNodeStateMachine(kv);
const limits = { maxWelcomeBytes: 3_000 };
const set = (clientId: number) => prop(1, clientId, JSON.stringify({ op: 'set', key: `k${clientId}`, value: 'v'.repeat(200) }));

/** The parts of the Welcome that node 2's replica, having executed `slots` slots, sends node 3. */
function welcomeParts(slots: number): Welcome[] {
  const host = new FakeHost({ self: 2, stateMachine: sm, checkpointEvery: 4, limits });
  const replica = new Replica(host);
  host.addRole(replica);
  for (let slot = 1; slot <= slots; slot++) replica.receive(1, { type: 'Decision', slot, prop: set(slot) });
  host.clear();
  replica.receive(3, { type: 'Join', node: 3 });
  return host.sends('Welcome').map((s) => s.message as Welcome);
}

function restarting(): { host: FakeHost; bootstrap: Bootstrap } {
  const host = new FakeHost({ self: 3, stateMachine: sm, checkpointEvery: 4, limits });
  const bootstrap = new Bootstrap(host);
  host.addRole(bootstrap);
  bootstrap.start();
  host.clear();
  return { host, bootstrap };
}

const roleNames = (host: FakeHost): string[] => host.roles.map((r) => r.name).sort();

describe('a Bootstrap welcomed in parts', () => {
  it('stays a Bootstrap (no replica that could propose) until it holds every part, then installs in that step', () => {
    const parts = welcomeParts(10);
    expect(parts.length).toBeGreaterThan(2);
    const { host, bootstrap } = restarting();
    for (const p of parts.slice(1)) bootstrap.receive(2, p);
    expect(roleNames(host)).toEqual(['Bootstrap']);
    expect(host.actions()).toEqual([]);
    bootstrap.receive(2, parts[0]!);
    expect(roleNames(host)).toEqual(['Acceptor', 'Leader', 'Replica']);
    expect(host.actions()[0]).toBe('ReplicaReceiveWelcome');
    const replica = host.findRole<Replica>('Replica')!;
    expect(specOf(replica)).toMatchObject({ rSlotOut: 11, rExecuted: parts.flatMap((p) => p.executed) });
  });

  it('holds the parts of each sender apart while it waits', () => {
    const a = welcomeParts(10);
    const b = welcomeParts(12);
    const { host, bootstrap } = restarting();
    for (let i = 0; i < Math.max(a.length, b.length) - 1; i++) {
      if (i < a.length - 1) bootstrap.receive(2, a[i]!);
      if (i < b.length - 1) bootstrap.receive(4, { ...b[i]! });
    }
    expect(roleNames(host)).toEqual(['Bootstrap']);
    bootstrap.receive(2, a.at(-1)!);
    expect(host.actions()[0]).toBe('ReplicaReceiveWelcome');
    expect(specOf(host.findRole<Replica>('Replica')!).rSlotOut).toBe(11);
  });

  it('stays a Bootstrap when its parts do not assemble (a state text that is not JSON), and says why', () => {
    const parts = welcomeParts(10).map((p, i) => (i === 0 ? { ...p, state: { ...p.state, app: '{broken' } } : p));
    const { host, bootstrap } = restarting();
    for (const p of parts) bootstrap.receive(2, p);
    expect(roleNames(host)).toEqual(['Bootstrap']);
    expect(host.logs.some((l) => /bootstrap 3: dropped a Welcome for slot 11 in \d+ parts: .*not JSON/.test(l))).toBe(true);
  });
});
