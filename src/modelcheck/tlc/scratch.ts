/**
 * TLC writes next to the spec (its states/ directory, trace-exploration specs): each run gets a
 * scratch directory holding a copy of the spec's modules and the model's cfg.
 */
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Scratch {
  dir: string;
  cfgFile: string;
  /** A path TLC reported inside the scratch copy, as the path of the spec's own file. */
  realPath: (file: string) => string;
  remove: () => void;
}

export function makeScratch(moduleName: string, moduleText: string, cfgText: string, specDir?: string): Scratch {
  const dir = mkdtempSync(join(tmpdir(), 'check-spec-'));
  if (specDir && existsSync(specDir)) {
    for (const f of readdirSync(specDir)) if (f.endsWith('.tla')) copyFileSync(join(specDir, f), join(dir, f));
  }
  writeFileSync(join(dir, `${moduleName}.tla`), moduleText);
  const cfgFile = join(dir, 'model.cfg');
  writeFileSync(cfgFile, cfgText);
  return {
    dir,
    cfgFile,
    realPath: (file) => {
      if (!file.startsWith(dir + '/')) return file;
      const rel = file.slice(dir.length + 1);
      return specDir ? join(specDir, rel) : rel;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
