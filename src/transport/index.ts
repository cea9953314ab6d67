/**
 * TCP transport with authenticated frames, for clusters that span machines.
 *
 * Design: every node listens on one address and, for its own outgoing traffic, dials each
 * peer once (one connection per ordered pair, so no tie-breaking between two nodes that dial
 * each other; each direction is its own connection). A connection opens with a handshake:
 * the accepting node sends a fresh random nonce, the dialer answers with a hello naming its
 * node id, MAC'd (HMAC-SHA256 under the shared cluster key) and bound to that nonce. Then the
 * dialer sends length-prefixed frames, each with a sequence number that must grow by exactly
 * one and a MAC over (nonce, sequence number, body), so no frame verifies on another
 * connection or twice on one; the envelope inside must come `from` the authenticated peer.
 * Anything else (oversize or truncated frames, missing or bad MACs, unknown senders, replays,
 * non-JSON, a wrong `from`) is dropped, counted by reason in `stats.rejected`, and logged at
 * most once per (reason, peer) per interval; a frame that breaks the stream closes the
 * connection and the peer redials. The Node still validates every envelope against the
 * protocol's schemas. Each peer's outgoing link has a bounded queue (oldest dropped first,
 * counted, see `peerStatus(id)`) and redials with capped exponential backoff, so a slow or
 * dead peer never holds up the others. Frames are authenticated, not encrypted: run the cluster on a private
 * network, or inside a tunnel, if its commands are secret.
 */
export { TcpTransport, TCP_DEFAULTS, type TcpTransportOptions, type TcpTransportStats, type PeerStatus } from './tcpTransport.js';
export type { PeerAddress, PeerLinkState, PeerLinkStatus } from './peerLink.js';
export { REJECT_REASONS, type RejectReason, type RejectCounts } from './rejectReasons.js';
export {
  readClusterKey, generateClusterKey, ClusterKeyError, type ReadClusterKeyOptions,
  MIN_CLUSTER_KEY_BYTES, GENERATED_KEY_BYTES,
} from './clusterKey.js';
