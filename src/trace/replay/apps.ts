/**
 * The state machine a trace's replicas ran, from the header's `app`: the bank or the key-value
 * store, wrapped in the simulator's tracking machine when the header says `tracked`.
 */
import type { StateMachine } from '../../node/api.js';
import { bank } from '../../statemachines/bank.js';
import { kv } from '../../statemachines/kv.js';
import { toNodeStateMachine } from '../../statemachines/codec.js';
import { trackedStateMachine } from '../../sim/tracking.js';
import type { TraceApp } from '../format/types.js';

export function appStateMachine(app: TraceApp): StateMachine<unknown> {
  const inner = toNodeStateMachine<unknown, unknown>(app.name === 'bank' ? bank : kv);
  return app.tracked ? (trackedStateMachine(inner, () => {}) as StateMachine<unknown>) : inner;
}
