/**
 * Adapts an application state machine (typed, JSON inputs) to the Node's StateMachine,
 * whose inputs are the strings carried in proposals. The Member serialises inputs with
 * JSON.stringify; here they are parsed back. A string that is not JSON becomes an error
 * output, so a replica never throws on a client's command.
 */
import type { StateMachine } from '../node/api.js';
import { type AppSnapshots, type AppStateMachine, failure } from './types.js';

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
 * An app that can snapshot and restore its state (bank, kv) keeps those two functions, which a
 * replica that takes checkpoints needs. `shareInputs: false`: parse every input afresh (a caller
 * that applies each input once, as the trace checker does, gains nothing from the cache).
 */
export function toNodeStateMachine<S, O>(app: AppStateMachine<S, O>, opts: { shareInputs?: boolean } = {}): StateMachine<S> & Partial<AppSnapshots<S>> {
  const decode = (app as Partial<ReadsInputOnly>).readsInputOnly === true && opts.shareInputs !== false ? sharedDecoder() : decodeInput;
  const adapted: StateMachine<S> = {
    initial: () => app.initial(),
    apply(state: S, input: string): [S, unknown] {
      const decoded = decode(input);
      if (!decoded.ok) return [state, failure('BadInput', 'input is not valid JSON')];
      return app.apply(state, decoded.value);
    },
    ...(app.fromJson !== undefined ? { fromJson: app.fromJson.bind(app) } : {}),
    ...(app.digest !== undefined ? { digest: app.digest.bind(app) } : {}),
  };
  const snapshots = app as Partial<AppSnapshots<S>>;
  if (typeof snapshots.snapshot !== 'function' || typeof snapshots.restore !== 'function') return adapted;
  return { ...adapted, snapshot: snapshots.snapshot.bind(app), restore: snapshots.restore.bind(app) };
}

/**
 * An app's promise that `apply` only reads its input (bank, kv). Its decoded inputs are then
 * frozen and shared: in a simulator every replica executes the same command string, and
 * parsing it once instead of once per replica was a twentieth of the run.
 */
export interface ReadsInputOnly {
  readonly readsInputOnly: true;
}

/** Inputs remembered per state machine; commands are executed by every replica within a few slots of each other. */
const SHARED_DECODES = 1024;
/** Longer inputs are parsed each time: the cache holds at most SHARED_DECODES small values. */
const SHARED_DECODE_MAX_LENGTH = 1024;

type Decoded = ReturnType<typeof decodeInput>;

function sharedDecoder(): (text: string) => Decoded {
  const recent = new Map<string, Decoded>();
  // The same keys in the order added, in a ring: the oldest is found there, not by a Map
  // iterator, which walks past every key deleted since the Map last rehashed (up to a thousand).
  const order: string[] = [];
  let oldest = 0;
  return (text) => {
    const hit = recent.get(text);
    if (hit !== undefined) return hit;
    const decoded = decodeInput(text);
    if (!decoded.ok || text.length > SHARED_DECODE_MAX_LENGTH) return decoded;
    deepFreeze(decoded.value); // an app breaking its read-only promise throws instead of changing another replica's command
    if (order.length < SHARED_DECODES) {
      order.push(text);
    } else {
      recent.delete(order[oldest]!);
      order[oldest] = text;
      oldest = (oldest + 1) % SHARED_DECODES;
    }
    recent.set(text, decoded);
    return decoded;
  };
}

function deepFreeze(value: unknown): void {
  if (typeof value !== 'object' || value === null) return;
  Object.freeze(value);
  for (const v of Object.values(value)) deepFreeze(v);
}
