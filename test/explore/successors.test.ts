/**
 * The explorer's successor enumeration (src/explore/successors.ts) skips the calls of
 * fastSpec's stepsFor that can only return nothing: it must give allSteps' steps, in
 * allSteps' order, on every state it is asked about.
 */
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../src/modelcheck/cfg/models.js';
import { explore } from '../../src/explore/explorer.js';
import { exploreModel } from '../../src/explore/model.js';
import { nodeKey } from '../../src/explore/stateCodec.js';
import { exploreSuccessors } from '../../src/explore/successors.js';
import { type Step, allSteps } from '../../src/trace/spec/fastSpec.js';
import { messageKey, propKey } from '../../src/trace/format/keys.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const show = (steps: Step[]) => steps.map((s) => [s.action, s.n, nodeKey(s.node), s.sent.map(messageKey), s.invoke ? propKey(s.invoke) : '', s.restart === true]);

describe('exploreSuccessors', () => {
  for (const name of ['ci-race-ballots', 'ci-normal', 'ci-checkpoint']) {
    it(`gives allSteps' steps in allSteps' order on a sample of ${name}'s states, and one state per received message`, () => {
      const m = exploreModel(loadModel(join(ROOT, 'spec', `${name}.cfg`)));
      const r = explore({ cfg: m.cfg, invariants: m.invariants, constraints: m.constraints, maxStates: 40_000, sample: { size: 300, seed: 3 }, samplePerMessage: true });
      const states = [...r.sample, ...r.messageSample];
      expect(states.length).toBeGreaterThan(300);
      let steps = 0;
      for (const s of states) {
        const expected = allSteps(m.cfg, s);
        steps += expected.length;
        expect(show(exploreSuccessors(m.cfg, s))).toEqual(show(expected));
      }
      expect(steps).toBeGreaterThan(1000);
    }, 300_000);
  }
});
