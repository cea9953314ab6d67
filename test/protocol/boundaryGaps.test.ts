/**
 * Refusals of src/protocol/validate.ts that no other test pinned: each message below passes its
 * JSON Schema, so only the code's own check stands between it and a role. Each has an accepted
 * twin one change away, so the test cannot pass by refusing everything.
 *
 * - A Promise part numbered past its count: the scout's PromisePartBuffer assembles parts 1..k
 *   once it holds k of them, and with parts {1, 3} of 2 it reads a part that is not there (the
 *   node throws; test/node/peerInputEffects.test.ts shows it).
 * - A Promise from an acceptor outside the cluster: the scout counts `acceptor` toward its
 *   majority, so a made-up id is a made-up vote.
 * - A Join for a node outside the cluster: the node would answer it with a Welcome to that id.
 * - A Welcome part whose state is not a slice of text: parts carry the state's JSON text.
 */
import { describe, expect, it } from 'vitest';
import { checkMessage } from '../../src/protocol/validate.js';

const PEERS = [1, 2, 3];
const B = { num: 2, leader: 1 };
const promise = (extra: Record<string, unknown>) => ({ type: 'Promise', acceptor: 2, ballot: B, promised: B, accepted: [], ...extra });
const welcomePart = (app: unknown) => ({ type: 'Welcome', node: 3, slot: 2, decisions: [], executed: [], state: { app, outputs: [] }, part: 1, parts: 2 });

/** [what, refused message, the phrase of its reason, the accepted twin]. */
const CASES: ReadonlyArray<readonly [string, Record<string, unknown>, RegExp, Record<string, unknown>]> = [
  ['a Promise part past its count', promise({ part: 3, parts: 2 }), /part: 3 of 2/, promise({ part: 2, parts: 2 })],
  ['a Promise from an acceptor outside the cluster', promise({ acceptor: 9 }), /acceptor 9 is not a node of this cluster/, promise({ acceptor: 3 })],
  ['a Join for a node outside the cluster', { type: 'Join', node: 9 }, /node 9 is not a node of this cluster/, { type: 'Join', node: 3 }],
  ['a Welcome part whose state is not a slice of text', welcomePart({ x: 1 }), /carries a slice of the state's text/, welcomePart('{"app":')],
];

describe('validate.ts refuses, beyond the schemas', () => {
  it.each(CASES)('%s', (_what, refused, reason, twin) => {
    const r = checkMessage(refused, PEERS);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(reason);
    expect(checkMessage(twin, PEERS)).toMatchObject({ ok: true });
  });
});
