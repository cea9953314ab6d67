/** Loads tla-checker (a TLA+ model checker compiled to WebAssembly) once per thread. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tlaChecker from 'tla-checker';

export type TlaChecker = typeof tlaChecker;

const require = createRequire(import.meta.url);

/** Absolute paths of tla-checker's JS glue and its .wasm (a worker thread loads them itself). */
export function tlaCheckerPaths(): { js: string; wasm: string } {
  const js = require.resolve('tla-checker');
  return { js, wasm: join(dirname(js), 'tla_checker_bg.wasm') };
}

let loaded = false;

export function loadTlaChecker(): TlaChecker {
  if (!loaded) {
    tlaChecker.initSync({ module: readFileSync(tlaCheckerPaths().wasm) });
    loaded = true;
  }
  return tlaChecker;
}
