/**
 * A counterexample as check-fast prints it (counterexample.ts): each step's action with the
 * .tla's arguments, then what the step changed, as the new values. The CI tests replay the
 * trace on the engine but never read the text: a diff written the wrong way round (the values
 * the step replaced) or an action with the wrong arguments would mislead whoever reads it.
 */
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../src/modelcheck/cfg/models.js';
import { explore } from '../../src/explore/explorer.js';
import { exploreModel } from '../../src/explore/model.js';
import { actionArgs, formatViolation, witnessSteps } from '../../src/explore/counterexample.js';
import type { Step } from '../../src/trace/spec/fastSpec.js';
import type { Proposal, SpecMessage } from '../../src/trace/format/types.js';

const m = exploreModel(loadModel(join(resolve(import.meta.dirname, '..', '..'), 'test', 'spec', 'models', 'client-answers.cfg')));

describe('counterexample text', () => {
  // The first Promise: leader 1 spawns a scout (a Prepare), acceptor 1 answers it.
  const r = explore({ cfg: m.cfg, invariants: { NoPromise: (_b, s) => ([...s.msgs.values()].some((x) => x.type === 'Promise') ? 'a Promise was sent' : undefined) } });

  it('names each step with its arguments and shows the values the step wrote', () => {
    expect(r.verdict).toBe('violation');
    const lines = formatViolation(r.violation!, m.cfg.N).split('\n');
    expect(lines.slice(0, 4)).toEqual(['invariant NoPromise violated: a Promise was sent', 'counterexample (2 steps):', '0: Init', '1: LeaderSpawnScout(1)']);
    // After step 1 msgs holds the Prepare (not the empty set it replaced), and node 1 has a scout.
    expect(lines[4]).toMatch(/^ {5}msgs: \[\{"ballot":\{"leader":1,"num":0\},"type":"Prepare"\}\] \| node 1: /);
    expect(lines[5]).toBe('2: AcceptorReceivePrepare(1, {type:"Prepare",ballot:{num:0,leader:1}})');
    expect(lines[6]).toMatch(/^ {5}msgs: \[\{"accepted":\[\],"acceptor":1,.*"type":"Promise"\},\{.*"type":"Prepare"\}\] \| node 1: \{"leader":1,"num":0\}/);
    expect(lines).toHaveLength(7);
  });

  it('gives the .tla action\'s arguments: (r) for RequesterInvoke, (n, m) for a receipt, a Welcome\'s history as a tuple', () => {
    expect(witnessSteps(r.violation!.trace)).toEqual([
      { action: 'LeaderSpawnScout', args: [1] },
      { action: 'AcceptorReceivePrepare', args: [1, { type: 'Prepare', ballot: { num: 0, leader: 1 } }] },
    ]);
    const r1: Proposal = { caller: 1, clientId: 1, input: 'op' };
    const step = (action: Step['action'], param: Step['param']): Step => ({ action, n: 2, node: r.violation!.trace[0]!.state.nodes[2]!, sent: [], ...(param ? { param } : {}) });
    expect(actionArgs(step('RequesterInvoke', { proposal: r1 }))).toEqual([r1]);
    expect(actionArgs(step('ReplicaPropose', { proposal: r1 }))).toEqual([2, r1]);
    const welcome: SpecMessage = { type: 'Welcome', node: 2, slot: 2, decisions: [], executed: [r1] };
    expect(actionArgs(step('ReplicaReceiveWelcome', { message: welcome }))).toEqual([2, { ...welcome, executed: { __tuple: [r1] } }]);
    expect(actionArgs(step('NodeRestart', undefined))).toEqual([2]);
  });
});
