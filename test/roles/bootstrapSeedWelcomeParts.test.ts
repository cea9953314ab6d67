/**
 * Bootstrap and Seed answer a Join as the replica does: a Welcome over Limits.maxWelcomeBytes
 * goes in parts that each fit (src/protocol/welcomeParts.ts, spec "Welcome parts"), and the
 * parts assemble into the Welcome they would have sent whole.
 */
import { describe, expect, it } from 'vitest';
import type { Welcome } from '../../src/protocol/messages.js';
import { assembleWelcome } from '../../src/protocol/welcomeParts.js';
import { Bootstrap, BOOTSTRAP_JOIN_TIMER } from '../../src/roles/bootstrap.js';
import { Seed } from '../../src/roles/seed.js';
import type { StateMachine } from '../../src/node/api.js';
import { counter, FakeHost } from './fake-host.js';

const LIMIT = 1_000;
/** A state machine whose initial state is larger than LIMIT. */
const large: StateMachine<any> = { ...counter, initial: () => ({ blob: 'x'.repeat(3 * LIMIT) }) };
const welcomes = (host: FakeHost): Welcome[] => host.sends('Welcome').map((s) => s.message as Welcome);

function expectParts(parts: Welcome[], node: number): void {
  expect(parts.length).toBeGreaterThan(1);
  parts.forEach((p, i) => {
    expect(p).toMatchObject({ node, slot: 1, part: i + 1, parts: parts.length });
    expect(Buffer.byteLength(JSON.stringify(p), 'utf8')).toBeLessThanOrEqual(LIMIT);
  });
  expect(assembleWelcome(parts).state.app).toEqual(large.initial());
}

describe('Welcome parts from Bootstrap and Seed', () => {
  it('a Seed welcomes each joiner in parts when its initial state is over maxWelcomeBytes', () => {
    const host = new FakeHost({ self: 1, peers: [1, 2, 3], stateMachine: large, limits: { maxWelcomeBytes: LIMIT } });
    const seed = new Seed(host);
    host.addRole(seed);
    seed.receive(2, { type: 'Join', node: 2 });
    expectParts(welcomes(host), 2);
    expect(host.actions()).toEqual(['ReplicaReceiveJoin']);
  });

  it('a Bootstrap that waited in vain welcomes a joiner in parts', () => {
    const host = new FakeHost({ self: 2, stateMachine: large, limits: { maxWelcomeBytes: LIMIT }, timing: { joinsBeforeWelcomingPeers: 1 } });
    const bootstrap = new Bootstrap(host);
    host.addRole(bootstrap);
    bootstrap.onTimer(BOOTSTRAP_JOIN_TIMER, undefined);
    host.clear();
    bootstrap.receive(3, { type: 'Join', node: 3 });
    expectParts(welcomes(host), 3);
    expect(host.actions()).toEqual(['ReplicaReceiveJoin']);
  });
});
