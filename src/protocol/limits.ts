/**
 * Named limits and timings. Every queue, retry and size in the protocol has a bound here,
 * with the reason for its value. Schemas in traces/schemas/messages repeat the size limits
 * (test/protocol/schemas.test.ts checks they agree).
 */

export interface Limits {
  /** Largest cluster we accept; bounds every per-node array (acks, peers). */
  readonly maxNodes: number;
  /** Longest `input` string of a proposal: one command, not a bulk upload (UTF-16 units; at most MAX_INPUT_LENGTH). */
  readonly maxInputLength: number;
  /** Most pvalues in a Promise/Adopted. Without checkpoints an acceptor keeps one per slot it
   * ever accepted, so this is also the longest log across which a new leader can still be
   * elected: keep it equal to maxWelcomeDecisions. With checkpoints (issue 11) a Promise holds
   * only the slots at and above the acceptor's mark, its node's latest snapshot slot. */
  readonly maxPValues: number;
  /** Most decisions in a Welcome: a joining node receives the whole decided log. */
  readonly maxWelcomeDecisions: number;
  /** Largest Welcome message (UTF-8 bytes of its JSON): a larger one is sent in parts, each a
   * spec message (src/protocol/welcomeParts.ts, spec "Welcome parts"), so that a state transfer
   * is bounded like every other message, whatever the history. 59,000: with its envelope (from,
   * to, clock) a part stays under the Member's 60,000-byte datagram (src/member/fragments.ts),
   * which then never has to fragment a Welcome. */
  readonly maxWelcomeBytes: number;
  /** Largest Promise message (UTF-8 bytes of its JSON): a larger one (an acceptor's pvalues over
   * a long log, up to a checkpoint interval of them) is sent in parts, each a spec message
   * (src/protocol/promiseParts.ts, spec "Promise parts"). 59,000, as maxWelcomeBytes. */
  readonly maxPromiseBytes: number;
  /** Most Decision messages sent in answer to one CatchUp (the asker asks again for more). */
  readonly maxCatchUpDecisions: number;
  /** Proposals a replica may have in flight beyond its execution point (spec `Window`). */
  readonly window: number;
  /** Most requests a replica proposes for one slot (spec `BatchMax`; traces name it in their
   * header). 1, the default, is no batching: every value is the one from before batching. A
   * replica batches what waits while its window is full, so batches grow only under load. */
  readonly batchMaxRequests: number;
  /** Most input text (UTF-16 units, summed over its requests) a batch holds, so a batch stays
   * well inside maxMessageBytes; a single request longer than this is proposed alone. At most
   * MAX_BATCH_INPUT, over which peers refuse a batch. */
  readonly batchMaxInput: number;
  /** With batching on (batchMaxRequests > 1) and a proposal of its own in flight, a replica
   * proposes a new request later instead of at once, so that requests share a slot; with none
   * in flight it proposes at once, so a lone request never waits (Nagle's rule). Every
   * ReplicaPropose still happens, later: the spec lets waiting requests wait.
   * - 'turn': at the end of the current turn (a 0 ms timer, `Replica.propose`): the requests
   *   read in one turn of the event loop share a slot. Node processes use it (src/cli/node/host.ts).
   * - 'decision': once a Decision arrives (it executes and proposes what waits), so at most one
   *   batch of its own is in flight. In the simulator, where requests arrive at distinct
   *   instants and a turn holds one event, this is what forms batches (bench:sim --defer-proposals).
   * - 'never' (the default): at once while the window has room; the simulator's seeded runs. */
  readonly deferProposals: 'never' | 'turn' | 'decision';
  /** Requests a replica queues (rRequests) or a requester keeps pending; beyond it new
   * requests are refused, so a flood of clients cannot exhaust memory. */
  readonly maxPendingRequests: number;
  /** Largest slot or ballot number accepted from the wire (JS integers stay exact). */
  readonly maxNumber: number;
}

/** The largest batchMaxRequests: the message schemas' maxItems of a batch (traces/schemas/messages/defs.schema.json). */
export const MAX_BATCH_REQUESTS = 1_000;

/**
 * The largest ballot number a node takes from a peer (2^52). A node moves its own ballot one
 * above a higher one it hears of, and one up at each restart; ballot numbers must stay safe
 * integers (past 2^53 they stop increasing, and a durable record refuses them: the node would
 * stop). Taken from peers only up to here, a node's ballot passes 2^52 + 1 only by its own scouts
 * and restarts, one at a time: 2^52 of them, more than a century at a million a second. A peer
 * that sends a ballot at the bound can keep the others from leading past it, as a lying peer can
 * stop Paxos anyway; no node stops or logs what it cannot read back. The schemas admit any safe
 * integer, so the bound is the code's (validate.ts).
 */
export const MAX_BALLOT_NUM = 2 ** 52;

/**
 * The largest slot (or mark, a slot too) a node takes from a peer (2^52), for the same reason:
 * a replica executes a slot and moves to the next, and a snapshot or record of slot 2^53 would
 * not be a safe integer. Past it, only the node's own executions move it, one slot at a time.
 */
export const MAX_SLOT = 2 ** 52;

/**
 * The largest Lamport clock a node follows (2^52). A node's clock moves to the largest it
 * receives and one past it per event. Following a peer's clock of 2^53 - 1, it would stop
 * increasing and every envelope it sent would carry a clock its peers refuse (not a safe
 * integer): cut off for good. Refusing clocks over a bound would not do: a node that followed
 * one just under it would send clocks just over it. So a node takes any safe integer and
 * follows it only up to here (src/node/node.ts); only a clock no correct run reaches is not
 * followed, and the trace of that receive then shows the clock it kept.
 */
export const MAX_CLOCK = 2 ** 52;

/**
 * The largest maxInputLength (UTF-16 units): the message schemas' maxLength of an input
 * (which counts code points, so a longer input would not pass a peer's schema).
 */
export const MAX_INPUT_LENGTH = 65_536;

/**
 * The most input (UTF-16 units, summed over its requests) a batch of two or more requests may
 * carry, the largest batchMaxInput. A receiving node refuses a batch over it (validate.ts): an
 * acceptor writes every value it accepts as one record, and a record is at most
 * MAX_RECORD_BYTES (src/storage/frame.ts). With a single request at most MAX_INPUT_LENGTH code
 * points and a batch at most this, every value the schemas and this bound admit fits one
 * record, each unit escaped to 6 bytes and each request's ids at their longest
 * (test/node/validation.test.ts). The schemas cannot state it: it is a sum.
 */
export const MAX_BATCH_INPUT = 65_536;

/** The resource bounds a node uses unless `NodeOptions.limits` overrides some of them. */
export const DEFAULT_LIMITS: Limits = Object.freeze({
  maxNodes: 64,
  maxInputLength: MAX_INPUT_LENGTH,
  maxPValues: 100_000,
  maxWelcomeDecisions: 100_000,
  maxWelcomeBytes: 59_000,
  maxPromiseBytes: 59_000,
  maxCatchUpDecisions: 100,
  window: 5,
  batchMaxRequests: 1,
  batchMaxInput: 32_768,
  deferProposals: 'never',
  maxPendingRequests: 1_000,
  maxNumber: Number.MAX_SAFE_INTEGER,
});

/** Timer intervals in milliseconds (of the injected clock: simulated or real). */
export interface Timing {
  /** Resend Join until a Welcome arrives. */
  readonly joinRetransmitMs: number;
  /** Join retransmissions after which a Bootstrap, still unwelcomed, welcomes other joiners
   * itself as a fresh replica: when every node restarted, no member is left to do it. */
  readonly joinsBeforeWelcomingPeers: number;
  /** A Seed re-welcomes late joiners for this long before becoming a Bootstrap itself. */
  readonly seedLingerMs: number;
  /** Resend Prepare while a scout waits for a quorum. */
  readonly prepareRetransmitMs: number;
  /** Resend Accept while a commander waits for a quorum. */
  readonly acceptRetransmitMs: number;
  /** Resend Invoke until the Invoked arrives. */
  readonly invokeRetransmitMs: number;
  /** An active leader sends Active this often. */
  readonly heartbeatMs: number;
  /** A replica that heard no Active from its leader for this long moves to the next peer;
   * an inactive leader with work and no live higher leader spawns a scout. Must exceed
   * heartbeatMs so one lost heartbeat does not trigger it. */
  readonly leaderTimeoutMs: number;
  /** A replica with a gap (or stuck proposals) proposes no-ops and asks peers to catch up. */
  readonly gapMs: number;
}

/** The protocol timers a node uses unless `NodeOptions.timing` overrides some of them (ms). */
export const DEFAULT_TIMING: Timing = Object.freeze({
  joinRetransmitMs: 500,
  joinsBeforeWelcomingPeers: 3,
  seedLingerMs: 2_000,
  prepareRetransmitMs: 500,
  acceptRetransmitMs: 500,
  invokeRetransmitMs: 1_000,
  heartbeatMs: 300,
  leaderTimeoutMs: 1_000,
  gapMs: 700,
});
