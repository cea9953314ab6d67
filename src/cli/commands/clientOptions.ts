/** The options `paxos invoke` and `paxos status` share: where the nodes' client ports are, and the key. */
import { randomInt } from 'node:crypto';
import { readClusterKey } from '../../transport/clusterKey.js';
import { intOption, type Parsed, parsePeers, requiredString, stringOption, UsageError } from '../args.js';
import type { ClientAddress } from '../client/connection.js';
import { CLIENT_ID_MAX, CLIENT_ID_MIN, CLIENT_PORT_OFFSET } from '../client/protocol.js';

export const CLIENT_OPTIONS = {
  peers: { type: 'string' }, clients: { type: 'string' }, 'key-file': { type: 'string' }, 'client-id': { type: 'string' },
  timeout: { type: 'string' },
} as const;

export const CLIENT_OPTION_HELP: readonly (readonly [string, string])[] = [
  ['--peers LIST', `the cluster, as given to paxos node (1=HOST:PORT,...); clients connect to PORT+${CLIENT_PORT_OFFSET}`],
  ['--clients LIST', 'the nodes\' client ports instead (1=HOST:PORT,...), when --client-port was set on the nodes'],
  ['--key-file FILE', 'the cluster key'],
  ['--client-id C', `this client's id, ${CLIENT_ID_MIN}..${CLIENT_ID_MAX} (default: random)`],
  ['--timeout S', 'seconds to wait for an answer (default 15)'],
];

export interface ClientSetup {
  readonly nodes: Map<number, ClientAddress>;
  readonly key: Buffer;
  readonly clientId: number;
  readonly timeoutMs: number;
}

export function clientSetup(command: string, p: Parsed): ClientSetup {
  const clients = stringOption(p, 'clients');
  const list = clients !== undefined
    ? parsePeers(command, clients).map((e) => [e.id, { host: e.host, port: e.port }] as const)
    : parsePeers(command, requiredString(command, p, 'peers')).map((e) => {
      const port = e.port + CLIENT_PORT_OFFSET;
      // paxos node refuses such a default too (it needs --client-port): say so here, not at connect.
      if (port > 65_535) throw new UsageError(`${command}: --peers: node ${e.id}'s client port would be ${port} (its port + ${CLIENT_PORT_OFFSET}), above 65535: give the client ports with --clients`);
      return [e.id, { host: e.host, port }] as const;
    });
  const keyFile = requiredString(command, p, 'key-file');
  const clientId = intOption(command, p, 'client-id', { min: CLIENT_ID_MIN, max: CLIENT_ID_MAX }, randomInt(CLIENT_ID_MIN, CLIENT_ID_MAX));
  const timeoutMs = intOption(command, p, 'timeout', { min: 1, max: 3600 }, 15) * 1000;
  return { nodes: new Map(list), key: readClusterKey(keyFile), clientId, timeoutMs };
}
