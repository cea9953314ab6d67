/**
 * A client library that renames retries: wraps a real Node so that a request re-sent after
 * the node restarted goes out under a fresh client id (the restarted node's Requester has
 * forgotten the old one, so the library assumes a new id is needed to be heard), and maps
 * the answer back to the id the application knows. When the old request was executed
 * before the crash, the fresh one is executed again: one invoke, two transfers.
 */
import type { NodeApi, NodeEnvironment, NodeId, NodeOptions, Output } from '../node/api.js';
import type { NodeFactory } from '../sim/simulator.js';

/** Client ids the library mints, far above the ones the application's requests use. */
const FRESH_ID_BASE = 2_000_000_000;

export function freshIdOnRetryFactory(inner: NodeFactory): NodeFactory {
  return (id: NodeId, peers: readonly NodeId[], options: NodeOptions, env: NodeEnvironment): NodeApi => {
    const node = inner(id, peers, options, env);
    /** Minted id -> the application's client id. */
    const applicationId = new Map<number, number>();
    let nextFreshId = FRESH_ID_BASE;
    const mapResults = <O extends Output>(out: O): O => ({
      ...out,
      results: out.results.map((r) => {
        const clientId = applicationId.get(r.clientId);
        return clientId === undefined ? r : { ...r, clientId };
      }),
    });
    return new Proxy(node, {
      get(target, prop, receiver) {
        if (prop === 'invoke') {
          return (clientId: number, input: string, opts?: { retry?: boolean }) => {
            if (opts?.retry !== true) return mapResults(target.invoke(clientId, input, opts));
            const fresh = nextFreshId++;
            applicationId.set(fresh, clientId);
            return mapResults(target.invoke(fresh, input));
          };
        }
        if (prop === 'receive') return (envelope: unknown) => mapResults(target.receive(envelope));
        if (prop === 'fireTimer') return (name: string, key?: string) => mapResults(target.fireTimer(name, key));
        if (prop === 'start') return () => mapResults(target.start());
        const v = Reflect.get(target, prop, receiver) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
  };
}
