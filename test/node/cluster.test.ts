import { describe, expect, it } from 'vitest';
import type { Replica } from '../../src/roles/replica.js';
import { Cluster } from './harness.js';

const executed = (c: Cluster, id: number) => c.node(id).specState().rExecuted.map((p) => `${p.caller}:${p.clientId}`);
const appState = (c: Cluster, id: number) => (c.node(id).hostedRoles().find((r) => r.name === 'Replica') as Replica).appState;

describe('a three-node cluster of Nodes', () => {
  it('executes requests from every node in one order everywhere and answers each client', () => {
    const c = new Cluster([1, 2, 3]);

    c.invoke(1, 1, '1');
    c.invoke(2, 1, '10');
    c.invoke(3, 1, '100');
    c.run();

    for (const id of [1, 2, 3]) {
      expect(executed(c, id)).toEqual(executed(c, 1));
      expect(appState(c, id)).toBe(111);
      expect(c.resultsOf(id)).toHaveLength(1);
    }
    expect(new Set(executed(c, 1))).toEqual(new Set(['1:1', '2:1', '3:1']));
  });

  it('survives the loss of the leader: another node takes over and re-drives its slots', () => {
    const c = new Cluster([1, 2, 3]);
    c.invoke(2, 1, '5');
    c.run();
    expect(c.resultsOf(2)).toEqual([{ clientId: 1, output: 5 }]);

    c.crash(1);
    c.invoke(2, 2, '7');
    for (let i = 0; i < 10 && c.resultsOf(2).length < 2; i++) c.tick();

    expect(c.resultsOf(2)).toEqual([{ clientId: 1, output: 5 }, { clientId: 2, output: 12 }]);
    expect(executed(c, 3)).toEqual(['2:1', '2:2']);
    const leaders = [2, 3].filter((id) => c.node(id).specState().lActive);
    expect(leaders).toHaveLength(1);
  });

  it('a replica that missed Decisions catches up from its peers', () => {
    const c = new Cluster([1, 2, 3]);
    c.drop = (e) => e.to === 3 && e.message.type === 'Decision';
    c.invoke(1, 1, '1');
    c.invoke(1, 2, '2');
    c.run();
    expect(executed(c, 3)).toEqual([]);

    c.drop = () => false;
    c.invoke(2, 1, '3'); // a later decision reveals the gap
    c.run();
    for (let i = 0; i < 3; i++) c.tick();

    expect(executed(c, 3)).toEqual(executed(c, 1));
    expect(appState(c, 3)).toBe(6);
  });

  it('a restarted node rejoins through Join/Welcome, keeps its acceptor state, and answers duplicates', () => {
    const c = new Cluster([1, 2, 3]);
    c.invoke(3, 1, '4');
    c.run();
    const before = c.node(3).specState();

    const restarted = c.restart(3);
    expect(restarted.roleNames()).toEqual(['Requester', 'Bootstrap']);
    c.run();

    expect(restarted.roleNames()).toEqual(['Requester', 'Acceptor', 'Replica', 'Leader']);
    const after = restarted.specState();
    expect(after.aBallot).toEqual(before.aBallot);
    expect(after.aAccepted).toEqual(before.aAccepted);
    expect(after.rExecuted).toEqual(before.rExecuted);
    expect(appState(c, 3)).toBe(4);
    const restartEvents = c.events.filter((e) => e.node === 3 && e.action === 'NodeRestart');
    expect(restartEvents).toHaveLength(1);
    const seqs = c.events.filter((e) => e.node === 3).map((e) => e.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1)); // numbering continues across the restart

    c.invoke(3, 1, '4', { retry: true }); // the client re-sends, to the new incarnation, a request it sent before
    c.run();
    expect(c.resultsOf(3).at(-1)).toEqual({ clientId: 1, output: 4 });
    expect(appState(c, 3)).toBe(4); // answered from the duplicate table, not executed twice
  });

  it('recovers when every node restarted: unwelcomed Bootstraps welcome each other, the log is rebuilt', () => {
    const c = new Cluster([1, 2, 3]);
    for (let i = 1; i <= 3; i++) c.invoke(i, 1, String(i));
    c.run();
    const before = executed(c, 1);

    for (const id of [1, 2, 3]) c.restart(id);
    c.run();
    expect(c.node(1).roleNames()).toEqual(['Requester', 'Bootstrap']); // nobody is left to welcome
    for (let i = 0; i < 6; i++) c.tick();
    for (const id of [1, 2, 3]) expect(c.node(id).roleNames()).toContain('Replica');

    c.invoke(2, 2, '100'); // new work makes a leader re-drive what the acceptors accepted
    for (let i = 0; i < 10 && c.resultsOf(2).length < 2; i++) c.tick();

    for (const id of [1, 2, 3]) expect(executed(c, id).slice(0, 3)).toEqual(before);
    expect(c.resultsOf(2).at(-1)).toEqual({ clientId: 2, output: 106 });
  });

  it('forms from a Seed once a majority asked to Join, and then serves requests', () => {
    const c = new Cluster([1, 2, 3], {}, { 1: 'seed', 2: 'join', 3: 'join' });
    c.run();
    expect(c.node(2).roleNames()).toContain('Replica');
    expect(c.node(1).roleNames()).toEqual(['Requester', 'Seed']);

    c.tick(); // the seed lingers, then joins like anyone else
    c.tick();
    expect(c.node(1).roleNames()).toEqual(['Requester', 'Acceptor', 'Replica', 'Leader']);

    c.invoke(1, 1, '9');
    for (let i = 0; i < 5 && c.resultsOf(1).length === 0; i++) c.tick();
    expect(c.resultsOf(1)).toEqual([{ clientId: 1, output: 9 }]);
  });

  it('with duelling leaders still decides one value per slot', () => {
    const c = new Cluster([1, 2, 3]);
    // Every replica first proposes to itself, so all three leaders scout at once.
    for (const id of [1, 2, 3]) c.node(id).receive({ from: id === 1 ? 2 : 1, to: id, clock: 0, message: { type: 'Accepting', leader: id } });
    for (const id of [1, 2, 3]) c.invoke(id, 1, String(id));
    for (let i = 0; i < 20 && [1, 2, 3].some((id) => c.resultsOf(id).length === 0); i++) c.tick();

    for (const id of [1, 2, 3]) expect(c.resultsOf(id)).toHaveLength(1);
    const decided = new Map<number, string>();
    for (const e of c.events) {
      for (const m of e.sent) {
        if (m.type !== 'Decision') continue;
        const text = JSON.stringify(m.prop);
        expect(decided.get(m.slot) ?? text).toBe(text);
        decided.set(m.slot, text);
      }
    }
  });

  it('a Welcome taken by a Bootstrap is two events: its Stutter (the role change) and then the Replica\'s own action (RoleHost.redeliver closes the outer step)', () => {
    const c = new Cluster([1, 2, 3]);
    c.invoke(3, 1, '4');
    c.run();
    c.restart(3);
    const from = c.events.length;
    c.run();
    const welcome = c.events.slice(from).filter((e) => e.node === 3 && e.params.message?.type === 'Welcome');
    expect(welcome.map((e) => `${e.role} ${e.action}`)).toEqual(['Bootstrap Stutter', 'Replica ReplicaReceiveWelcome']);
    expect(welcome[1]!.seq).toBe(welcome[0]!.seq + 1);
    expect(welcome[1]!.clock).toBeGreaterThan(welcome[0]!.clock);
  });
});
