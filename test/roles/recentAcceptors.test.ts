import { describe, expect, it } from 'vitest';
import { FIRST_QUORUMS_TO_DROP_A_SPARE, RecentAcceptors } from '../../src/roles/recentAcceptors.js';

const PEERS = [1, 2, 3, 4, 5];

/** `clean` slots decided by their first sends in a row. */
function decidedFirstTime(recent: RecentAcceptors, clean: number): RecentAcceptors {
  for (let i = 0; i < clean; i++) recent.outcome(false);
  return recent;
}

/** A leader of five nodes that heard these acceptors in this order and proved its quorum stable (no spares left). */
function stableAfterHearing(...acceptors: number[]): RecentAcceptors {
  const recent = new RecentAcceptors(PEERS.length);
  for (const a of acceptors) recent.heard(a);
  return decidedFirstTime(recent, 2 * FIRST_QUORUMS_TO_DROP_A_SPARE);
}

describe('RecentAcceptors (where an active leader sends an Accept first)', () => {
  it('knows no quorum until enough acceptors other than itself said yes', () => {
    expect(stableAfterHearing().quorumWith(1, PEERS)).toBeUndefined();
    expect(stableAfterHearing(1, 4).quorumWith(1, PEERS)).toBeUndefined();
  });

  it('starts wide: every acceptor heard, and narrows one spare per run of first-time quorums', () => {
    const recent = new RecentAcceptors(PEERS.length);
    for (const a of [2, 3, 4, 5]) recent.heard(a);
    expect(recent.quorumWith(1, PEERS)).toEqual([1, 5, 4, 3, 2]);
    decidedFirstTime(recent, FIRST_QUORUMS_TO_DROP_A_SPARE - 1);
    expect(recent.quorumWith(1, PEERS)).toHaveLength(5);
    decidedFirstTime(recent, 1);
    expect(recent.quorumWith(1, PEERS)).toEqual([1, 5, 4, 3]);
    decidedFirstTime(recent, FIRST_QUORUMS_TO_DROP_A_SPARE);
    expect(recent.quorumWith(1, PEERS)).toEqual([1, 5, 4]);
  });

  it('wide, still leaves out acceptors it never heard from', () => {
    const recent = new RecentAcceptors(PEERS.length);
    for (const a of [2, 4]) recent.heard(a);
    expect(recent.quorumWith(1, PEERS)).toEqual([1, 4, 2]);
  });

  it('stable, picks itself and the acceptors heard most recently: a majority, no more', () => {
    expect(stableAfterHearing(2, 3, 4, 5).quorumWith(1, PEERS)).toEqual([1, 5, 4]);
    expect(stableAfterHearing(2, 3, 4, 5, 2).quorumWith(1, PEERS)).toEqual([1, 2, 5]);
  });

  it('ignores a node that is not a peer, and counts itself once', () => {
    const recent = new RecentAcceptors(3);
    for (const a of [1, 9, 3, 1]) recent.heard(a);
    expect(decidedFirstTime(recent, FIRST_QUORUMS_TO_DROP_A_SPARE).quorumWith(1, [1, 2, 3])).toEqual([1, 3]);
  });

  it('is itself alone in a one-node cluster', () => {
    expect(new RecentAcceptors(1).quorumWith(1, [1])).toEqual([1]);
  });

  it('adds a spare for each first send that timed out, up to every acceptor, and a timeout restarts the run', () => {
    const recent = stableAfterHearing(2, 3, 4, 5);
    recent.outcome(true);
    expect(recent.quorumWith(1, PEERS)).toEqual([1, 5, 4, 3]);
    for (let i = 0; i < 10; i++) recent.outcome(true);
    expect(recent.quorumWith(1, PEERS)).toEqual([1, 5, 4, 3, 2]);
    decidedFirstTime(recent, FIRST_QUORUMS_TO_DROP_A_SPARE - 1);
    recent.outcome(true);
    decidedFirstTime(recent, FIRST_QUORUMS_TO_DROP_A_SPARE - 1);
    expect(recent.quorumWith(1, PEERS)).toHaveLength(5);
    decidedFirstTime(recent, 1);
    expect(recent.quorumWith(1, PEERS)).toHaveLength(4);
  });

  it('starts wide again when its leader is adopted again', () => {
    const recent = stableAfterHearing(2, 3, 4, 5);
    recent.startWide();
    expect(recent.quorumWith(1, PEERS)).toHaveLength(5);
  });
});
