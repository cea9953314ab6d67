/**
 * toNodeStateMachine shares the decoded input of a read-only app among the replicas that run
 * the same command, for the last 1,024 distinct commands, oldest forgotten first.
 */
import { describe, expect, it } from 'vitest';
import { type ReadsInputOnly, toNodeStateMachine } from '../../src/statemachines/codec.js';
import type { AppStateMachine } from '../../src/statemachines/types.js';

/** An app that hands back the very input object it was given. */
const echo: AppStateMachine<number, unknown> & ReadsInputOnly = {
  readsInputOnly: true,
  initial: () => 0,
  apply: (state, input) => [state + 1, input],
};

describe('shared decodes', () => {
  it('gives every run of a recent command the same frozen object and forgets the oldest first', () => {
    const sm = toNodeStateMachine(echo);
    const run = (text: string) => sm.apply(0, text)[1];
    const text = (i: number) => JSON.stringify({ op: 'cmd', i });
    const first = new Map<number, unknown>();
    for (let i = 0; i < 1024; i++) first.set(i, run(text(i)));
    expect(Object.isFrozen(first.get(0))).toBe(true);
    for (let i = 0; i < 1024; i++) expect(run(text(i))).toBe(first.get(i)); // all 1,024 still held

    for (let i = 1024; i < 1024 + 10; i++) run(text(i)); // ten more: the ten oldest go
    for (let i = 0; i < 10; i++) expect(run(text(i + 10))).toBe(first.get(i + 10));
    for (let i = 0; i < 10; i++) {
      const again = run(text(i)); // decoded anew (and the next oldest goes)
      expect(again).not.toBe(first.get(i));
      expect(again).toEqual(first.get(i));
    }
  });
});
