/**
 * Acceptor: remembers the highest ballot it promised and, per slot, the highest-ballot
 * pvalue it accepted. Both are durable: written through the host before any reply leaves.
 */
import type { Accept, Message, Prepare } from '../protocol/messages.js';
import {
  ballotEquals, ballotLess, copyBallot, copyProposal, copyPValue, type Ballot, type NodeId, type PValue,
} from '../protocol/values.js';
import type { NodeSpecState } from '../node/api.js';
import { Role, type RoleHost } from '../node/role.js';
import { sortedByJson } from './sorted.js';
import { invariant } from '../protocol/assert.js';

function frozenPValue(pv: PValue): PValue {
  return Object.freeze({
    ballot: Object.freeze(copyBallot(pv.ballot)),
    slot: pv.slot,
    prop: Object.freeze(copyProposal(pv.prop)),
  });
}

export class Acceptor extends Role {
  readonly name = 'Acceptor' as const;
  readonly handles = ['Prepare', 'Accept'] as const;

  protected ballot: Ballot;
  /** slot -> the one pvalue kept for it (the highest ballot accepted there). Each pvalue is
   * frozen, so durable snapshots can share them instead of copying the whole log per write. */
  protected readonly accepted = new Map<number, PValue>();

  constructor(host: RoleHost) {
    super(host);
    const durable = host.durable();
    this.ballot = copyBallot(durable.aBallot);
    for (const pv of durable.aAccepted) {
      invariant(!this.accepted.has(pv.slot), () => `durable aAccepted has two pvalues for slot ${pv.slot}`);
      this.accepted.set(pv.slot, frozenPValue(pv));
    }
  }

  receive(_from: NodeId, message: Message): void {
    if (message.type === 'Prepare') this.receivePrepare(message);
    else if (message.type === 'Accept') this.receiveAccept(message);
  }

  /** AcceptorReceivePrepare: promise the higher ballot; always answer with a Promise. */
  receivePrepare(m: Prepare): void {
    const raised = ballotLess(this.ballot, m.ballot);
    if (raised) {
      this.ballot = copyBallot(m.ballot);
      this.persist();
    }
    this.host.send(m.ballot.leader, {
      type: 'Promise',
      acceptor: this.host.self,
      ballot: m.ballot,
      promised: this.ballot,
      accepted: this.acceptedList(),
    });
    this.host.action('Acceptor', 'AcceptorReceivePrepare');
    if (raised) this.hintLeader();
  }

  /** AcceptorReceiveAccept: accept unless a higher ballot was promised; always answer. */
  receiveAccept(m: Accept): void {
    let raised = false;
    if (!ballotLess(m.ballot, this.ballot)) {
      raised = !ballotEquals(m.ballot, this.ballot);
      const replaced = this.accepted.get(m.slot);
      invariant(replaced === undefined || !ballotLess(m.ballot, replaced.ballot),
        () => `acceptor ${this.host.self} would replace ${JSON.stringify(replaced)} by a lower ballot`);
      this.ballot = copyBallot(m.ballot);
      this.accepted.set(m.slot, frozenPValue({ ballot: m.ballot, slot: m.slot, prop: m.prop }));
      this.persist();
    }
    this.host.send(m.ballot.leader, {
      type: 'Accepted',
      acceptor: this.host.self,
      ballot: m.ballot,
      slot: m.slot,
      promised: this.ballot,
    });
    this.host.action('Acceptor', 'AcceptorReceiveAccept');
    if (raised) this.hintLeader();
  }

  snapshot(state: NodeSpecState): void {
    state.aBallot = copyBallot(this.ballot);
    state.aAccepted = sortedByJson([...this.accepted.values()].map(copyPValue));
  }

  /** The accepted pvalues (a set; shared frozen objects, in the order first accepted). */
  protected acceptedList(): PValue[] {
    return [...this.accepted.values()];
  }

  protected persist(): void {
    const before = this.host.durable();
    invariant(!ballotLess(this.ballot, before.aBallot), () => `acceptor ${this.host.self} would lower its promise below ${JSON.stringify(before.aBallot)}`);
    invariant(this.accepted.size >= before.aAccepted.length, () => `acceptor ${this.host.self} would forget accepted pvalues`);
    this.host.saveDurable({ aBallot: this.ballot, aAccepted: this.acceptedList() });
  }

  /** Tell the replica on this node who leads now (not a spec step: a Stutter). */
  protected hintLeader(): void {
    this.host.send(this.host.self, { type: 'Accepting', leader: this.ballot.leader });
  }
}
