/** npm run tlc:install: puts TLC's tla2tools.jar at .tlc/tla2tools.jar (see docs/check-spec.md). */
import { join } from 'node:path';
import { repoRoot } from '../src/modelcheck/check.js';
import { DEFAULT_JAR, findJava } from '../src/modelcheck/tlc/runner.js';
import { installTlc, InstallError } from '../src/modelcheck/tlc/install.js';
import { noArguments } from './commandLine.js';

noArguments('tlc:install', 'usage: npm run tlc:install (no options; TLC_JAR_URL=<url> downloads from there instead of the release)');

const dest = join(repoRoot(), DEFAULT_JAR);
// TLC_JAR_URL overrides the release URL (a mirror, or a test of the offline path).
installTlc({ dest, url: process.env.TLC_JAR_URL || undefined, java: findJava(), log: (s) => process.stderr.write(s) }).then(
  (r) => { process.stdout.write(`installed ${r.path} (${r.bytes} bytes)${r.version ? `: ${r.version}` : ''}\n`); },
  (e: unknown) => {
    process.stderr.write(`tlc:install: ${e instanceof InstallError ? e.message : `internal error: ${(e as Error).message}`}\n`);
    process.exitCode = 1;
  },
);
