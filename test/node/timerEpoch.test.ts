/**
 * A rejoin (RoleHost.rejoin: NodeRestart without a crash) ignores every timer armed before it:
 * the roles that armed them are gone, and their successors arm the same timers again, so an
 * old one still firing would start a second chain of a periodic timer beside the new one.
 * Timers armed after the k-th rejoin carry epoch k in their key; a timer of any other epoch,
 * or one armed unkeyed before the first rejoin, changes nothing.
 */
import { describe, expect, it } from 'vitest';
import type { NodeSpecState } from '../../src/node/api.js';
import { Node } from '../../src/node/node.js';
import { Role } from '../../src/node/role.js';
import type { Message } from '../../src/protocol/messages.js';
import { counter } from '../roles/fake-host.js';

const TICK = 'Bootstrap.tick';
const REJOIN = 'Bootstrap.rejoin';

describe('timers across rejoins', () => {
  it('reach only the roles of the current epoch', () => {
    // Stands in for the Bootstrap a node starts with and each rejoin starts again: it arms
    // a periodic tick, numbers its incarnation, and rejoins when told to.
    const ticks: string[] = [];
    let incarnations = 0;
    class Ticker extends Role {
      readonly name = 'Bootstrap' as const;
      readonly handles = [] as const;
      private readonly incarnation = ++incarnations;
      override start(): void { this.host.setTimer(TICK, undefined, 10); }
      override onTimer(name: string): void {
        if (name === TICK) ticks.push(`ticker ${this.incarnation}`);
        if (name === REJOIN) this.host.rejoin();
      }
      receive(_from: number, _m: Message): void {}
      snapshot(_s: NodeSpecState): void {}
    }
    const node = new Node(1, [1, 2, 3], { durable: undefined }, { stateMachine: counter, startAs: 'join', roles: { Bootstrap: Ticker } });
    const armed = node.start().timers;
    expect(armed).toEqual([{ name: TICK, afterMs: 10 }]);
    node.fireTimer(TICK);
    expect(ticks).toEqual(['ticker 1']);

    // The first rejoin: the new incarnation's tick carries epoch 1; the unkeyed one is stale.
    const first = node.fireTimer(REJOIN).timers;
    expect(first).toEqual([{ name: TICK, key: '@1', afterMs: 10 }]);
    node.fireTimer(TICK);
    node.fireTimer(TICK, '@1');
    expect(ticks).toEqual(['ticker 1', 'ticker 2']);

    // The second: only epoch 2 reaches the third incarnation; epoch 1 and unkeyed are stale.
    const second = node.fireTimer(REJOIN, '@1').timers;
    expect(second).toEqual([{ name: TICK, key: '@2', afterMs: 10 }]);
    node.fireTimer(TICK, '@1');
    node.fireTimer(TICK);
    node.fireTimer(TICK, '@3');
    node.fireTimer(TICK, '@2');
    expect(ticks).toEqual(['ticker 1', 'ticker 2', 'ticker 3']);
  });

  it('leaves a keyed timer armed after a rejoin under its own key, so it reaches the instance it names', () => {
    // Scouts and Commanders arm timers keyed by their instance: tagged with the epoch instead,
    // they would find no instance of that key, and a retransmission would never run.
    const fired: string[] = [];
    let incarnations = 0;
    class KeyedRetry extends Role {
      readonly name = 'Scout' as const;
      readonly handles = [] as const;
      constructor(host: ConstructorParameters<typeof Role>[0], private readonly incarnation: number) { super(host); }
      override start(): void { this.host.setTimer('Scout.retry', '1.1', 10); }
      override onTimer(name: string): void { fired.push(`${name} of scout ${this.incarnation}`); }
      override routeKey(): string { return '1.1'; }
      receive(_from: number, _m: Message): void {}
      snapshot(_s: NodeSpecState): void {}
    }
    class Spawner extends Role {
      readonly name = 'Bootstrap' as const;
      readonly handles = [] as const;
      override start(): void { this.host.addRole(new KeyedRetry(this.host, ++incarnations)); }
      override onTimer(name: string): void { if (name === REJOIN) this.host.rejoin(); }
      receive(_from: number, _m: Message): void {}
      snapshot(_s: NodeSpecState): void {}
    }
    const node = new Node(1, [1, 2, 3], { durable: undefined }, { stateMachine: counter, startAs: 'join', roles: { Bootstrap: Spawner } });
    expect(node.start().timers).toEqual([{ name: 'Scout.retry', key: '1.1', afterMs: 10 }]);
    const rejoined = node.fireTimer(REJOIN).timers;
    expect(rejoined).toEqual([{ name: 'Scout.retry', key: '1.1', afterMs: 10 }]);
    node.fireTimer('Scout.retry', '1.1');
    expect(fired).toEqual(['Scout.retry of scout 2']);
  });
});
