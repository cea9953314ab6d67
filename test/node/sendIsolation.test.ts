/**
 * A message is copied at the step that sends it: whatever its role does afterwards (a Member
 * may hold the envelope until an fsync completes, across later calls) changes nothing sent.
 */
import { describe, expect, it } from 'vitest';
import type { Message, NodeEnvironment, NodeSpecState } from '../../src/node/api.js';
import { IN_PROCESS_HOST } from '../../src/node/inProcessHost.js';
import { Node } from '../../src/node/node.js';
import { Role } from '../../src/node/role.js';
import type { Prepare } from '../../src/protocol/messages.js';
import { Acceptor } from '../../src/roles/acceptor.js';
import { counter } from '../roles/fake-host.js';

/** Keeps the Promise it sent and scribbles on it when the next Prepare arrives. */
class RetainingAcceptor extends Acceptor {
  /** The very object handed to send(), typed writable: what a careless role could do to it. */
  sent: { type: 'Promise'; acceptor: number; ballot: { num: number; leader: number }; promised: { num: number; leader: number }; accepted: unknown[] } | undefined;
  override receivePrepare(m: Prepare): void {
    if (this.sent !== undefined) {
      this.sent.ballot.num = 999;
      this.sent.accepted.push({ ballot: m.ballot, slot: 1, prop: { caller: 1, clientId: 1, input: 'late' } });
    }
    this.sent = { type: 'Promise', acceptor: this.host.self, ballot: { ...m.ballot }, promised: { ...m.ballot }, accepted: [] };
    this.host.send(m.ballot.leader, this.sent as Message);
    this.host.action('Acceptor', 'AcceptorReceivePrepare');
  }
}

describe.each([
  ['a validating host', { durable: undefined }],
  ['an in-process host', { durable: undefined, inputs: IN_PROCESS_HOST }],
] as [string, NodeEnvironment][])('a Node under %s', (_host, env) => {
  it('hands out a copy of each sent message, taken at its step', () => {
    const node = new Node(1, [1, 2, 3], env, { stateMachine: counter, roles: { Acceptor: RetainingAcceptor } });
    node.start();
    const first = node.receive({ from: 2, to: 1, clock: 0, message: { type: 'Prepare', ballot: { num: 5, leader: 2 } } });
    const sentFirst = JSON.stringify(first.messages);

    node.receive({ from: 3, to: 1, clock: 0, message: { type: 'Prepare', ballot: { num: 6, leader: 3 } } });

    expect(JSON.stringify(first.messages)).toBe(sentFirst);
    expect(first.messages[0]!.message).toEqual({ type: 'Promise', acceptor: 1, ballot: { num: 5, leader: 2 }, promised: { num: 5, leader: 2 }, accepted: [] });
  });
});

describe('a message a node sends itself', () => {
  it('is copied at its step too: the receiving role gets what was sent, not what the sender made of it later', () => {
    // The local queue delivers after the sending step, in the same call: a role that goes on
    // changing the object it sent (or a receiver that keeps and changes what it got) must not
    // reach across, as it cannot through the network.
    const received: Message[] = [];
    let sentObject: Message | undefined;
    class SelfSender extends Role {
      readonly name = 'Bootstrap' as const;
      readonly handles = ['Prepare'] as const;
      override start(): void {
        const m = { type: 'Prepare' as const, ballot: { num: 1, leader: 1 } };
        sentObject = m;
        this.host.send(this.host.self, m);
        this.host.action('Bootstrap', 'Send');
        m.ballot.num = 99; // a later change of the sender's own object, before the queue drains
      }
      receive(_from: number, m: Message): void { received.push(m); }
      snapshot(_s: NodeSpecState): void {}
    }
    const node = new Node(1, [1, 2, 3], { durable: undefined }, { stateMachine: counter, startAs: 'join', roles: { Bootstrap: SelfSender } });
    node.start();
    expect(received).toEqual([{ type: 'Prepare', ballot: { num: 1, leader: 1 } }]);
    expect(received[0]).not.toBe(sentObject);
  });
});
