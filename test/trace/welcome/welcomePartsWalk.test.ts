/**
 * Traces with Welcome parts (spec "Welcome parts"): a walk of the spec where a Welcome may be
 * sent in 1, 2 or 3 parts replays on the fast oracle (full and compact form) and on the
 * embedded spec alone and through the TLC trace module (inlined, on a short walk); a part taken out of the network before the install is rejected at the
 * install, and a one-part Welcome is written as before parts (no part fields).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tla from 'tla-checker';
import { inlinedTraceSpec, readTrace } from '../../../src/trace/replay/tlc.js';
import { DEFAULT_SPEC_PATH } from '../../../src/trace/replay/tlaEngine.js';
import { describe, expect, it } from 'vitest';
import { formatVerdict } from '../../../src/trace/replay/check.js';
import { DeltaEncoder } from '../../../src/trace/format/deltaEncoder.js';
import type { SpecConstants, SpecMessage, FullTraceEvent } from '../../../src/trace/format/types.js';
import { specWalk } from '../../../src/trace/spec/specWalk.js';
import { traceFiles } from '../traceFiles.js';

tla.initSync({ module: readFileSync(fileURLToPath(new URL('tla_checker_bg.wasm', import.meta.resolve('tla-checker')))) });
const CONSTANTS: SpecConstants = {
  N: 3, Window: 2, Callers: [1, 2], RequestsPerCaller: 2, MaxBallot: 1, MaxSlot: 3, MaxRestarts: 3, CheckpointNodes: [1, 2, 3], WelcomeParts: [1, 2, 3],
};
// Restarts and Joins favoured, so that replicas behind are welcomed in parts.
const walk = specWalk({ constants: CONSTANTS, steps: 300, seed: 8, weights: { NodeRestart: 0.3, ReplicaReceiveJoin: 3, ReplicaReceiveWelcome: 5 } });

const { textOf, write, check } = traceFiles('welcome-parts-traces-');
const partsOf = (m: SpecMessage): number => (m.type === 'Welcome' ? m.parts ?? 1 : 0);
const installed = (e: FullTraceEvent): boolean => e.action === 'ReplicaReceiveWelcome';

describe('a spec walk with Welcome parts', () => {
  it('sends Welcomes in one part and in several, and installs one in several parts', () => {
    const welcomes = walk.events.flatMap((e) => e.sent.filter((m) => m.type === 'Welcome'));
    expect(welcomes.some((m) => partsOf(m) === 1 && !('part' in m) && !('parts' in m))).toBe(true);
    expect(welcomes.some((m) => partsOf(m) >= 2)).toBe(true);
    expect(walk.events.some((e) => installed(e) && partsOf(e.params.message!) >= 2)).toBe(true);
    // A Join answered in k parts sends k messages, parts 1..k of one slot.
    for (const e of walk.events.filter((x) => x.action === 'ReplicaReceiveJoin')) {
      const sent = e.sent.filter((m) => m.type === 'Welcome');
      const k = partsOf(sent[0]!);
      expect(sent.map((m) => (m.type === 'Welcome' ? m.part ?? 1 : 0)).sort()).toEqual(Array.from({ length: k }, (_, i) => i + 1));
    }
  });

  it('passes the fast oracle in full and in compact form', () => {
    const encoder = new DeltaEncoder(CONSTANTS.N);
    const compact = walk.events.map((e) => encoder.encode(e));
    for (const [name, events] of [['full', walk.events], ['compact', compact]] as const) {
      const v = check(write(`${name}.ndjson`, textOf(walk.header, events)));
      expect(v.ok, formatVerdict(v)).toBe(true);
      expect(v.events).toBe(walk.events.length);
    }
  });

  it('passes the embedded spec alone', () => {
    const v = check(write('embedded.ndjson', textOf(walk.header, walk.events)), { fast: false, embedded: true });
    expect(v.ok, formatVerdict(v)).toBe(true);
  }, 300_000);

  it('rejects an install whose other part was never sent (the Join step shows one part less)', () => {
    const at = walk.events.findIndex((e) => installed(e) && partsOf(e.params.message!) >= 2);
    const m = walk.events[at]!.params.message! as Extract<SpecMessage, { type: 'Welcome' }>;
    const other = (x: SpecMessage): boolean => x.type === 'Welcome' && x.node === m.node && x.slot === m.slot && x.parts === m.parts && x.part !== m.part;
    // Every Join step that sent one of m's other parts now leaves it out.
    const edited = walk.events.map((e) => (e.action === 'ReplicaReceiveJoin' ? { ...e, sent: e.sent.filter((x) => !other(x)) } : e));
    const v = check(write('missing-part.ndjson', textOf(walk.header, edited)));
    expect(v.ok).toBe(false);
    expect(v.failure?.line, formatVerdict(v)).toBeLessThanOrEqual(at + 2);
  });

  it('rejects a Join step whose sent Welcome part differs from the spec\'s part of that index (a decision dropped, or another slot)', () => {
    type Welcome = Extract<SpecMessage, { type: 'Welcome' }>;
    const welcomesOf = (e: FullTraceEvent): Welcome[] => e.sent.filter((m): m is Welcome => m.type === 'Welcome');
    // The first Join answered in parts with a part holding a decision, and the first answered in one part with one.
    const joins = [(k: number) => k >= 2, (k: number) => k === 1].map((kOk) => walk.events.findIndex((e) => e.action === 'ReplicaReceiveJoin'
      && welcomesOf(e).some((w) => kOk(partsOf(w)) && w.decisions.length > 0)));
    expect(joins.every((at) => at >= 0)).toBe(true);
    const edits: Array<[string, (w: Welcome) => Welcome]> = [
      ['a decision dropped', (w) => ({ ...w, decisions: w.decisions.slice(1) })],
      ['another slot', (w) => ({ ...w, slot: w.slot + 1 })],
    ];
    for (const at of joins) {
      const e = walk.events[at]!;
      const target = welcomesOf(e).find((w) => w.decisions.length > 0)!;
      for (const [what, edit] of edits) {
        const edited = walk.events.map((x, i) => (i === at ? { ...x, sent: x.sent.map((m) => (m === target ? edit(target) : m)) } : x));
        const v = check(write(`join-${at}-${what.replace(/ /g, '-')}.ndjson`, textOf(walk.header, edited)));
        expect(v.ok, `${what} in the Welcome part ${target.part ?? 1} of ${partsOf(target)} sent at event ${at}`).toBe(false);
        expect(v.failure, formatVerdict(v)).toMatchObject({ kind: 'spec', action: 'ReplicaReceiveJoin', line: at + 2 });
        expect(v.failure!.message).toMatch(/^the spec's ReplicaReceiveJoin leads elsewhere/);
      }
    }
  });

  it('is consumed whole by the TLC trace module (run inlined by tla-checker), to an install from two parts', async () => {
    // Two nodes, every Welcome in two parts; seed 103 installs one after 23 events (the module's cost grows fast with length).
    const constants: SpecConstants = { N: 2, Window: 1, Callers: [1], RequestsPerCaller: 1, MaxBallot: 0, MaxSlot: 1, MaxRestarts: 1, WelcomeParts: [2] };
    const short = specWalk({ constants, steps: 60, seed: 103, weights: { NodeRestart: 0.5, ReplicaReceiveJoin: 5, ReplicaReceiveWelcome: 20, RequesterInvoke: 5 } });
    const at = short.events.findIndex((e) => installed(e) && partsOf(e.params.message!) === 2 && e.state.rExecuted.length > 0);
    expect(at).toBeGreaterThan(0);
    const { header, events } = await readTrace([write('for-tlc.ndjson', textOf(short.header, short.events.slice(0, at + 1)))]);
    const { module, cfg } = inlinedTraceSpec(readFileSync(DEFAULT_SPEC_PATH, 'utf8'), header, events);
    expect(cfg).toMatch(/WelcomeParts = \{2\}/);
    const r = JSON.parse(tla.check_spec_with_cfg(module, cfg, '{}', 100_000, 10_000, true, false)) as { error_type: string | null; states_explored: number };
    expect(r.error_type).toBe('InvariantViolation'); // TraceNotDone: every event was matched
    expect(r.states_explored).toBe(events.length + 1);
  }, 300_000);
});
