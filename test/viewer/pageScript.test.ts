/**
 * The page's browser code is plain JavaScript (the project's tsconfig has no DOM): its JSDoc
 * types are checked here against the DOM with src/viewer/page/tsconfig.json.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PAGE_SCRIPTS } from '../../src/viewer/html.js';

const PAGE = join('src', 'viewer', 'page');

describe('the page script', () => {
  it('type-checks against the DOM (tsc, strict, checkJs)', () => {
    let output = '';
    try {
      execFileSync(process.execPath, [join('node_modules', 'typescript', 'bin', 'tsc'), '-p', join(PAGE, 'tsconfig.json')], { encoding: 'utf8' });
    } catch (e) {
      output = `${(e as { stdout?: string }).stdout ?? ''}${(e as Error).message}`;
    }
    expect(output).toBe('');
  }, 120_000);

  it('is checked whole: the tsconfig lists every file the page concatenates, in order', () => {
    const config = JSON.parse(readFileSync(join(PAGE, 'tsconfig.json'), 'utf8')) as { files: string[] };
    expect(config.files).toEqual([...PAGE_SCRIPTS]);
  });
});
