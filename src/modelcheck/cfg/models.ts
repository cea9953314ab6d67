/** The models in a spec directory: every `<name>.cfg`, with its metadata comments. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { CfgError, parseCfg, type TlcConfig } from './cfg.js';
import type { Engine } from '../shared/types.js';

export interface ModelInfo {
  name: string;
  cfgPath: string;
  cfgText: string;
  cfg: TlcConfig;
  /** The module it checks (`\* module:`). */
  module: string;
  ci: boolean;
  engines: Engine[];
}

/** Lists and parses every model; a cfg that does not parse throws CfgError naming file and line. */
export function listModels(specDir: string): ModelInfo[] {
  if (!existsSync(specDir)) throw new CfgError(specDir, 0, 'spec directory does not exist');
  return readdirSync(specDir)
    .filter((f) => f.endsWith('.cfg'))
    .sort()
    .map((f) => loadModel(join(specDir, f)));
}

export function loadModel(cfgPath: string): ModelInfo {
  const cfgText = readFileSync(cfgPath, 'utf8');
  const cfg = parseCfg(cfgText, cfgPath);
  if (cfg.meta.module === undefined) throw new CfgError(cfgPath, 1, 'missing "\\* module: <Name>" comment on the first lines');
  return {
    name: basename(cfgPath, '.cfg'),
    cfgPath,
    cfgText,
    cfg,
    module: cfg.meta.module,
    ci: cfg.meta.ci ?? false,
    engines: cfg.meta.engines ?? ['embedded', 'tlc'],
  };
}

export class UnknownModel extends Error {
  constructor(readonly names: string[], readonly known: string[]) {
    super(`unknown model${names.length > 1 ? 's' : ''} ${names.join(', ')} (known: ${known.join(', ') || 'none'})`);
    this.name = 'UnknownModel';
  }
}

/** `--model` names if given, else all with `--all`, else the ci: true ones. */
export function selectModels(models: ModelInfo[], pick: { names: string[]; all: boolean }): ModelInfo[] {
  if (pick.names.length > 0) {
    const unknown = pick.names.filter((n) => !models.some((m) => m.name === n));
    if (unknown.length > 0) throw new UnknownModel(unknown, models.map((m) => m.name));
    return pick.names.map((n) => models.find((m) => m.name === n)!);
  }
  return pick.all ? models : models.filter((m) => m.ci);
}
