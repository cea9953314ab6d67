/**
 * A network that corrupts messages: wraps a real Node so that every Accept it receives has
 * its proposal's input altered on the way (the simulator's NodeFactory hook, so the sender
 * and the receiver are both the real code). Only the trace shows what was received.
 */
import type { NodeApi, NodeEnvironment, NodeId, NodeOptions } from '../node/api.js';
import type { NodeFactory } from '../sim/simulator.js';

function corrupt(envelope: unknown): unknown {
  const e = envelope as { message?: { type?: string; prop?: { input?: unknown } } } | null;
  if (!e || typeof e !== 'object' || e.message?.type !== 'Accept' || !e.message.prop) return envelope;
  const copy = structuredClone(e) as { message: { prop: { input: unknown } } };
  copy.message.prop.input = `${String(copy.message.prop.input)} (tampered)`;
  return copy;
}

export function corruptingFactory(inner: NodeFactory): NodeFactory {
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
