/**
 * A network that corrupts state transfers: wraps a real Node so that every Welcome it
 * receives carries an application state with one value altered (a balance off by one, a
 * stored value with a byte more), as a flipped bit in an unchecked payload would. The log
 * the Welcome carries is intact, so the spec sees nothing; the joiner's state is not what
 * its history produces.
 */
import type { NodeApi, NodeEnvironment, NodeId, NodeOptions } from '../node/api.js';
import type { NodeFactory } from '../sim/simulator.js';

/** A copy of `value` with its first number or string leaf (depth first) changed, or undefined if it has none. */
export function alterFirstLeaf(value: unknown): unknown {
  if (typeof value === 'number') return value + 1;
  if (typeof value === 'string') return `${value}~`;
  if (value === null || typeof value !== 'object') return undefined;
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  for (const [k, v] of entries) {
    const altered = alterFirstLeaf(v);
    if (altered === undefined) continue;
    const copy = (Array.isArray(value) ? [...value] : { ...value }) as Record<string, unknown>;
    copy[k] = altered;
    return copy;
  }
  return undefined;
}

function corrupt(envelope: unknown): unknown {
  const e = envelope as { message?: { type?: string; state?: { app?: unknown } } } | null;
  if (!e || typeof e !== 'object' || e.message?.type !== 'Welcome' || e.message.state === undefined) return envelope;
  const altered = alterFirstLeaf(e.message.state.app);
  if (altered === undefined) return envelope; // an initial state: nothing to alter
  const copy = structuredClone(e) as { message: { state: { app: unknown } } };
  copy.message.state.app = altered;
  return copy;
}

export function welcomeCorruptingFactory(inner: NodeFactory): NodeFactory {
  return (id: NodeId, peers: readonly NodeId[], options: NodeOptions, env: NodeEnvironment): NodeApi => {
    const node = inner(id, peers, options, env);
    return new Proxy(node, {
      get(target, prop, receiver) {
        if (prop === 'receive') return (envelope: unknown) => target.receive(corrupt(envelope));
        const v = Reflect.get(target, prop, receiver) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
  };
}
