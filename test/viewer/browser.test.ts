/**
 * The viewer's pages in a real headless browser (Debian's chromium through playwright-core):
 * the lanes, arrows and highlighted event are drawn, a click shows the event's details, and
 * a run of 100,000 events opens on its first window (load-to-first-paint is measured and
 * printed, not asserted: the machine is shared). Screenshots go to out/viewer/ (a CI artifact).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeltaDecoder } from '../../src/trace/format/deltaEncoder.js';
import type { TraceEvent } from '../../src/trace/format/types.js';
import { runViewTraceCli } from '../../src/viewer/cli.js';
import { type Browser, ensureChromium, launch } from './chromium.js';
import { HOSTILE_NAME, MARKUP, SHORT_MARKUP, writeHostileTrace } from './hostileTrace.js';
import { REJECTED, rejection } from './rejectedFixture.js';
import { writeSteadyRun } from './steadyRun.js';

const chromium = ensureChromium();
if ('skip' in chromium) console.warn(`viewer browser tests skipped: ${chromium.skip}`);

const OUT = resolve('out', 'viewer');

/** Writes a page with view-trace; returns its path. */
async function writePage(name: string, args: string[], dir = OUT): Promise<string> {
  const file = join(dir, `${name}.html`);
  let err = '';
  const code = await runViewTraceCli([...args, '--out', file], { out: () => {}, err: (s) => { err += s; }, cwd: process.cwd() });
  expect(code, err).toBe(0);
  return file;
}

describe.skipIf('skip' in chromium)('the viewer page in chromium', () => {
  let browser: Browser;
  const errors: string[] = [];

  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    browser = await launch((chromium as { path: string }).path);
  }, 120_000);
  afterAll(async () => { await browser?.close(); });

  async function open(file: string): Promise<Page> {
    const page = await browser.context.newPage();
    page.on('pageerror', (e) => errors.push(`${file}: ${e.message}`));
    await page.goto(pathToFileURL(file).href);
    await page.waitForSelector('html[data-viewer="ready"]', { timeout: 60_000 });
    return page;
  }
  const texts = (page: Page, selector: string): Promise<string[]> => page.$$eval(selector, (els) => els.map((e) => e.textContent ?? ''));

  it('draws a rejected trace: one lane per node, arrows, the rejected event highlighted with the difference', async () => {
    const expected = rejection();
    const page = await open(await writePage('rejected-trace', [REJECTED]));
    expect(await texts(page, '#view .lane-label')).toEqual(['node 1', 'node 2', 'node 3']);
    expect(await page.locator('#view line.lane').count()).toBe(3);
    const types = await page.$$eval('#view .arrow', (els) => els.map((e) => e.getAttribute('data-type')));
    expect(types.length).toBeGreaterThan(5);
    for (const t of ['Prepare', 'Promise', 'Accept']) expect(types).toContain(t);
    // The rejected event is drawn, marked, and opened in the details panel.
    const hl = page.locator('#view g.ev.highlight');
    expect(await hl.count()).toBe(1);
    expect(await hl.locator('text.act').textContent()).toBe(expected.action);
    const banner = await page.locator('#banner').textContent();
    expect(banner).toContain(`check-traces rejects ${REJECTED}:${expected.line}`);
    for (const d of expected.failure.diff!) expect(banner).toContain(d);
    expect(await page.locator('#details h2').textContent()).toContain(expected.action);
    expect(await page.locator('#details .det-highlight pre').textContent()).toContain('difference (spec vs trace)');
    expect(await page.locator('#details dl.facts').textContent()).toContain(`${REJECTED}:${expected.line}`);
    // The legend names every message type drawn.
    const legend = await page.locator('#legend').textContent();
    for (const t of new Set(types)) expect(legend).toContain(t!);
    await page.screenshot({ path: join(OUT, 'rejected-trace.png') });
    await page.close();
  });

  it('shows an event\'s details on click: what it received and from whom, what it sent, the state after it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'viewer-details-'));
    const trace = join(dir, 'run.ndjson');
    writeSteadyRun(trace, { events: 200 });
    const decoder = new DeltaDecoder(3);
    const states = readFileSync(trace, 'utf8').trimEnd().split('\n').slice(1).map((l) => decoder.decode(JSON.parse(l) as TraceEvent));
    const page = await open(await writePage('event-details', [trace, '--no-check'], dir));
    const promise = page.locator('#view g.ev', { has: page.locator('text.act', { hasText: /^ScoutReceivePromise$/ }) }).first();
    const i = Number(await promise.getAttribute('data-i'));
    await promise.click();
    await expect.poll(() => page.locator('#details').getAttribute('data-event')).toBe(String(i));
    expect(await page.locator('#details h2').textContent()).toBe(`#${i + 1} · node 1 · ScoutReceivePromise`);
    const received = await page.locator('#details section', { hasText: 'received' }).first().textContent();
    expect(received).toMatch(/Promise b0\.1 from \d — sent by #\d+ \(node \d, AcceptorReceivePrepare\)/);
    const state = page.locator('#details table.state');
    expect(await texts(page, '#details table.state th')).toEqual(expect.arrayContaining(['aBallot', 'rDecisions', '● scout']));
    // A Promise adds its acceptor to the scout's acks: the row gives the scout after and before.
    const before = [...states.slice(0, i)].reverse().find((e) => e.node === 1)!.state.scout;
    expect(await state.locator('tr.changed').first().textContent())
      .toBe(`● scout${JSON.stringify(states[i]!.state.scout)}was ${JSON.stringify(before)}`);
    expect(await page.locator('#view g.ev.selected').getAttribute('data-i')).toBe(String(i));
    await page.screenshot({ path: join(OUT, 'event-details.png') });
    // Following the "sent by" link selects the sending event.
    await page.locator('#details section', { hasText: 'received' }).locator('a.ev-link').click();
    expect(await page.locator('#details h2').textContent()).toMatch(/AcceptorReceivePrepare$/);
    await page.close();
  });

  it('draws a counterexample with its violating state highlighted and the crash marked', async () => {
    const page = await open(await writePage('counterexample', ['test/viewer/fixtures/volatile-acceptor.itf.json']));
    expect(await texts(page, '#view .lane-label')).toEqual(['node 1', 'node 2']);
    expect(await texts(page, '#view .row-label')).toEqual(expect.arrayContaining(['state 0', 'state 12']));
    const hl = page.locator('#view g.ev.highlight');
    expect(await hl.locator('text.act').textContent()).toBe('NodeRestart');
    expect(await hl.locator('tspan.mark.crash').count()).toBe(1);
    expect(await page.locator('#banner').textContent()).toContain('AcceptorMonotonicity is violated in state 12 (the last one)');
    expect(await page.locator('#view .arrow').count()).toBeGreaterThan(4);
    expect(await page.locator('#view g.ev.mark-leader').count()).toBe(1);
    // The details say what the restart did to the acceptor's promise: the violation itself.
    expect(await page.locator('#details h2').textContent()).toBe('state 12 · node 1 · NodeRestart');
    expect(await page.locator('#details tr.changed', { hasText: 'aBallot' }).textContent())
      .toBe('● aBallot{"leader":0,"num":0}was {"leader":1,"num":0}');
    await page.screenshot({ path: join(OUT, 'counterexample.png') });
    await page.close();
  });

  it('draws events of kinds it does not know as labelled dots, and shows their lines whole', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'viewer-unknown-'));
    const trace = join(dir, 'client-events.ndjson');
    const header = { kind: 'header', format: 'paxos-trace/1', spec: { module: 'MultiPaxos', constants: { N: 2, Window: 1 } }, cluster: { nodes: [1, 2] } };
    const reply = { type: 'ClientReply', request: 'r1', outcome: 'ok' };
    writeFileSync(trace, [header,
      { node: 1, seq: 1, clock: 1, role: 'Client', action: 'ClientInvoke', params: { request: 'r1' }, sent: [], client: 'c-7' },
      { node: 1, seq: 2, clock: 2, role: 'Replica', action: 'ReplicaAnswer', params: {}, sent: [reply] },
      { node: 2, seq: 1, clock: 3, role: 'Client', action: 'ClientOutcome', params: { from: 1, message: reply }, sent: [] },
    ].map((x) => JSON.stringify(x)).join('\n') + '\n');
    const page = await open(await writePage('unknown-kinds', [trace, '--no-check']));
    expect(await texts(page, '#view g.ev.unknown text.act')).toEqual(['ClientInvoke', 'ReplicaAnswer', 'ClientOutcome']);
    expect(await page.$$eval('#view .arrow', (els) => els.map((e) => e.getAttribute('data-type')))).toEqual(['ClientReply']);
    await page.locator('#view g.ev.unknown').first().click();
    const details = await page.locator('#details').textContent();
    expect(details).toContain('ClientInvoke is not an action the viewer knows');
    expect(details).toContain('c-7');
    await page.close();
  });

  it('expands compact events to the states the trace decoder gives, whichever event is opened first', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'viewer-deltas-'));
    const trace = join(dir, 'compact.ndjson');
    writeSteadyRun(trace, { events: 3000 });
    const lines = readFileSync(trace, 'utf8').trimEnd().split('\n');
    const decoder = new DeltaDecoder(3);
    const states = lines.slice(1).map((l) => decoder.decode(JSON.parse(l) as TraceEvent).state);
    const page = await open(await writePage('compact', [trace, '--no-check'], dir));
    // Late, then early (before the checkpoints the first made), then late again (from them).
    for (const i of [2900, 700, 2990]) {
      await page.fill('#goto-input', `#${i + 1}`);
      await page.press('#goto-input', 'Enter');
      await expect.poll(() => page.locator('#details').getAttribute('data-event')).toBe(String(i));
      const shown = await page.$$eval('#details table.state tr', (rows) => rows.map((r) =>
        [r.querySelector('th')!.textContent!.replace('● ', ''), r.querySelector('td')!.firstChild!.textContent!]));
      const expected = states[i]!;
      for (const [field, text] of shown) {
        const value = (expected as unknown as Record<string, unknown>)[field!];
        if (Array.isArray(value) && value.length > 7) expect(text, `event #${i + 1} ${field}`).toMatch(new RegExp(`^${value.length} elements: `));
        else if (Array.isArray(value)) expect((JSON.parse(text!) as unknown[]).map((x) => JSON.stringify(x)).sort(), `event #${i + 1} ${field}`).toEqual(value.map((x) => JSON.stringify(x)).sort());
        else expect(JSON.parse(text!), `event #${i + 1} ${field}`).toEqual(value);
      }
      expect(shown.map(([f]) => f).sort()).toEqual(Object.keys(expected).sort());
    }
    await page.close();
  });

  it('opens a run of 100,000 events on its first window, scrolls it, and expands a state deep in it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'viewer-100k-'));
    const trace = join(dir, 'steady-100k.ndjson');
    let t = performance.now();
    const events = writeSteadyRun(trace, { events: 100_000 });
    const generated = performance.now() - t;
    t = performance.now();
    // --no-check: the page opens on its first window (with a rejection it would open on the rejected event).
    const file = await writePage('steady-100k', [trace, '--no-check'], dir);
    const written = performance.now() - t;
    const page = await browser.context.newPage();
    page.on('pageerror', (e) => errors.push(`100k: ${e.message}`));
    t = performance.now();
    await page.goto(pathToFileURL(file).href, { waitUntil: 'commit' });
    await page.waitForSelector('html[data-viewer="painted"], html[data-viewer="ready"]', { timeout: 60_000 });
    const paintedWall = performance.now() - t;
    await page.waitForSelector('html[data-viewer="ready"]', { timeout: 60_000 });
    const readyWall = performance.now() - t;
    const timings = await page.evaluate(`({ ...window.viewerTimings,
      fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1 })`) as { painted: number; ready: number; fcp: number };
    // The first window: the first event, the first rows, and only a window's worth of elements.
    expect(await page.locator('#view g.ev[data-i="0"]').count()).toBe(1);
    expect(await page.locator('#view svg, #view').getAttribute('data-first-row')).toBe('0');
    const drawn = await page.locator('#view g.ev').count();
    expect(drawn).toBeGreaterThan(10);
    expect(drawn).toBeLessThan(400);
    expect(await page.locator('#stats').textContent()).toContain('100,000 events');
    await page.screenshot({ path: join(OUT, 'steady-100k.png') });
    // Half-way down: the window there is drawn, and an event in it expands its state from ~30,000 deltas.
    await page.evaluate("const s = document.getElementById('scroller'); s.scrollTop = s.scrollHeight / 2;");
    await expect.poll(async () => Number(await page.locator('#view').getAttribute('data-first-row'))).toBeGreaterThan(1000);
    const deep = page.locator('#view g.ev').nth(5);
    const deepIndex = Number(await deep.getAttribute('data-i'));
    expect(deepIndex).toBeGreaterThan(30_000);
    t = performance.now();
    await deep.click();
    await page.waitForSelector('#details table.state');
    const expandMs = performance.now() - t;
    expect(await page.locator('#details p.note.bad').count()).toBe(0);
    expect(await texts(page, '#details table.state th')).toEqual(expect.arrayContaining([expect.stringMatching(/rDecisions$/)]));
    await page.screenshot({ path: join(OUT, 'steady-100k-middle.png') });
    // At the very bottom: the last event is drawn, and the drawing still fills the window from its top (lane headers in view).
    await page.evaluate("const s = document.getElementById('scroller'); s.scrollTop = s.scrollHeight;");
    await expect.poll(() => page.locator('#view g.ev').last().getAttribute('data-i')).toBe(String(events - 1));
    const fit = await page.evaluate(`(() => { const s = document.getElementById('scroller').getBoundingClientRect();
      const v = document.getElementById('view').getBoundingClientRect(); return [v.top - s.top, v.height - s.height]; })()`) as number[];
    expect(fit.map((px) => Math.abs(px) < 1)).toEqual([true, true]);
    await page.close();
    const bytes = statSync(file).size;
    const traceBytes = statSync(trace).size;
    rmSync(dir, { recursive: true, force: true }); // 50 MB of trace and page
    console.log(`viewer, ${events.toLocaleString('en')} events: page ${bytes.toLocaleString('en')} bytes (trace ${traceBytes.toLocaleString('en')});` +
      ` generated in ${(generated / 1000).toFixed(1)} s, page written in ${(written / 1000).toFixed(1)} s;` +
      ` first window painted ${timings.painted.toFixed(0)} ms after navigation start (first contentful paint ${timings.fcp.toFixed(0)} ms;` +
      ` ${paintedWall.toFixed(0)} ms from goto), details ready at ${timings.ready.toFixed(0)} ms (${readyWall.toFixed(0)} ms from goto);` +
      ` click on event #${deepIndex + 1} to its expanded state ${expandMs.toFixed(0)} ms; load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  }, 300_000);

  it('opens on the rejected event also when it is the first one', async () => {
    // Event index 0: a rejection there (a wrong first step) is as much the thing to look at.
    const page = await open(await writePage('first-rejected', ['traces/examples/normal.ndjson', '--reject-line', '2']));
    expect(await page.locator('#details').getAttribute('data-event')).toBe('0');
    expect(await page.locator('#view g.ev.selected').getAttribute('data-i')).toBe('0');
    expect(await page.locator('#details .det-highlight h3').textContent()).toBe('rejected at traces/examples/normal.ndjson:2');
    await page.close();
  });

  it('shows what a trace says as text, never as markup, in the diagram and the details', async () => {
    const trace = writeHostileTrace(mkdtempSync(join(tmpdir(), 'viewer-hostile-')));
    const page = await open(await writePage('hostile', [trace, '--no-check']));
    const injected = (): Promise<number> => page.evaluate("document.querySelectorAll('img, b, i').length") as Promise<number>;
    const labels = await texts(page, '#view g.ev text.act');
    expect(labels[0]).toBe(SHORT_MARKUP);
    // A long label is cut to the lane's width, as text.
    expect(labels[1]!.length).toBeGreaterThan(10);
    expect(MARKUP.startsWith(labels[1]!.replace(/…$/, ''))).toBe(true);
    expect(await page.$$eval('#view .arrow', (els) => els.map((e) => e.getAttribute('data-type')))).toEqual([SHORT_MARKUP]);
    expect(await page.locator('h1').textContent()).toBe(`trace ${HOSTILE_NAME}`);
    expect(await page.locator('#top .sub').textContent()).toContain(MARKUP);
    expect(await injected()).toBe(0);
    for (const [k, action] of [SHORT_MARKUP, MARKUP].entries()) {
      await page.locator(`#view g.ev[data-i="${k}"]`).click();
      await expect.poll(() => page.locator('#details').getAttribute('data-event')).toBe(String(k));
      expect(await page.locator('#details .det-action').textContent()).toBe(action);
      expect(await page.locator('#details').textContent()).toContain(MARKUP);
      expect(await injected()).toBe(0);
    }
    expect(await page.evaluate('window.pwned')).toBeUndefined();
    await page.close();
  });

  it('raised no error in any page', () => {
    expect(errors).toEqual([]);
  });
});
