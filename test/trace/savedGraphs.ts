/**
 * The state graph check-spec saved for a model (check-spec --state-graph DIR; CI names DIR in
 * PAXOS_STATE_GRAPHS), when no spec file and not the model's cfg is newer than it: a graph of an
 * older spec could pass an encoding that the .tla of today refutes. Undefined otherwise (the
 * test then builds the graph itself).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { SPEC_DIR } from '../../scripts/check-conformance.js';

export function savedGraphFile(model: string): string | undefined {
  const dir = process.env.PAXOS_STATE_GRAPHS;
  const file = dir === undefined || dir === '' ? undefined : join(dir, `${model}.dot`);
  if (file === undefined || !existsSync(file)) return undefined;
  const sources = [...readdirSync(SPEC_DIR).filter((f) => f.endsWith('.tla')), `${model}.cfg`].map((f) => join(SPEC_DIR, f));
  const written = statSync(file).mtimeMs;
  return sources.every((f) => statSync(f).mtimeMs <= written) ? file : undefined;
}
