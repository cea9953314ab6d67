/** A three-node cluster of in-process NodeHosts on loopback, traced, for the CLI tests. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '../../src/cli/log.js';
import type { NodeHostOptions } from '../../src/cli/node/host.js';
import { PROCESS_TIMING } from '../../src/cli/node/timing.js';
import { generateClusterKey } from '../../src/transport/clusterKey.js';
import { freeBasePort } from './helpers.js';

export interface HostCluster {
  readonly dir: string;
  readonly key: Buffer;
  readonly traceDir: string;
  /** Every node's log lines, parsed. */
  readonly logs: Record<string, unknown>[];
  /** Node `id`'s options: `isNew` for its first start, false for a restart from its data directory. */
  options(id: number, isNew: boolean): NodeHostOptions;
}

export async function hostCluster(prefix: string, over: Partial<NodeHostOptions> & { runId: string }): Promise<HostCluster> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const key = generateClusterKey(join(dir, 'cluster.key'));
  const base = await freeBasePort(3);
  const peers = [1, 2, 3].map((id) => ({ id, host: '127.0.0.1', port: base + id - 1 }));
  const traceDir = join(dir, 'traces');
  const logs: Record<string, unknown>[] = [];
  return {
    dir, key, traceDir, logs,
    options: (id, isNew) => ({
      id, peers, dataDir: join(dir, `data${id}`), key, app: 'bank', isNew, traceDir,
      clientPort: base + id - 1 + 1000, timing: PROCESS_TIMING,
      logger: new Logger({ node: id, write: (l) => logs.push(JSON.parse(l) as Record<string, unknown>) }),
      ...over,
    }),
  };
}
