#!/usr/bin/env node
// The `paxos` command (src/cli). In a clone, it runs the TypeScript sources through tsx (a
// dev dependency, so `npm install` is all it takes and the sources are never stale); where
// the sources or tsx are absent (the package installed as a dependency), it runs the
// JavaScript that `prepare` built into dist/.
import { existsSync } from 'node:fs';

const source = new URL('../src/cli/main.ts', import.meta.url);
const built = new URL('../dist/cli/main.js', import.meta.url);

async function load() {
  if (existsSync(source)) {
    let tsx;
    try {
      tsx = await import('tsx/esm/api');
    } catch {
      tsx = undefined;
    }
    if (tsx !== undefined) {
      tsx.register();
      return import(source.href);
    }
  }
  if (existsSync(built)) return import(built.href);
  process.stderr.write('paxos: neither src/cli with tsx nor dist/cli was found; run npm install (or npm run build) first\n');
  process.exit(1);
}

const { main } = await load();
const code = await main(process.argv.slice(2));
// A stopped node or cluster may leave handles (a closing socket) that would keep the process up.
process.exit(code);
