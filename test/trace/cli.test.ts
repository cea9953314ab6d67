/** The check-traces command line: verdict lines, exit codes, and no stack traces on bad input. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCheckTracesCli } from '../../src/trace/replay/cli.js';

const FIXTURES = new URL('../fixtures/traces/', import.meta.url).pathname;
const EXAMPLES = new URL('../../traces/examples/', import.meta.url).pathname;

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = ''; let err = '';
  const code = await runCheckTracesCli(args, (s) => { out += s + '\n'; }, (s) => { err += s; });
  return { code, out, err };
}

describe('check-traces CLI', () => {
  it('prints PASS per trace of a folder and exits 0', async () => {
    const r = await cli([EXAMPLES]);
    expect(r.code).toBe(0);
    expect(r.out.match(/^PASS /gm)).toHaveLength(3);
    expect(r.err).toMatch(/3 traces, \d+ events/);
  });

  it('prints FAIL with file:line, the action and the difference, and exits 1', async () => {
    const r = await cli([FIXTURES + 'state-differs.ndjson', EXAMPLES + 'normal.ndjson']);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^FAIL .*state-differs\.ndjson$/m);
    expect(r.out).toMatch(/state-differs\.ndjson:16: spec \(action AcceptorReceiveAccept, fast oracle\)/);
    expect(r.out).toMatch(/aBallot: spec \{"leader":1,"num":0\}, trace \{"leader":1,"num":7\}/);
    expect(r.out).toMatch(/^PASS .*normal\.ndjson/m);
  });

  it('reports malformed input with file and line, never a stack trace', async () => {
    const r = await cli([FIXTURES]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/not-json\.ndjson:5: input: not JSON/);
    expect(r.out).toMatch(/truncated-last-line\.ndjson:12: input: truncated last line/);
    expect(`${r.out}${r.err}`).not.toMatch(/\n\s+at .+:\d+:\d+/);
  });

  it('exits 2 with a usage message for a missing path or an unknown option', async () => {
    const missing = await cli(['/nonexistent/trace.ndjson']);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/no such file or folder: \/nonexistent\/trace\.ndjson/);
    const bad = await cli(['--bogus', EXAMPLES]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/unknown option --bogus/);
  });

  it('reports an empty file as an input error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-'));
    writeFileSync(join(dir, 'empty.ndjson'), '');
    const r = await cli([join(dir, 'empty.ndjson')]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/empty\.ndjson:1: input: empty file/);
  });
});
