/**
 * Role classes are injected (cluster.py's dependency injection): tests substitute fakes,
 * the trace checker's tests substitute MUTANTS, e.g.
 *   class SloppyAcceptor extends Acceptor { override receivePrepare(...) { ... } }
 *   new Node(id, peers, env, { stateMachine, roles: { Acceptor: SloppyAcceptor } })
 */
import type { Ballot, Batch } from '../protocol/values.js';
import type { Role, RoleHost } from './role.js';

/**
 * The constructors a Node builds its roles with: one per role name ({@link DEFAULT_ROLES} by default).
 */
export interface RoleFactories {
  Acceptor: new (host: RoleHost) => Role;
  Replica: new (host: RoleHost) => Role;
  Leader: new (host: RoleHost) => Role;
  Scout: new (host: RoleHost, ballot: Ballot) => Role;
  Commander: new (host: RoleHost, ballot: Ballot, slot: number, prop: Batch) => Role;
  Requester: new (host: RoleHost) => Role;
  Bootstrap: new (host: RoleHost) => Role;
  Seed: new (host: RoleHost) => Role;
}
