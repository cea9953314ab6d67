/**
 * Requester: the client side on each node. It sends Invoke for a request to the replica on
 * its own node, retransmits until the Invoked arrives, and hands the output back once.
 */
import type { Invoked, Message } from '../protocol/messages.js';
import { copyProposal, proposalEquals, type NodeId, type Proposal } from '../protocol/values.js';
import type { NodeSpecState } from '../node/api.js';
import { JournaledMap } from '../node/journaledMap.js';
import type { StateChanges } from '../node/stateChanges.js';
import { Role, type RoleHost } from '../node/role.js';
import { sortedByJson } from './sorted.js';
import { IdRanges } from '../util/idRanges.js';

export const REQUESTER_RETRANSMIT_TIMER = 'Requester.retransmit';

/**
 * What {@link Requester.invoke} did: sent the request, or refused it (its client id is in use, or too many
 * requests are pending).
 */
export type InvokeOutcome = 'ok' | 'duplicate-client-id' | 'too-many-pending';

/**
 * The client side of a node (spec action `RequesterInvoke`): sends Invoke to the local replica,
 * retransmits until Invoked arrives, and hands the output to the host once.
 */
export class Requester extends Role {
  readonly name = 'Requester' as const;
  readonly handles = ['Invoked'] as const;

  /** clientId -> request awaiting its Invoked. */
  protected readonly pending = new Map<number, Proposal>();
  /**
   * Every clientId used in this incarnation, as ranges: a second invoke with one is refused
   * in O(log ranges) memory-free of history (client ids come from a counter: idRanges.ts).
   */
  protected used = new IdRanges();
  /** The requests invoked in this incarnation and not yet answered (spec `invoked`, restricted
   * to this caller and to what it still needs): kept only while tracing, for the trace. A request
   * leaves it with its answer, so it is as large as `pending`, not the history. */
  protected readonly invoked: JournaledMap<number, Proposal> | undefined;

  constructor(host: RoleHost) {
    super(host);
    this.invoked = host.tracing ? new JournaledMap() : undefined;
    this.invoked?.startJournal();
  }

  /**
   * RequesterInvoke: record the request as invoked and send it to the local replica.
   * With `retry` (an earlier incarnation of this node invoked it already) it is only a
   * retransmission: a Stutter that does not touch `invoked`. A retry may come again once
   * answered (its answer lost on the way to the client), but the id is used from then on: a
   * new request with it would be taken for the one executed (replicas know requests by id).
   */
  invoke(clientId: number, input: string, retry = false): InvokeOutcome {
    if ((!retry && this.used.has(clientId)) || this.pending.has(clientId)) return 'duplicate-client-id';
    if (this.pending.size >= this.host.limits.maxPendingRequests) return 'too-many-pending';
    const prop: Proposal = { caller: this.host.self, clientId, input };
    this.pending.set(clientId, prop);
    this.host.send(this.host.self, { type: 'Invoke', replica: this.host.self, prop });
    this.used.add(clientId);
    if (!retry) {
      this.invoked?.set(clientId, prop);
      this.host.action('Requester', 'RequesterInvoke', this.host.tracing ? { proposal: prop } : undefined);
    }
    this.host.setTimer(REQUESTER_RETRANSMIT_TIMER, String(clientId), this.host.timing.invokeRetransmitMs);
    return 'ok';
  }

  receive(_from: NodeId, message: Message): void {
    if (message.type === 'Invoked') this.receiveInvoked(message);
  }

  /** The answer to a pending request (a Stutter in the spec): hand it to the client once. */
  receiveInvoked(m: Invoked): void {
    if (m.prop.caller !== this.host.self) return;
    const prop = this.pending.get(m.prop.clientId);
    if (prop === undefined || !proposalEquals(prop, m.prop)) return;
    this.pending.delete(m.prop.clientId);
    this.invoked?.delete(m.prop.clientId);
    this.host.result(m.prop.clientId, m.output);
  }

  /** Resend a pending Invoke (already sent: a Stutter). */
  override onTimer(name: string, key: string | undefined): void {
    if (name !== REQUESTER_RETRANSMIT_TIMER || key === undefined) return;
    const prop = this.pending.get(Number(key));
    if (prop === undefined) return;
    this.host.send(this.host.self, { type: 'Invoke', replica: this.host.self, prop });
    this.host.setTimer(REQUESTER_RETRANSMIT_TIMER, key, this.host.timing.invokeRetransmitMs);
  }

  /**
   * The node took a NodeRestart step without losing this Requester (a Seed that becomes a
   * Bootstrap): what it invoked belongs to the incarnation that ended, as it would after a
   * crash. Pending requests stay and are retransmitted, as a client retries after a restart.
   */
  forgetIncarnation(): void {
    this.invoked?.clear();
    this.used = new IdRanges();
  }

  /** Requests sent and not yet answered. */
  get pendingCount(): number {
    return this.pending.size;
  }

  snapshot(state: NodeSpecState): void {
    state.invoked = sortedByJson([...(this.invoked?.values() ?? [])].map(copyProposal));
  }

  override traceChanges(changes: StateChanges, hosted: boolean): void {
    this.invoked?.drain((_id, before, after) => changes.change('invoked', before && copyProposal(before), after && copyProposal(after)));
    if (!hosted) for (const prop of this.invoked?.values() ?? []) changes.change('invoked', copyProposal(prop), undefined);
  }
}
