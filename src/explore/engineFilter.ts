/**
 * A state predicate of the .tla (an invariant or a constraint, by name) on many states in one
 * call of the embedded engine. tla-checker parses the whole spec on every call, so asking
 * explore_eval state by state cost about 9 ms a state on MultiPaxos, most of it parsing: three
 * quarters of a sampled conformance check on the racing models. Here the spec gets one more
 * definition, an Init that says "the variables equal one of these states, and the predicate
 * holds", and explore_init returns exactly the states where it is TRUE.
 */
import { tlaValueLiteral } from '../modelcheck/values/tlaLiteral.js';
import { type TlaState, fromTla, stateKey } from '../trace/replay/tlaCodec.js';
import { exploreInit, specWith } from '../trace/replay/tlaEngine.js';

const FILTER = 'EngineFilterInit';

/** One state as a TLA+ conjunction of "variable = value". */
const stateEquals = (s: TlaState): string => `(${Object.entries(s).map(([v, x]) => `${v} = ${tlaValueLiteral(x)}`).join(' /\\ ')})`;

/**
 * Whether the predicate `name` of `spec` holds in each of `states` (engine-encoded, as toTla
 * gives them), in their order. `cfg` is a cfg text with the line `INIT Init` (cfgText's).
 * A predicate that is not a Boolean in some state makes the engine fail, and this function throw.
 */
export function holdsOnEngine(spec: string, cfg: string, name: string, states: readonly TlaState[]): boolean[] {
  if (states.length === 0) return [];
  if (!/^INIT Init$/m.test(cfg)) throw new Error('holdsOnEngine: the cfg text has no line "INIT Init" to replace');
  const filter = `${FILTER} == (${states.map(stateEquals).join(' \\/ ')}) /\\ ${name}`;
  const held = exploreInit(specWith(spec, filter), cfg.replace(/^INIT Init$/m, `INIT ${FILTER}`));
  // The ghosts too (stateKey leaves them out): two states that differ only there are two states.
  const key = (s: TlaState): string => { const d = fromTla(s); return `${d.monotone}|${d.refines}|${stateKey(d.state, d.state.nodes.length - 1)}`; };
  const heldKeys = new Set(held.map(key));
  const keys = states.map(key);
  // A state the engine returns is one of those given (its Init allows no other): anything else is the filter's bug.
  const given = new Set(keys);
  for (const k of heldKeys) if (!given.has(k)) throw new Error(`holdsOnEngine: the engine returned a state that was not given, under ${name}`);
  return keys.map((k) => heldKeys.has(k));
}
