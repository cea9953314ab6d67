/**
 * `npm run docs` must build without a warning: typedoc.json treats warnings as errors and asks
 * for a doc comment on every exported declaration reachable from src/index.ts, so a new
 * export without one, or a type referenced but not exported, fails here.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TYPEDOC = fileURLToPath(new URL('../../node_modules/typedoc/bin/typedoc', import.meta.url));

describe('API documentation', () => {
  it('typedoc builds the public API with no warning and no undocumented export', () => {
    const run = spawnSync(process.execPath, [TYPEDOC, '--emit', 'none'], { cwd: ROOT, encoding: 'utf8', timeout: 90_000 });
    const output = `${run.stdout}${run.stderr}`.replace(/\x1b\[[0-9;]*m/g, '');
    expect(output).not.toMatch(/\[warning\]|\[error\]/);
    expect(run.status, output).toBe(0);
  }, 120_000);
});
