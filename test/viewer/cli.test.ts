/** npm run view-trace: what it reads, what it points at, what it refuses (no browser here). */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCheckTracesCli } from '../../src/trace/replay/cli.js';
import { runViewTraceCli } from '../../src/viewer/cli.js';
import type { PageData } from '../../src/viewer/pageData.js';
import { HOSTILE_NAME, MARKUP, writeHostileTrace } from './hostileTrace.js';
import { REJECTED, rejection } from './rejectedFixture.js';
import { writeSteadyRun } from './steadyRun.js';

let out: string;

/** The line an event came from (the page's lines are delta-encoded). */
const lineOf = (p: PageData, i: number): number => p.ev.lineStep.slice(0, i + 1).reduce((a, b) => a + b, 0);

async function view(args: string[]): Promise<{ code: number; out: string; err: string; page?: PageData; details?: string[]; html?: string }> {
  let stdout = ''; let stderr = '';
  const file = join(out, `page-${Math.random().toString(36).slice(2)}.html`);
  const code = await runViewTraceCli([...args, '--out', file], { out: (s) => { stdout += s + '\n'; }, err: (s) => { stderr += s + '\n'; }, cwd: process.cwd() });
  if (code !== 0) return { code, out: stdout, err: stderr };
  const html = readFileSync(file, 'utf8');
  const data = JSON.parse(/<script type="application\/json" id="viewer-data">(.*?)<\/script>/s.exec(html)![1]!) as PageData;
  const b64 = /<script type="application\/octet-stream" id="viewer-details">(.*?)<\/script>/s.exec(html)![1]!;
  const details = gunzipSync(Buffer.from(b64, 'base64')).toString('utf8').split('\n');
  return { code, out: stdout, err: stderr, page: data, details, html };
}

beforeAll(() => { out = mkdtempSync(join(tmpdir(), 'view-trace-cli-')); });

describe('view-trace', () => {
  it('writes a page of a trace: lanes, events in replay order, arrows, the lines as written', async () => {
    // --no-check: this test is about drawing, and the example traces follow the spec as it is being edited.
    const r = await view(['traces/examples/normal.ndjson', '--no-check']);
    expect(r.code).toBe(0);
    const lines = readFileSync('traces/examples/normal.ndjson', 'utf8').trimEnd().split('\n').slice(1);
    expect(r.out).toMatch(new RegExp(`wrote .*\\.html \\(${lines.length} events, \\d+ arrows, \\d+ bytes`));
    const p = r.page!;
    expect(p.lanes.map((l) => l.label)).toEqual(['node 1', 'node 2', 'node 3']);
    expect(p.ev.lane).toHaveLength(lines.length);
    expect(p.ar.from.length).toBeGreaterThan(40);
    // The details are the lines as written, in replay order.
    expect(r.details).toEqual(lines);
  });

  it('points at the event check-traces rejects, with the checker\'s difference', async () => {
    const expected = rejection();
    const r = await view([REJECTED]);
    expect(r.code).toBe(0);
    const h = r.page!.highlight!;
    expect(expected.kind).toBe('spec');
    expect(h.title).toBe(`check-traces rejects ${REJECTED}:${expected.line}: spec (action ${expected.action}, fast oracle)`);
    expect(h.lines).toEqual([expected.failure.message, 'difference (spec vs trace):', ...expected.failure.diff!]);
    expect(lineOf(r.page!, h.event!)).toBe(expected.line);
    expect(r.page!.ev.flag[h.event!]! & r.page!.flagBits.highlight).toBeTruthy();
    expect(r.out).toMatch(/highlighted: check-traces rejects/);
  });

  it('points at a line given by hand, with the difference given', async () => {
    const r = await view(['traces/examples/normal.ndjson', '--reject-line', '7', '--difference', 'spec: a\ntrace: b']);
    const h = r.page!.highlight!;
    expect(lineOf(r.page!, h.event!)).toBe(7);
    expect(h.lines).toEqual(['spec: a', 'trace: b']);
    const header = await view(['traces/examples/normal.ndjson', '--reject-line', '1']);
    expect(header.page!.highlight).toMatchObject({ event: null, lines: ['(line 1 of traces/examples/normal.ndjson is not an event of this trace)'] });
  });

  it('draws a counterexample with its last state highlighted', async () => {
    const r = await view(['test/viewer/fixtures/volatile-acceptor.itf.json']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/\(14 steps, \d+ arrows/);
    expect(r.page!.kind).toBe('counterexample');
    expect(r.page!.highlight).toMatchObject({ event: 13, title: 'AcceptorMonotonicity is violated in state 12 (the last one)' });
  });

  it('reads a folder of one run\'s part files, or the run\'s name as check-traces prints it', async () => {
    const whole = join(out, 'steady.ndjson');
    writeSteadyRun(whole, { events: 300 });
    const [header, ...lines] = readFileSync(whole, 'utf8').trimEnd().split('\n');
    const runDir = join(out, 'parts');
    mkdirSync(runDir);
    for (const n of [1, 2, 3]) {
      const mine = lines.filter((l) => (JSON.parse(l) as { node: number }).node === n);
      writeFileSync(join(runDir, `run.node${n}.ndjson`), [JSON.stringify({ ...JSON.parse(header!), part: { node: n } }), ...mine].join('\n') + '\n');
    }
    const byFolder = await view([runDir]);
    const byName = await view([join(runDir, 'run')]);
    expect(byFolder.code).toBe(0);
    expect(byFolder.page!.ev.lane).toHaveLength(300);
    expect(byFolder.page!.files).toHaveLength(3);
    expect(byName.page!.ev).toEqual(byFolder.page!.ev);
    // The checker accepts the merged run (the steady run is valid by construction): nothing to point at.
    expect(byFolder.page!.highlight).toBeNull();
    expect(byFolder.out).not.toMatch(/highlighted/);
  });

  it('draws at most --max-events events, and says the rest are not shown', async () => {
    const r = await view(['traces/examples/normal.ndjson', '--no-check', '--max-events', '5']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/\(5 events, /);
    expect(r.page!.ev.lane).toHaveLength(5);
    expect(r.details).toHaveLength(5);
    expect(r.page!.notes).toEqual(['traces/examples/normal.ndjson:7: more than 5 events; the rest are not shown']);
  });

  it('writes what a trace says as text, never as markup (a trace is untrusted input)', async () => {
    // The checker runs too: what it says about the trace goes on the page as well.
    const r = await view([writeHostileTrace(mkdtempSync(join(out, 'hostile-')))]);
    expect(r.code).toBe(0);
    const html = r.html!;
    // Only the page's own three scripts, and none of the trace's elements.
    expect(html.match(/<script/g)).toHaveLength(3);
    expect(html.match(/<\/script/gi)).toHaveLength(3);
    for (const tag of ['<img', '<b>', '<i>']) expect(html).not.toContain(tag);
    // Still all there, as text.
    expect(r.page!.title).toBe(HOSTILE_NAME);
    expect(r.page!.subtitle).toContain(MARKUP);
    expect(html).toContain('&lt;i&gt;hostile.ndjson');
    expect(r.page!.actions).toContain(MARKUP);
  });

  it('refuses what it cannot draw with a message and exit status 2', async () => {
    const several = await view(['traces/examples']);
    expect(several.code).toBe(2);
    expect(several.err).toMatch(/traces\/examples holds 3 traces; name one of them:\n {2}traces\/examples\/crash-restart\.ndjson/);
    expect((await view(['/nonexistent/trace.ndjson'])).err).toMatch(/no such file or folder: \/nonexistent\/trace\.ndjson/);
    expect((await view(['traces/examples/normal.ndjson', '--bogus'])).err).toMatch(/unknown option --bogus\nusage: npm run view-trace/);
    expect((await view(['traces/examples/normal.ndjson', '--difference', 'x'])).err).toMatch(/--difference goes with --reject-line/);
    expect((await view(['traces/examples/normal.ndjson', '--reject-line', 'x:y'])).err).toMatch(/--reject-line wants N or FILE:N/);
    const notJson = join(out, 'broken.itf.json');
    writeFileSync(notJson, '{"states": [');
    const broken = await view([notJson]);
    expect(broken.code).toBe(2);
    expect(broken.err).toMatch(/broken\.itf\.json: not JSON/);
  });

  it('is what check-traces tells to run for a trace it rejects', async () => {
    let printed = '';
    const code = await runCheckTracesCli(['--jobs', '1', REJECTED], (s) => { printed += s + '\n'; }, () => {});
    expect(code).toBe(1);
    const command = /picture: npm run view-trace -- (\S+)/.exec(printed);
    expect(command?.[1]).toBe(REJECTED);
    expect((await view([command![1]!])).page!.highlight?.title).toContain(`${REJECTED}:${rejection().line}:`);
  });
});
