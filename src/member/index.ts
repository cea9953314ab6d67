export { Member, DEFAULT_DEADLINE_MS, type MemberOptions } from './member.js';
export { DeadlineExceededError, InvokeRefusedError, MemberStateError, MemberStoppedError } from './errors.js';
export { type Transport } from './transport.js';
export { InMemoryNetwork, type InMemoryNetworkOptions } from './inMemoryTransport.js';
export { UdpTransport, LOOPBACK, MAX_DATAGRAM_BYTES, RECEIVE_BUFFER_BYTES, type UdpOptions, type UdpStats } from './udpTransport.js';
export { DEFAULT_PACE, type PaceOptions } from './pacer.js';
export { type NodeFactory, defaultNodeFactory } from './nodeFactory.js';
export * from '../transport/index.js';
