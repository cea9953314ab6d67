/** A whole trace file split into one part file per node, as node processes write them (shared by the merge tests). */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TraceHeader } from '../../src/trace/format/types.js';

/** Writes `dir/<name>.node<N>.ndjson` for every node of the trace at `path`: the header with its part, then that node's lines. */
export function perNodeParts(path: string, dir: string, name: string): { files: string[]; events: number } {
  const [head, ...lines] = readFileSync(path, 'utf8').trimEnd().split('\n');
  const header = JSON.parse(head!) as TraceHeader;
  const files = header.cluster.nodes.map((node) => {
    const part = join(dir, `${name}.node${node}.ndjson`);
    const mine = lines.filter((l) => (JSON.parse(l) as { node: number }).node === node);
    writeFileSync(part, [JSON.stringify({ ...header, part: { node } }), ...mine].join('\n') + '\n');
    return part;
  });
  return { files, events: lines.length };
}
