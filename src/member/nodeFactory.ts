/**
 * How a host (the simulator or a Member) builds a Node. Injected so tests can substitute
 * a fake or a mutant node; the default builds the real one.
 */
import type { NodeApi, NodeEnvironment, NodeId, NodeOptions } from '../node/api.js';
import { Node, type CheckpointOptions } from '../node/node.js';

/**
 * Builds the sans-IO node a {@link Member} drives; {@link MemberOptions.createNode} replaces the default (tests, mutants).
 */
export type NodeFactory = (id: NodeId, peers: readonly NodeId[], options: NodeOptions & CheckpointOptions, env: NodeEnvironment) => NodeApi;

/** Builds the real {@link Node} with the default roles. */
export const defaultNodeFactory: NodeFactory = (id, peers, options, env) => new Node(id, peers, env, options);
