/**
 * What `paxos status` and the chaos checker are told about a node: its roles, ballots,
 * leader, progress and links (NodeStatus), and its replica's executed history with the
 * application state that history produces (ReplicaState).
 */
import { createHash } from 'node:crypto';
import type { NodeApi } from '../../node/api.js';
import type { TcpTransport } from '../../transport/tcpTransport.js';
import { toNodeStateMachine } from '../../statemachines/codec.js';
import { stateDigest } from '../../statemachines/digest.js';
import type { AppStateMachine } from '../../statemachines/types.js';
import type { ExecutedRequest, NodeStatus, PeerHealth, ReplicaState } from '../client/protocol.js';
import type { Health } from './progress.js';

/** The application state is sent along when its JSON is at most this long. */
const MAX_APP_STATE_BYTES = 1 << 20;

export interface StatusSources {
  readonly node: NodeApi;
  readonly transport: TcpTransport;
  readonly app: string;
  readonly incarnation: number;
  readonly now: () => number;
  health(): Health;
  pendingRequests(): number;
  /** The storage's counters (FileDurableLog.stats) and the requests answered so far. */
  storage(): { readonly records: number; readonly syncs: number };
  answered(): number;
}

export function nodeStatus(s: StatusSources): NodeStatus {
  const spec = s.node.specState();
  const peers: PeerHealth[] = [];
  for (const id of s.node.peers) {
    if (id === s.node.id) continue;
    const p = s.transport.peerStatus(id);
    if (p !== undefined) peers.push({ id, link: p.state, queued: p.queued, dropped: p.droppedQueueFull, received: p.received });
  }
  const rejected = Object.values(s.transport.stats.rejected).reduce((a, b) => a + b, 0);
  const health = s.health();
  return {
    node: s.node.id,
    incarnation: s.incarnation,
    uptimeMs: s.now() - s.incarnation,
    app: s.app,
    roles: s.node.roleNames(),
    ballot: spec.lBallot,
    promised: spec.aBallot,
    leader: spec.aBallot.leader === 0 ? null : spec.aBallot.leader,
    active: spec.lActive,
    slotOut: spec.rSlotOut,
    // Not rExecuted.length: with checkpoints on and tracing off the node keeps no history.
    executed: s.node.executedCount(),
    pendingRequests: s.pendingRequests(),
    health: health.health,
    problem: health.problem,
    peers,
    rejectedFrames: rejected,
    invalidMessages: s.node.stats.invalidMessages,
    io: {
      answered: s.answered(),
      records: s.storage().records,
      syncs: s.storage().syncs,
      envelopesSent: s.transport.stats.sent,
      envelopesReceived: s.transport.stats.received,
      peerWrites: s.transport.stats.writes,
    },
  };
}

/**
 * The replica's application state and the history it keeps. The history and its digest cover
 * what the node keeps (all of it without checkpoints; else nothing: a checkpointing replica
 * keeps no history, traced or not); `executed` counts every executed request either way, and
 * the state is the replica's own (a node without a replica: the state its history produces).
 */
export function replicaState(node: NodeApi, app: AppStateMachine<unknown, unknown>, withHistory: boolean): ReplicaState {
  const spec = node.specState();
  const history: ExecutedRequest[] = spec.rExecuted.map((p) => ({ caller: p.caller, clientId: p.clientId, input: p.input }));
  let state = node.replicaApp()?.state;
  if (state === undefined) {
    const sm = toNodeStateMachine(app);
    state = sm.initial();
    for (const r of history) state = sm.apply(state, r.input)[0];
  }
  const stateText = JSON.stringify(state);
  return {
    node: node.id,
    slotOut: spec.rSlotOut,
    executed: node.executedCount(),
    historyDigest: historyDigest(history),
    appDigest: stateDigest(state),
    ...(stateText.length <= MAX_APP_STATE_BYTES ? { appState: state } : {}),
    ...(withHistory ? { history } : {}),
  };
}

export function historyDigest(history: readonly ExecutedRequest[]): string {
  const h = createHash('sha256');
  for (const r of history) h.update(JSON.stringify([r.caller, r.clientId, r.input])).update('\n');
  return h.digest('hex').slice(0, 16);
}
