/**
 * The state machine a trace's replicas ran, from the header's `app`: the bank or the key-value
 * store, wrapped in the simulator's tracking machine when the header says `tracked` (its
 * digest as `trackedDigest` says), digesting states as the header's `app.digest` says.
 */
import type { StateMachine } from '../../node/api.js';
import { bank } from '../../statemachines/bank.js';
import { kv } from '../../statemachines/kv.js';
import { toNodeStateMachine } from '../../statemachines/codec.js';
import { trackedStateMachine } from '../../sim/tracking.js';
import type { TraceApp } from '../format/types.js';
import { StateTexts } from '../client/stateText.js';

export function appStateMachine(app: TraceApp): StateMachine<unknown> {
  // The checker applies each request's input once (one history for all replicas): sharing
  // decoded inputs would only freeze and remember each one for nothing.
  const machine = toNodeStateMachine<unknown, unknown>(app.name === 'bank' ? bank : kv, { shareInputs: false });
  // A trace written before the apps kept their entries' digest carries stateDigest: the checker
  // then takes that one (the machine without its own digest).
  const inner = app.digest === 'entries' ? machine : withoutOwnDigest(machine);
  if (!app.tracked) return inner;
  if (app.trackedDigest === 'chain') return trackedStateMachine(inner, () => {}, 'chain') as StateMachine<unknown>;
  // An older trace's whole-state digests: each state's text built from the last one's.
  const texts = new StateTexts();
  return trackedStateMachine(inner, () => {}, 'whole', (whole) => texts.digest(whole)) as StateMachine<unknown>;
}

function withoutOwnDigest<S>(machine: StateMachine<S>): StateMachine<S> {
  const { digest: _own, ...rest } = machine;
  return rest;
}
