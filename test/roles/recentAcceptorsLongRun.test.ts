/**
 * Pins that the spare count never goes below zero however long a leader stays stable. A
 * leader that decided thousands of slots with no loss must still react to the first lost
 * Accept with one spare at once; a count that kept falling below zero would need as many
 * timeouts as it fell, each holding its slot (and every slot after it) for a whole retransmit
 * timeout. The seeded runs are too short to drive the count that far.
 */
import { describe, expect, it } from 'vitest';
import { FIRST_QUORUMS_TO_DROP_A_SPARE, RecentAcceptors } from '../../src/roles/recentAcceptors.js';

const PEERS = [1, 2, 3, 4, 5];

describe('RecentAcceptors after a long stable run', () => {
  it('adds a spare on the first timeout after many runs of first-time quorums', () => {
    const recent = new RecentAcceptors(PEERS.length);
    for (const a of [2, 3, 4, 5]) recent.heard(a);
    // Far more clean runs than there are spares to drop.
    for (let i = 0; i < 10 * FIRST_QUORUMS_TO_DROP_A_SPARE; i++) recent.outcome(false);
    const quorum = recent.quorumWith(1, PEERS)!;
    expect(quorum).toHaveLength(3); // a bare majority
    recent.outcome(true);
    expect(recent.quorumWith(1, PEERS)).toHaveLength(quorum.length + 1);
  });
});
