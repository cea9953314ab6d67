/**
 * CHECK_DEADLOCK in the explorer, as TLC has it: checked unless the cfg says FALSE, a state
 * without successors is a violation, in the sequential search (explorer.ts) and in each part of
 * the parallel one (partition.ts). Every CI cfg says CHECK_DEADLOCK FALSE and MultiPaxos does
 * not deadlock, so no search of theirs can show a deadlock check that is off or missing: a
 * planted successor function that stops after one step does.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../src/modelcheck/cfg/models.js';
import { explore } from '../../src/explore/explorer.js';
import { exploreModel } from '../../src/explore/model.js';
import type { SuccessorFn } from '../../src/explore/mutantSteps.js';
import { Partition, type PartModel } from '../../src/explore/partition.js';
import type { SpecConfig } from '../../src/trace/spec/specState.js';
import { initialState } from '../../src/trace/spec/specState.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const CI_NORMAL = join(ROOT, 'spec', 'ci-normal.cfg');

/** Acceptor 1 promises ballot 1, and then nothing is enabled: two states, the second a deadlock. */
function stopsAfterOneStep(cfg: SpecConfig): SuccessorFn {
  const init = initialState(cfg);
  const promised = { ...init.nodes[1]!, aBallot: { num: 1, leader: 1 } };
  return (_cfg, s) => (s.nodes[1]!.aBallot.num === 0 ? [{ action: 'AcceptorReceivePrepare', n: 1, node: promised, sent: [] }] : []);
}

describe('CHECK_DEADLOCK in the explorer', () => {
  it('is on for a cfg without the line (TLC\'s default), off only for CHECK_DEADLOCK FALSE', () => {
    const text = readFileSync(CI_NORMAL, 'utf8');
    expect(text).toContain('CHECK_DEADLOCK FALSE\n');
    const dir = mkdtempSync(join(tmpdir(), 'explore-deadlock-'));
    const write = (name: string, body: string) => { writeFileSync(join(dir, `${name}.cfg`), body); return loadModel(join(dir, `${name}.cfg`)); };
    expect(exploreModel(write('absent', text.replace('CHECK_DEADLOCK FALSE\n', ''))).checkDeadlock).toBe(true);
    expect(exploreModel(write('on', text.replace('CHECK_DEADLOCK FALSE', 'CHECK_DEADLOCK TRUE'))).checkDeadlock).toBe(true);
    expect(exploreModel(loadModel(CI_NORMAL)).checkDeadlock).toBe(false);
  });

  it('sequential search: a state without successors is a deadlock, with its trace from Init', () => {
    const m = exploreModel(loadModel(CI_NORMAL));
    const successors = stopsAfterOneStep(m.cfg);
    const r = explore({ cfg: m.cfg, successors, checkDeadlock: true });
    expect(r.verdict).toBe('violation');
    expect(r.violation).toMatchObject({ property: 'Deadlock', kind: 'deadlock' });
    expect(r.violation!.trace.map((t) => t.action)).toEqual(['Init', 'AcceptorReceivePrepare']);
    expect(explore({ cfg: m.cfg, successors, checkDeadlock: false })).toMatchObject({ verdict: 'pass', distinct: 2 });
  });

  it('parallel search: the part that owns the deadlocked state reports it', () => {
    const m = exploreModel(loadModel(CI_NORMAL));
    const successors = stopsAfterOneStep(m.cfg);
    const run = (checkDeadlock: boolean) => {
      const model: PartModel = { ...m, invariants: {}, stepProperties: {}, constraints: {}, checkDeadlock };
      // One part owning every state, level by level until a violation or an empty frontier.
      const part = new Partition(model, { part: 0, parts: 1 }, successors);
      for (let level = 0; level < 10 && part.frontierSize > 0; level++) {
        const r = part.runLevel();
        if (r.violation !== undefined) return r.violation;
        part.swap();
      }
      return undefined;
    };
    expect(run(true)).toMatchObject({ property: 'Deadlock', kind: 'deadlock', at: { part: 0, id: 1 } });
    expect(run(false)).toBeUndefined();
  });
});
