/** The simulator builds Nodes the same way a Member does (see src/member/nodeFactory.ts). */
export { defaultNodeFactory, type NodeFactory } from '../member/nodeFactory.js';
