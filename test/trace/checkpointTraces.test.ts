/**
 * Traces with checkpoints (paxos-trace/3): a walk of the spec with CheckpointNodes set takes
 * ReplicaSnapshot, ReplicaForget, AcceptorCompact and (after a restart) LeaderCompact, answers Prepares with marks and restarts
 * from snapshots. Written in full and in compact form (rSnap by length, rExecuted truncate), it
 * passes the fast oracle, the embedded spec alone and the TLC trace module; each one-line edit
 * of the compact form below is rejected at its line, naming the variable. A trace from before
 * checkpoints (paxos-trace/2) is still read, with every mark 1 and no snapshot.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as tla from 'tla-checker';
import { type CheckOptions, type TraceVerdict, formatVerdict } from '../../src/trace/replay/check.js';
import { DeltaEncoder } from '../../src/trace/format/deltaEncoder.js';
import { SCALAR_FIELDS, TRACE_FORMAT_V2, type Ballot, type SpecConstants, type SpecMessage, type FullTraceEvent, type TraceEvent, type TraceHeader } from '../../src/trace/format/types.js';
import { specWalk } from '../../src/trace/spec/specWalk.js';
import { traceFiles } from './traceFiles.js';
import { inlinedTraceSpec, readTrace, runTlc, tlcJar } from '../../src/trace/replay/tlc.js';
import { DEFAULT_SPEC_PATH } from '../../src/trace/replay/tlaEngine.js';

tla.initSync({ module: readFileSync(fileURLToPath(new URL('tla_checker_bg.wasm', import.meta.resolve('tla-checker')))) });
const CONSTANTS: SpecConstants = { N: 3, Window: 2, Callers: [1, 2, 3], RequestsPerCaller: 2, MaxBallot: 2, MaxSlot: 4, MaxRestarts: 2, CheckpointNodes: [1, 2, 3] };
// Seed 17 with rare restarts: snapshots, forgotten decisions, compactions, Promises and an
// Adopted with marks, and a restart after the replica executed past its snapshot (a truncate
// that keeps some history).
const walk = specWalk({ constants: CONSTANTS, steps: 400, seed: 17, weights: { NodeRestart: 0.05 } });

type Json = Record<string, unknown>;
const compactEvents = (events: readonly FullTraceEvent[]): TraceEvent[] => {
  const encoder = new DeltaEncoder(CONSTANTS.N);
  return events.map((e) => encoder.encode(e));
};
const { textOf, write, check } = traceFiles('checkpoint-traces-');

const full = textOf(walk.header, walk.events);
const compact = textOf(walk.header, compactEvents(walk.events));
const eventAt = (lines: readonly string[], i: number): Json => JSON.parse(lines[i]!) as Json;
/** The first line (0-based; line 0 is the header) of `lines` whose event satisfies `p`. */
function lineWhere(lines: readonly string[], p: (ev: Json) => boolean): number {
  const i = lines.findIndex((l, k) => k > 0 && p(JSON.parse(l) as Json));
  expect(i, 'the walk has such an event').toBeGreaterThan(0);
  return i;
}
const deltaOf = (ev: Json): Json => (ev.delta ?? {}) as Json;
const sentOf = (ev: Json): SpecMessage[] => ev.sent as SpecMessage[];
const mark = (m: SpecMessage): number => ('mark' in m ? m.mark ?? 1 : 1);

describe('a spec walk with checkpoints', () => {
  it('takes every checkpoint step, and its compact form carries them in O(1) bytes each', () => {
    const actions = walk.events.map((e) => e.action);
    for (const a of ['ReplicaSnapshot', 'ReplicaForget', 'AcceptorCompact', 'LeaderCompact', 'NodeRestart']) expect(actions).toContain(a);
    expect(walk.events.some((e) => e.sent.some((m) => m.type === 'Promise' && mark(m) >= 2))).toBe(true);
    expect(walk.events.some((e) => e.action === 'LeaderReceiveAdopted' && mark(e.params.message!) >= 2)).toBe(true);
    expect(walk.events.some((e) => e.state.scout !== null && e.state.scout.mark >= 2)).toBe(true);
    const deltas = compact.slice(1).map((l) => deltaOf(JSON.parse(l) as Json));
    expect(deltas.every((d) => d !== undefined)).toBe(true);
    expect(deltas.some((d) => ((d.rSnap as { executedLength?: number } | undefined)?.executedLength ?? 0) > 0)).toBe(true);
    expect(deltas.some((d) => ((d.rExecuted as { truncate?: number } | undefined)?.truncate ?? 0) > 0)).toBe(true);
    expect(compact.some((l) => l.includes('"rSnap":{"executed"'))).toBe(false);
  });

  it('passes the fast oracle in full and in compact form', () => {
    for (const [name, lines] of [['full', full], ['compact', compact]] as const) {
      const v = check(write(`${name}.ndjson`, lines));
      expect(v.ok, formatVerdict(v)).toBe(true);
      expect(v.events).toBe(walk.events.length);
    }
  });

  it('passes the embedded spec alone (the TLA+ boundary carries the real marks and snapshots)', () => {
    const v = check(write('embedded.ndjson', compact), { fast: false, embedded: true });
    expect(v.ok, formatVerdict(v)).toBe(true);
    expect(v.embeddedEvents).toBe(walk.events.length);
  }, 300_000);

  // The TLC module's cost grows faster than the trace's length (tla-checker: 30 events 9 s, 60
  // events 41 s, 120 events 221 s at load 12; TLC took 438 s for the whole walk above): a
  // smaller model, checkpoint steps favoured, cut after its first LeaderCompact (45 events).
  // LeaderCompact needs a restart after a compaction (AcceptorCompact moves the leader too).
  const small: SpecConstants = { N: 3, Window: 2, Callers: [1], RequestsPerCaller: 1, MaxBallot: 1, MaxSlot: 2, MaxRestarts: 1, CheckpointNodes: [1, 2, 3] };
  const short = specWalk({ constants: small, steps: 45, seed: 1922,
    weights: { NodeRestart: 0.05, ReplicaSnapshot: 4, AcceptorCompact: 4, LeaderCompact: 4, ReplicaExecute: 4, ReplicaPropose: 4, LeaderReceivePropose: 3 } });
  const shortCompact = textOf(short.header, compactEvents(short.events));

  it('is consumed whole by the TLC trace module (run inlined by tla-checker, on a short walk)', async () => {
    const actions = short.events.map((e) => e.action);
    expect(actions.at(-1)).toBe('LeaderCompact');
    for (const a of ['ReplicaSnapshot', 'AcceptorCompact', 'NodeRestart']) expect(actions).toContain(a);
    // Its AcceptorCompact drops its leader's proposal below the new mark, in the same event.
    const k = actions.indexOf('AcceptorCompact');
    const n = short.events[k]!.node;
    const before = short.events.slice(0, k).reverse().find((e) => e.node === n)!.state;
    const after = short.events[k]!.state;
    expect(before.lProposals.some((d) => d.slot < after.aMark)).toBe(true);
    expect(after.lMark).toBe(after.aMark);
    expect(after.lProposals.filter((d) => d.slot < after.aMark)).toEqual([]);
    const { header, events } = await readTrace([write('for-tlc.ndjson', shortCompact)]);
    const { module, cfg } = inlinedTraceSpec(readFileSync(DEFAULT_SPEC_PATH, 'utf8'), header, events);
    expect(cfg).toMatch(/CheckpointNodes = \{1, 2, 3\}/);
    const r = JSON.parse(tla.check_spec_with_cfg(module, cfg, '{}', 100_000, 10_000, true, false)) as { error_type: string | null; states_explored: number };
    expect(r.error_type).toBe('InvariantViolation');
    expect(r.states_explored).toBe(events.length + 1);
  }, 300_000);

  it('the TLC trace module stops at a ReplicaSnapshot whose rSnap is wrong, and at a wrong aMark (tla-checker)', async () => {
    const { header, events } = await readTrace([write('for-tlc-bad.ndjson', shortCompact)]);
    const spec = readFileSync(DEFAULT_SPEC_PATH, 'utf8');
    for (const [action, edit] of [
      ['ReplicaSnapshot', (ev: FullTraceEvent) => ({ ...ev, state: { ...ev.state, rSnap: { ...ev.state.rSnap, slot: ev.state.rSnap.slot + 1 } } })],
      ['AcceptorCompact', (ev: FullTraceEvent) => ({ ...ev, state: { ...ev.state, aMark: ev.state.aMark + 1 } })],
    ] as const) {
      const k = events.findIndex((e) => e.action === action);
      const bad = events.slice(0, k + 1);
      bad[k] = edit(bad[k]!);
      const { module, cfg } = inlinedTraceSpec(spec, header, bad);
      const r = JSON.parse(tla.check_spec_with_cfg(module, cfg, '{}', 100_000, 10_000, true, false)) as { success: boolean; states_explored: number };
      // Not consumed: TraceNotDone holds in every state reached, the last being the one before the edited event.
      expect(r.success, action).toBe(true);
      expect(r.states_explored, action).toBe(k + 1);
    }
  }, 300_000);

  it.skipIf(tlcJar() === null)('TLC accepts the short walk (only with TLA2TOOLS_JAR)', async () => {
    const r = await runTlc([write('tlc.ndjson', shortCompact)]);
    expect(r.ok, r.message).toBe(true);
  }, 600_000);
});

/** One line of the compact walk edited; the checker must reject exactly that line. */
function rejectEdit(name: string, find: (ev: Json) => boolean, edit: (ev: Json) => void, opts: CheckOptions = {}): { line: number; verdict: TraceVerdict } {
  const lines = compact.slice();
  const i = lineWhere(lines, find);
  const ev = eventAt(lines, i);
  edit(ev);
  lines[i] = JSON.stringify(ev);
  const verdict = check(write(`${name}.ndjson`, lines), opts);
  expect(verdict.ok).toBe(false);
  expect(verdict.failure?.line, formatVerdict(verdict)).toBe(i + 1);
  return { line: i + 1, verdict };
}
/** The difference names `field` (spec's value vs the trace's). */
const namesField = (v: TraceVerdict, field: string): void => {
  expect(v.failure?.kind).toBe('spec');
  expect(v.failure?.diff?.some((d) => d.startsWith(`  ${field}: `)), formatVerdict(v)).toBe(true);
};

describe('one-line edits of the compact walk are rejected at their line', () => {
  it('an AcceptorCompact above its node\'s snapshot slot', () => {
    const { verdict } = rejectEdit('compact-above-snapshot', (ev) => ev.action === 'AcceptorCompact',
      (ev) => { const d = deltaOf(ev); d.aMark = (d.aMark as number) + 1; });
    expect(verdict.failure?.action).toBe('AcceptorCompact');
    namesField(verdict, 'aMark');
  });

  it('a Promise that omits the pvalue at its mark', () => {
    const atMark = (m: SpecMessage): boolean => m.type === 'Promise' && mark(m) >= 2 && m.accepted.some((pv) => pv.slot === m.mark);
    const { verdict } = rejectEdit('promise-omits-mark-slot', (ev) => ev.action === 'AcceptorReceivePrepare' && sentOf(ev).some(atMark), (ev) => {
      const p = sentOf(ev).find(atMark) as Extract<SpecMessage, { type: 'Promise' }>;
      p.accepted = p.accepted.filter((pv) => pv.slot !== p.mark);
    });
    expect(verdict.failure?.action).toBe('AcceptorReceivePrepare');
    expect(verdict.failure?.diff?.some((d) => d.startsWith('  sent: spec sends {"accepted":') && d.includes('"mark":'))).toBe(true);
  });

  it('a wrong aMark in a delta (a replica snapshot that claims its acceptor compacted too)', () => {
    const { verdict } = rejectEdit('wrong-amark', (ev) => ev.action === 'ReplicaSnapshot',
      (ev) => { const d = deltaOf(ev); d.aMark = (d.rSnap as { slot: number }).slot; });
    expect(verdict.failure?.action).toBe('ReplicaSnapshot');
    namesField(verdict, 'aMark');
  });

  it('a ReplicaForget that keeps a decision below one it forgets (it forgets every decision below some slot)', () => {
    const removed = (ev: Json): SpecMessage[] => ((deltaOf(ev).rDecisions as { remove?: SpecMessage[] } | undefined)?.remove ?? []);
    const { verdict } = rejectEdit('forget-not-below', (ev) => ev.action === 'ReplicaForget' && removed(ev).length >= 2,
      (ev) => { const r = removed(ev) as unknown as Array<{ slot: number }>; const low = Math.min(...r.map((d) => d.slot)); (deltaOf(ev).rDecisions as { remove: unknown[] }).remove = r.filter((d) => d.slot !== low); });
    expect(verdict.failure?.action).toBe('ReplicaForget');
    namesField(verdict, 'rDecisions');
  });

  it('a restart whose truncate does not keep exactly the snapshot\'s history', () => {
    const { verdict } = rejectEdit('truncate-not-snapshot', (ev) => ((deltaOf(ev).rExecuted as { truncate?: number } | undefined)?.truncate ?? 0) > 0,
      (ev) => { (deltaOf(ev).rExecuted as { truncate: number }).truncate -= 1; });
    expect(verdict.failure?.action).toBe('NodeRestart');
    namesField(verdict, 'rExecuted');
  });

  it('a ReplicaSnapshot at the wrong slot', () => {
    const { verdict } = rejectEdit('snapshot-wrong-slot', (ev) => ev.action === 'ReplicaSnapshot',
      (ev) => { (deltaOf(ev).rSnap as { slot: number }).slot += 1; });
    expect(verdict.failure?.action).toBe('ReplicaSnapshot');
    namesField(verdict, 'rSnap');
  });

  it('a ReplicaSnapshot that holds less history than the replica executed', () => {
    const { verdict } = rejectEdit('snapshot-short-history', (ev) => ev.action === 'ReplicaSnapshot' && ((deltaOf(ev).rSnap as { executedLength: number }).executedLength > 0),
      (ev) => { (deltaOf(ev).rSnap as { executedLength: number }).executedLength -= 1; });
    namesField(verdict, 'rSnap');
  });

  it('a snapshot longer than rExecuted, or a truncate past its end: the delta does not apply', () => {
    const { verdict } = rejectEdit('snapshot-past-end', (ev) => ev.action === 'ReplicaSnapshot',
      (ev) => { (deltaOf(ev).rSnap as { executedLength: number }).executedLength += 100; });
    expect(verdict.failure?.message).toMatch(/rSnap holds the first \d+ elements of rExecuted, which has \d+/);
  });

  it('the embedded spec alone rejects a compaction above the snapshot too', () => {
    const a = rejectEdit('embedded-compact-above', (ev) => ev.action === 'AcceptorCompact',
      (ev) => { const d = deltaOf(ev); d.aMark = (d.aMark as number) + 1; }, { fast: false, embedded: true });
    expect(a.verdict.failure?.oracle).toBe('embedded');
    namesField(a.verdict, 'aMark');
  }, 300_000);
});

/**
 * Every scalar field of a node's state is compared with the spec's: a delta that names one with
 * another value, at an event that leaves it as it was, is rejected at that line. A checker that
 * skipped lMark passed every other trace test (no edit touched it), so each field has its edit.
 */
describe('a delta that misstates any scalar field is rejected at its line', () => {
  const nextBallot = (b: unknown): Ballot => ({ ...(b as Ballot), num: (b as Ballot).num + 1 });
  const wrong: Record<(typeof SCALAR_FIELDS)[number], (v: unknown) => unknown> = {
    aBallot: nextBallot,
    lBallot: nextBallot,
    lActive: (v) => !(v as boolean),
    scout: (v) => (v === null ? { ballot: { num: 9, leader: 1 }, acks: [], pvalues: [], mark: 1 } : null),
    rSlotIn: (v) => (v as number) + 1,
    rSlotOut: (v) => (v as number) + 1,
    aMark: (v) => (v as number) + 1,
    lMark: (v) => (v as number) + 1,
  };
  for (const field of SCALAR_FIELDS) {
    it(field, () => {
      // Late enough that checkpoints moved the marks; an event whose delta leaves the field alone.
      const i = compact.findIndex((l, k) => k > compact.length / 2 && !(field in deltaOf(JSON.parse(l) as Json)));
      expect(i, 'the walk has such an event').toBeGreaterThan(0);
      // The value the node holds there: the full-state form of the same walk, line for line.
      const held = (eventAt(full, i).state as Json)[field];
      const ev = eventAt(compact, i);
      ev.delta = { ...deltaOf(ev), [field]: wrong[field](held) };
      const lines = compact.slice();
      lines[i] = JSON.stringify(ev);
      const verdict = check(write(`scalar-${field}.ndjson`, lines));
      expect(verdict.ok, formatVerdict(verdict)).toBe(false);
      expect(verdict.failure?.line, formatVerdict(verdict)).toBe(i + 1);
      namesField(verdict, field);
    });
  }
});

/** A version 2 trace of a walk without checkpoints: no aMark, lMark, rSnap, scout.mark. */
function asVersion2(h: TraceHeader, events: readonly TraceEvent[]): string[] {
  const strip = (s: Json | undefined): void => {
    if (s === undefined) return;
    delete s.aMark; delete s.lMark; delete s.rSnap;
    if (s.scout !== null && typeof s.scout === 'object') delete (s.scout as Json).mark;
  };
  const out = events.map((e) => {
    const ev = JSON.parse(JSON.stringify(e)) as Json;
    strip(ev.state as Json | undefined);
    strip(ev.delta as Json | undefined);
    return ev;
  });
  return textOf({ ...h, format: TRACE_FORMAT_V2 }, out);
}

describe('paxos-trace/2 (before checkpoints)', () => {
  const { CheckpointNodes: _none, ...before } = CONSTANTS;
  void _none;
  const old = specWalk({ constants: before, steps: 300, seed: 4, stutterEvery: 9 });
  const oldFull = asVersion2(old.header, old.events);
  const oldCompact = asVersion2(old.header, compactEvents(old.events));

  it('is still accepted, full and compact, by the fast oracle and by the embedded spec alone', () => {
    expect(oldFull[1]).not.toContain('aMark');
    expect(old.events.some((e) => e.state.scout !== null)).toBe(true);
    for (const [name, lines] of [['v2-full', oldFull], ['v2-compact', oldCompact]] as const) {
      const path = write(`${name}.ndjson`, lines);
      const v = check(path);
      expect(v.ok, formatVerdict(v)).toBe(true);
      const e = check(path, { fast: false, embedded: true, embeddedMaxEvents: 120 });
      expect(e.ok, formatVerdict(e)).toBe(true);
    }
  }, 300_000);

  it('is read for TLC with every mark 1 and no snapshot', async () => {
    const { events } = await readTrace([write('v2-tlc.ndjson', oldCompact)]);
    expect(events.at(-1)!.state).toMatchObject({ aMark: 1, lMark: 1, rSnap: { slot: 1, executed: [] } });
  });

  it('cannot carry what version 3 added: a state field, a checkpoint action, CheckpointNodes', () => {
    const lines = oldFull.slice();
    const ev = eventAt(lines, 5);
    (ev.state as Json).aMark = 1;
    lines[5] = JSON.stringify(ev);
    const v = check(write('v2-with-amark.ndjson', lines));
    expect(v.failure).toMatchObject({ kind: 'schema', line: 6, pointer: '/state/aMark' });
    expect(v.failure?.message).toContain('new in paxos-trace/3');

    const header = JSON.parse(oldFull[0]!) as TraceHeader;
    const withNodes = [JSON.stringify({ ...header, spec: { ...header.spec, constants: { ...header.spec.constants, CheckpointNodes: [1] } } }), ...oldFull.slice(1)];
    expect(check(write('v2-with-checkpoint-nodes.ndjson', withNodes)).failure).toMatchObject({ kind: 'header', line: 1, pointer: '/spec/constants/CheckpointNodes' });
  });

  it('cannot carry them in a delta or as an action either: each is refused at its pointer, as new in version 3', () => {
    const refused = (name: string, edit: (ev: Json) => void, pointer: string): void => {
      const lines = oldCompact.slice();
      const i = lineWhere(lines, (ev) => ev.delta !== undefined && ev.action !== 'Stutter');
      const ev = eventAt(lines, i);
      edit(ev);
      lines[i] = JSON.stringify(ev);
      const v = check(write(`v2-${name}.ndjson`, lines));
      expect(v.failure, name).toMatchObject({ kind: 'schema', line: i + 1, pointer });
      expect(v.failure?.message, name).toContain('new in paxos-trace/3');
    };
    refused('delta-lmark', (ev) => { (ev.delta as Json).lMark = 1; }, '/delta/lMark');
    refused('delta-rsnap', (ev) => { (ev.delta as Json).rSnap = { slot: 1, executedLength: 0 }; }, '/delta/rSnap');
    refused('delta-scout-mark', (ev) => { (ev.delta as Json).scout = { ballot: { num: 1, leader: 1 }, acks: [], pvalues: [], mark: 1 }; }, '/delta/scout/mark');
    refused('delta-truncate', (ev) => { (ev.delta as Json).rExecuted = { truncate: 0 }; }, '/delta/rExecuted/truncate');
    refused('snapshot-action', (ev) => { ev.action = 'ReplicaSnapshot'; }, '/action');
  });
});

describe('the version 3 header', () => {
  it('names the checkpoint nodes within 1..N', () => {
    const header = { ...walk.header, spec: { ...walk.header.spec, constants: { ...CONSTANTS, CheckpointNodes: [1, 4] } } };
    const v = check(write('bad-checkpoint-nodes.ndjson', [JSON.stringify(header), ...compact.slice(1)]));
    expect(v.failure).toMatchObject({ kind: 'header', line: 1, pointer: '/spec/constants/CheckpointNodes' });
  });

  it('without CheckpointNodes, no replica may snapshot: the walk\'s first ReplicaSnapshot is rejected', () => {
    const { CheckpointNodes: _none, ...rest } = CONSTANTS;
    void _none;
    const header = { ...walk.header, spec: { ...walk.header.spec, constants: rest } };
    const lines = [JSON.stringify(header), ...compact.slice(1)];
    const first = lineWhere(lines, (ev) => ev.action === 'ReplicaSnapshot');
    const v = check(write('no-checkpoint-nodes.ndjson', lines));
    expect(v.failure).toMatchObject({ kind: 'spec', line: first + 1, action: 'ReplicaSnapshot' });
  });
});
