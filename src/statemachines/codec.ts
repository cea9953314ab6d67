/**
 * Adapts an application state machine (typed, JSON inputs) to the Node's StateMachine,
 * whose inputs are the strings carried in proposals. The Member serialises inputs with
 * JSON.stringify; here they are parsed back. A string that is not JSON becomes an error
 * output, so a replica never throws on a client's command.
 */
import type { StateMachine } from '../node/api.js';
import { type AppStateMachine, failure } from './types.js';

/**
 * The string a proposal carries for an application input: its JSON text.
 *
 * @throws TypeError when `input` is not JSON-serialisable (undefined, a function).
 */
export function encodeInput(input: unknown): string {
  const text = JSON.stringify(input);
  if (text === undefined) throw new TypeError('input must be JSON-serialisable (got undefined or a function)');
  return text;
}

/** Parses a proposal's input back; `{ ok: false }` when it is not JSON (never throws). */
export function decodeInput(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

/**
 * Adapts an application state machine (JSON inputs) to the Node's {@link StateMachine} (string inputs);
 * an input that is not JSON becomes an error output, so a replica never throws on a command.
 */
export function toNodeStateMachine<S, O>(app: AppStateMachine<S, O>): StateMachine<S> {
  return {
    initial: () => app.initial(),
    apply(state: S, input: string): [S, unknown] {
      const decoded = decodeInput(input);
      if (!decoded.ok) return [state, failure('BadInput', 'input is not valid JSON')];
      return app.apply(state, decoded.value);
    },
  };
}
