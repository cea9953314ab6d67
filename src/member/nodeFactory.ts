/**
 * How a host (the simulator or a Member) builds a Node. Injected so tests can substitute
 * a fake or a mutant node; the default builds the real one.
 */
import type { NodeApi, NodeEnvironment, NodeId, NodeOptions } from '../node/api.js';
import { Node } from '../node/node.js';

export type NodeFactory = (id: NodeId, peers: readonly NodeId[], options: NodeOptions, env: NodeEnvironment) => NodeApi;

export const defaultNodeFactory: NodeFactory = (id, peers, options, env) => new Node(id, peers, env, options);
