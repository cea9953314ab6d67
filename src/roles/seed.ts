/**
 * Seed: forms a new cluster. It waits until a majority of nodes (itself included) has asked
 * to Join, welcomes them with slot 1 and no decisions (what a fresh replica would send:
 * spec ReplicaReceiveJoin), keeps welcoming late joiners for a while, then becomes a
 * Bootstrap itself and joins the cluster it started.
 */
import type { Join, Message, WelcomeState } from '../protocol/messages.js';
import { splitWelcome } from '../protocol/welcomeParts.js';
import { isQuorum, type NodeId } from '../protocol/values.js';
import type { NodeSpecState } from '../node/api.js';
import type { StateChanges } from '../node/stateChanges.js';
import { Role, type RoleHost } from '../node/role.js';
import { digestOf } from '../statemachines/digest.js';

export const SEED_LINGER_TIMER = 'Seed.linger';

/**
 * Forms a new cluster: once a majority (itself included) asked to Join, welcomes them with slot 1 and
 * no decisions (spec action `ReplicaReceiveJoin`, role `Seed`), keeps welcoming late joiners for a
 * while, then becomes a Bootstrap and joins the cluster it started.
 */
export class Seed extends Role {
  readonly name = 'Seed' as const;
  readonly handles = ['Join'] as const;

  /** Nodes that asked to Join, in order of first request. */
  protected readonly joiners: NodeId[] = [];
  protected formed = false;

  constructor(host: RoleHost) {
    super(host);
  }

  receive(from: NodeId, message: Message): void {
    if (message.type === 'Join') this.receiveJoin(from, message);
  }

  /** Counts a joiner; once a majority asked, welcomes every joiner (again for each later Join). */
  receiveJoin(_from: NodeId, m: Join): void {
    if (m.node === this.host.self) return;
    if (!this.joiners.includes(m.node)) {
      if (this.joiners.length >= this.host.peers.length) return; // cannot happen: ids are validated
      this.joiners.push(m.node);
    }
    if (this.formed) {
      this.welcome(m.node);
      return;
    }
    if (!isQuorum(this.joiners.length + 1, this.host.peers.length)) return;
    this.formed = true;
    for (const node of this.joiners) this.welcome(node);
    this.host.setTimer(SEED_LINGER_TIMER, undefined, this.host.timing.seedLingerMs);
  }

  /** Done forming: join the cluster like any restarting node. */
  override onTimer(name: string, _key?: string): void {
    if (name !== SEED_LINGER_TIMER) return;
    this.host.removeRole(this);
    this.host.addRole(new this.host.factories.Bootstrap(this.host));
  }

  snapshot(_state: NodeSpecState): void {
    // No spec variables: the node's replica state is the initial one it welcomes with.
  }

  override traceChanges(_changes: StateChanges, _hosted: boolean): void {
    // No spec variables.
  }

  /** ReplicaReceiveJoin as a fresh replica: slot 1, no decisions, the initial app state. */
  protected welcome(node: NodeId): void {
    const state: WelcomeState = { app: this.host.stateMachine.initial(), outputs: [] };
    // One message when it fits, else parts that each fit (an application whose initial state is large), as the replica sends.
    for (const part of splitWelcome({ type: 'Welcome', node, slot: 1, decisions: [], executed: [], executedLength: 0, state }, this.host.limits.maxWelcomeBytes)) this.host.send(node, part);
    this.host.action('Seed', 'ReplicaReceiveJoin',
      this.host.tracing ? { from: node, message: { type: 'Join', node }, digest: digestOf(this.host.stateMachine, state.app) } : undefined);
  }
}
