/**
 * When the embedded engine traps (tla-checker aborting: out of its 4 GiB of WebAssembly memory,
 * or a panic), the trace fails with kind `engine`: no verdict, never `oracles-disagree`, and a
 * fast rejection of the same event still reads as `spec`. The trapped instance is retired
 * (later calls fail at once, naming the trap) and the next trace gets a fresh one. The trap is
 * real: `Cardinality(1..9223372036854775807)` makes tla-checker 0.9 abort at once.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkTrace, checkTraceSync } from '../../src/trace/replay/check.js';
import { DEFAULT_SPEC_PATH, EngineFailure, engineRetired, exploreInit, reloadEngine } from '../../src/trace/replay/tlaEngine.js';
import { stepsFor } from '../../src/trace/spec/fastSpec.js';

const TRAP = 'Cardinality(1..9223372036854775807) > 0';
const tiny = (init: string): string => `---- MODULE T ----\nEXTENDS Naturals, FiniteSets\nVARIABLE x\nInit == ${init}\nNext == UNCHANGED x\n====\n`;
const CFG = 'INIT Init\nNEXT Next\n';

const EXAMPLE = new URL('../../traces/examples/normal.ndjson', import.meta.url).pathname;
const input = { name: 'normal', files: [EXAMPLE] };
/** The line of the golden trace's first ScoutReceivePromise (the header is line 1). */
const firstPromiseLine = readFileSync(EXAMPLE, 'utf8').split('\n').findIndex((l) => l.includes('"ScoutReceivePromise"')) + 1;

/** MultiPaxos.tla with the trap as one more conjunct of ScoutReceivePromise. */
function trappingSpec(): string {
  const text = readFileSync(DEFAULT_SPEC_PATH, 'utf8');
  const at = 'ScoutReceivePromise(n, m) ==\n    /\\ m.type = "Promise"';
  expect(text).toContain(at);
  const path = join(mkdtempSync(join(tmpdir(), 'engine-trap-')), 'MultiPaxos.tla');
  writeFileSync(path, text.replace(at, `${at}\n    /\\ ${TRAP}`));
  return path;
}

describe('an embedded engine that traps', () => {
  // Test files share a worker's modules (vitest.config.ts: isolate false), and a synchronous check
  // (checkTraceSync) does not replace a retired engine: each trap here is cleaned up at once.
  afterEach(async () => { await reloadEngine(); });

  it('is retired: the trap and every later call fail as EngineFailure, until a fresh instance is loaded', async () => {
    expect(exploreInit(tiny('x = 1'), CFG)).toEqual([{ x: 1 }]);
    expect(() => exploreInit(tiny(`x = 1 /\\ ${TRAP}`), CFG)).toThrow(EngineFailure);
    expect(engineRetired()).toBe(true);
    expect(() => exploreInit(tiny('x = 1'), CFG)).toThrow(/retired after it trapped \(unreachable\)/);
    await reloadEngine();
    expect(engineRetired()).toBe(false);
    expect(exploreInit(tiny('x = 2'), CFG)).toEqual([{ x: 2 }]);
  });

  it('fails the trace as engine, not oracles-disagree, at the event it trapped on; the next trace gets a fresh engine', async () => {
    const v = await checkTrace(input, { embedded: true, specPath: trappingSpec() });
    expect(v.ok).toBe(false);
    expect(v.failure).toMatchObject({ kind: 'engine', oracle: 'embedded', line: firstPromiseLine, action: 'ScoutReceivePromise' });
    expect(v.failure!.message).toMatch(/trapped \(unreachable\)/);
    const again = await checkTrace(input, { embedded: true, embeddedMaxEvents: 40 });
    expect(again.failure).toBeUndefined();
    expect(again.embeddedEvents).toBe(40);
  }, 120_000);

  it('alone (the embedded oracle without the fast one) fails as engine too', async () => {
    const v = await checkTrace(input, { fast: false, embedded: true, specPath: trappingSpec() });
    expect(v.failure).toMatchObject({ kind: 'engine', line: firstPromiseLine });
  }, 120_000);

  it('is outranked by the fast oracle rejecting the same event: that is a verdict, the trap none', async () => {
    // The fast encoding finds no ScoutReceivePromise step at all (a planted bug).
    const noScout: typeof stepsFor = (cfg, s, action, n, param) => (action === 'ScoutReceivePromise' ? [] : stepsFor(cfg, s, action, n, param));
    const v = await checkTrace(input, { embedded: true, specPath: trappingSpec(), fastSteps: noScout });
    expect(v.failure).toMatchObject({ kind: 'spec', oracle: 'fast', line: firstPromiseLine });
  }, 120_000);

  it('leaves a working engine to what runs after it: a synchronous embedded check passes', () => {
    const v = checkTraceSync(input, { embedded: true, embeddedMaxEvents: 5 });
    expect(v.failure).toBeUndefined();
    expect(v.embeddedEvents).toBe(5);
  });
});
