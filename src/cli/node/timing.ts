/**
 * Protocol timers for a node process. The library's defaults (src/protocol/limits.ts) are
 * tuned for the simulator, where a step costs nothing; a real process on a loaded machine
 * answers late, and two of those defaults then hurt:
 *
 * - leaderTimeoutMs 1 s is about three heartbeats: a leader whose heartbeats are delayed by a
 *   busy event loop is suspected, every passive leader holding proposals scouts, and leaders
 *   preempt each other in turn (seen in chaos runs with tracing on). 3 s is ten heartbeats.
 * - acceptRetransmitMs 500 ms re-sends every open Accept twice a second. Over TCP nothing is
 *   lost while a connection lives (a peer that reconnects is re-sent to), so a re-send mostly
 *   adds work to a node that is already slow; a new leader re-driving hundreds of slots then
 *   re-sends hundreds of Accepts per round. 2 s keeps the retry for lost connections.
 *
 * `--timing name=ms,...` overrides any of them.
 */
import { DEFAULT_TIMING, type Timing } from '../../protocol/limits.js';
import { UsageError } from '../args.js';

export const PROCESS_TIMING: Timing = Object.freeze({
  ...DEFAULT_TIMING,
  leaderTimeoutMs: 3_000,
  acceptRetransmitMs: 2_000,
  prepareRetransmitMs: 1_000,
});

/**
 * The replicas' window (the spec's Window) for a node process. The library's 5 suits the
 * simulator; across processes a slot is decided only after an fsync on a majority (about
 * 2-5 ms here, more on a loaded machine), so 5 slots in flight cap a cluster near 5 slots per
 * round trip, with one fsync per command or two. With 32, group commit covers several
 * commands per fsync (bench:cluster: 1.6 fsyncs per command at window 5, 0.3-0.5 at 32) and
 * throughput at concurrency 64 rose about 2-3x. Larger windows add little here and, with
 * clients at every node, lengthen the tail: every replica proposes into the same slots and a
 * request that loses a slot waits for the next round. `paxos node --window` overrides it.
 */
export const PROCESS_WINDOW = 32;

/** `leaderTimeoutMs=3000,heartbeatMs=200`: overrides of PROCESS_TIMING. */
export function parseTiming(command: string, text: string | undefined): Timing {
  const timing: Record<string, number> = { ...PROCESS_TIMING };
  if (text === undefined) return timing as unknown as Timing;
  for (const item of text.split(',')) {
    const m = /^\s*(\w+)=(\d+)\s*$/.exec(item);
    if (!m || !Object.hasOwn(DEFAULT_TIMING, m[1]!)) {
      throw new UsageError(`${command}: --timing entry ${JSON.stringify(item)} is not name=ms with a name among ${Object.keys(DEFAULT_TIMING).join(', ')}`);
    }
    const value = Number(m[2]);
    if (!Number.isSafeInteger(value) || value < 1 || value > 3_600_000) throw new UsageError(`${command}: --timing ${m[1]} must be 1..3600000`);
    timing[m[1]!] = value;
  }
  if (timing.leaderTimeoutMs! <= timing.heartbeatMs!) throw new UsageError(`${command}: --timing leaderTimeoutMs must exceed heartbeatMs`);
  return timing as unknown as Timing;
}
