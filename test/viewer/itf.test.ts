/** Counterexamples (ITF, as check-spec writes them) as runs to draw: who took each step, what it received. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { matchArrows } from '../../src/viewer/arrows.js';
import { FLAG, eventFlags } from '../../src/viewer/layout.js';
import { readItf } from '../../src/viewer/readItf.js';
import { ViewerInputError } from '../../src/viewer/types.js';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const load = (name: string): unknown => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8'));

describe('an ITF counterexample', () => {
  const file = 'volatile-acceptor.itf.json';
  const run = readItf(load(file), file);
  const steps = run.events.filter((e) => e.action !== 'Init');

  it('gives every node an Init event on row 0, then one step per state, each on its own row', () => {
    expect(run.kind).toBe('counterexample');
    expect(run.nodes).toEqual([1, 2]);
    expect(run.events.slice(0, 2).map((e) => [e.node, e.action, e.row])).toEqual([[1, 'Init', 0], [2, 'Init', 0]]);
    expect(steps.map((e) => e.row)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
  });

  it('names each step by the state\'s action and finds the node that took it', () => {
    expect(steps.map((e) => `${e.node} ${e.action}`)).toEqual([
      '1 LeaderSpawnScout', '1 AcceptorReceivePrepare', '2 AcceptorReceivePrepare', '1 ScoutReceivePromise',
      '1 ScoutReceivePromise', '1 LeaderReceiveAdopted', '1 RequesterInvoke', '1 ReplicaReceiveInvoke', '1 ReplicaPropose',
      '1 LeaderReceivePropose', '1 AcceptorReceiveAccept', '1 NodeRestart',
    ]);
    // Only the restart needed guessing: under VolatileAcceptor it forgets what the correct spec keeps.
    expect(steps.filter((e) => 'note' in e.raw)).toEqual([steps.at(-1)]);
    expect(steps.at(-1)!.raw.note).toMatch(/no step of this action/);
  });

  it('finds the message each step received and the step that sent it, so arrows join them', () => {
    const promise2 = steps[4]!;
    expect(promise2.raw.params).toMatchObject({ from: 2, message: { type: 'Promise', acceptor: 2 } });
    const arrows = matchArrows(run.events).arrows.map((a) => `${run.events[a.from]!.action}->${run.events[a.to]!.action} ${a.type}`);
    expect(arrows).toContain('LeaderSpawnScout->AcceptorReceivePrepare Prepare');
    expect(arrows).toContain('AcceptorReceivePrepare->ScoutReceivePromise Promise');
    expect(arrows).toContain('ScoutReceivePromise->LeaderReceiveAdopted Adopted');
    expect(matchArrows(run.events).unmatched).toEqual([]);
  });

  it('highlights the last state with the property it violates, and marks the crash and the leader', () => {
    expect(run.highlight).toMatchObject({ event: run.events.length - 1, title: 'AcceptorMonotonicity is violated in state 12 (the last one)' });
    const { flags } = eventFlags(run.events, [], run.highlight!.event, run.initialStates);
    expect(flags[run.events.length - 1]! & FLAG.crash).toBe(FLAG.crash);
    expect(flags[run.events.length - 1]! & FLAG.highlight).toBe(FLAG.highlight);
    const adopted = run.events.findIndex((e) => e.action === 'LeaderReceiveAdopted');
    expect(flags[adopted]! & FLAG.leaderUp).toBe(FLAG.leaderUp);
  });

  it('reads the booleans check-spec writes as model values', () => {
    const adopted = steps.find((e) => e.action === 'LeaderReceiveAdopted')!;
    expect((adopted.raw.state as { lActive: unknown }).lActive).toBe(true);
  });
});

describe('a counterexample of a Mutant model', () => {
  const file = 'execute-own-proposal.itf.json';
  const run = readItf(load(file), file);

  it('infers the node and input of a step the correct spec does not take, and says so', () => {
    const last = run.events.at(-1)!;
    expect(last.action).toBe('ReplicaExecute');
    expect(last.node).toBe(2);
    expect(last.raw.note).toMatch(/inferred from what changed/);
    expect(run.events.filter((e) => e.raw.note !== undefined)).toHaveLength(1);
    expect(run.highlight?.title).toBe('ClientAnswers is violated in state 19 (the last one)');
  });

  it('names no message when the step could have taken either of two (no guessed arrow)', () => {
    // State 5 is node 1's scout taking the second Promise; with node 1's rSlotIn changed as no
    // correct step changes it, the step is inferred, and both acceptors' Promises could be it.
    const doc = load('volatile-acceptor.itf.json') as { states: Array<{ rSlotIn: { '#tup': unknown[] } }> };
    doc.states[5]!.rSlotIn['#tup'][0] = { '#bigint': '7' };
    const tampered = readItf(doc, 'tampered.itf.json');
    const i = tampered.events.findIndex((e) => e.row === 5);
    const step = tampered.events[i]!;
    expect([step.node, step.action]).toEqual([1, 'ScoutReceivePromise']);
    expect(step.raw.note).toMatch(/inferred from what changed/);
    expect(step.raw.params).toEqual({});
    expect(matchArrows(tampered.events).arrows.filter((a) => a.to === i)).toEqual([]);
  });
});

describe('other ITF documents', () => {
  it('draws a counterexample of another module on one lane, its variables in TLA+ syntax', () => {
    const doc = {
      '#meta': { violated: 'Small' }, vars: ['x'],
      states: [{ '#meta': { index: 0 }, x: { '#bigint': '0' } }, { '#meta': { index: 1, action: 'Inc' }, x: { '#set': [{ '#bigint': '1' }] } }],
    };
    const run = readItf(doc, 'other.itf.json');
    expect(run.events.map((e) => [e.node, e.action, e.raw.state])).toEqual([[null, 'Init', { x: '0' }], [null, 'Inc', { x: '{1}' }]]);
    expect(run.highlight?.title).toBe('Small is violated in state 1 (the last one)');
    expect(run.notes[0]).toMatch(/not a MultiPaxos counterexample/);
  });

  it('rejects what is not a counterexample with a message', () => {
    expect(() => readItf({ vars: [] }, 'x.json')).toThrow(ViewerInputError);
    expect(() => readItf({ states: [] }, 'x.json')).toThrow(/no states/);
    expect(() => readItf([1, 2], 'x.json')).toThrow(/not an ITF counterexample/);
  });
});
