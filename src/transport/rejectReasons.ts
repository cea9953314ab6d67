/**
 * Why the transport dropped bytes it received. Each reason is counted in
 * `TcpTransport.stats.rejected` and logged at most once per (reason, peer) per interval.
 */
export const REJECT_REASONS = [
  /** A length prefix above the frame limit (the stream is then unreadable: connection closed). */
  'oversize',
  /** The connection closed in the middle of a frame. */
  'truncated',
  /** Not an authenticated frame: unknown kind byte, or too short (or too long) for the MAC its kind carries. */
  'missingMac',
  /** The MAC does not verify under the cluster key and this connection's nonce. */
  'badMac',
  /** A data frame before the hello that authenticates the connection. */
  'noHello',
  /** An authenticated hello naming a node that is not a peer of this one. */
  'unknownSender',
  /** An authentic frame out of place: a sequence number that is not exactly the next one, a
   * hello answering another connection's challenge, or a second hello. */
  'replayed',
  /** An authentic data frame whose body is not UTF-8 JSON, or a batch frame whose body is not a
   * non-empty JSON array (a peer bug: the frame alone is dropped). */
  'notJson',
  /** An authentic envelope whose `from` is not the authenticated peer (the frame alone is dropped). */
  'wrongFrom',
  /** The dialer sent no hello in time (the connection is closed). */
  'handshakeTimeout',
  /** Dialer side: the accepting end did not send a valid challenge, or sent bytes after it. */
  'badChallenge',
] as const;

/** Why an inbound frame or connection was dropped (one of {@link REJECT_REASONS}). */
export type RejectReason = (typeof REJECT_REASONS)[number];

/** Drops counted per {@link RejectReason}. */
export type RejectCounts = Record<RejectReason, number>;

export function zeroRejectCounts(): RejectCounts {
  return Object.fromEntries(REJECT_REASONS.map((r) => [r, 0])) as RejectCounts;
}
