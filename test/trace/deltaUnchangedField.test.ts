/**
 * The replay skips comparing a set field when neither the spec's value nor the trace's delta
 * touched it since it was last found equal (traceView.ts: the verified value and the keys the
 * deltas changed). These tests take events whose spec step leaves a node's set alone and make
 * the delta alone change it, by a lone addition or a lone removal: each must be rejected at its
 * line, so the shortcut never hides a change the trace makes on its own.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkTraceSync } from '../../src/trace/replay/check.js';
import { passingBaseTrace } from './baseTrace.js';

type Delta = Record<string, { add?: unknown[]; remove?: unknown[] } | undefined>;
interface Ev { node: number; action: string; delta?: Delta }

const FIELDS = ['aAccepted', 'rDecisions'] as const;
const dir = mkdtempSync(join(tmpdir(), 'delta-unchanged-'));
let lines: string[] = [];

beforeAll(() => {
  lines = passingBaseTrace(dir, 4245);
});

/**
 * Events whose delta leaves `field` alone while their node holds an element of it (the last
 * one its deltas added, and not removed since): the first two and the last two such events.
 */
function untouched(field: string): Array<[number, Record<string, unknown>]> {
  const held = new Map<number, Record<string, unknown>>();
  const at: Array<[number, Record<string, unknown>]> = [];
  lines.forEach((l, i) => {
    if (i === 0) return;
    const ev = JSON.parse(l) as Ev;
    const change = ev.delta?.[field];
    if (ev.action === 'NodeRestart' || change?.remove?.length) { held.delete(ev.node); return; }
    if (change?.add?.length) held.set(ev.node, change.add[change.add.length - 1] as Record<string, unknown>);
    else if (held.has(ev.node) && change === undefined && ev.delta !== undefined) at.push([i + 1, held.get(ev.node)!]);
  });
  return at.length <= 4 ? at : [...at.slice(0, 2), ...at.slice(-2)];
}

function checkWith(line: number, change: { add?: unknown[]; remove?: unknown[] }, field: string): ReturnType<typeof checkTraceSync> {
  const ev = JSON.parse(lines[line - 1]!) as Ev;
  ev.delta![field] = change;
  const copy = [...lines];
  copy[line - 1] = JSON.stringify(ev);
  const path = join(dir, `${field}-${line}-${change.add ? 'add' : 'remove'}.ndjson`);
  writeFileSync(path, copy.join('\n') + '\n');
  return checkTraceSync({ name: path, files: [path] });
}

describe('a delta that changes a set field the spec step leaves alone is rejected at its line', () => {
  for (const field of FIELDS) {
    it(`${field}: a lone addition`, () => {
      const at = untouched(field);
      expect(at.length).toBeGreaterThan(0);
      for (const [line, x] of at) {
        const v = checkWith(line, { add: [{ ...x, slot: (x.slot as number) + 1000 }] }, field);
        expect(v.ok, `line ${line}`).toBe(false);
        expect(v.failure?.line).toBe(line);
        expect(v.failure?.kind).toBe('spec');
      }
    });

    it(`${field}: a lone removal`, () => {
      const at = untouched(field);
      expect(at.length).toBeGreaterThan(0);
      for (const [line, x] of at) {
        const v = checkWith(line, { remove: [x] }, field);
        expect(v.ok, `line ${line}`).toBe(false);
        expect(v.failure?.line).toBe(line);
        expect(v.failure?.kind).toBe('spec');
      }
    });
  }
});

describe('a delta that cannot apply to the node\'s set is rejected at its line', () => {
  it('adding an element the set already holds', () => {
    const [line, x] = untouched('rDecisions')[0]!;
    const v = checkWith(line, { add: [x] }, 'rDecisions');
    expect(v.ok).toBe(false);
    expect(v.failure?.line).toBe(line);
    expect(v.failure?.message).toMatch(/which already holds it/);
  });

  it('removing an element the set does not hold', () => {
    const [line, x] = untouched('rDecisions')[0]!;
    const v = checkWith(line, { remove: [{ ...x, slot: (x.slot as number) + 1000 }] }, 'rDecisions');
    expect(v.ok).toBe(false);
    expect(v.failure?.line).toBe(line);
    expect(v.failure?.message).toMatch(/which does not hold it/);
  });
});

/**
 * rExecuted is compared from where the view was last found equal (traceView.ts, sameExecuted):
 * a delta that truncates the history and appends another request in its place, on an event
 * whose spec step leaves the history alone, keeps its length; only the compared prefix's
 * bookkeeping tells the replay to look at the changed element.
 */
describe('a delta that rewrites the end of rExecuted on its own is rejected at its line', () => {
  interface Exec { len: number; last: Record<string, unknown> | undefined }
  type ExecDelta = { reset?: Record<string, unknown>[]; truncate?: number; append?: Record<string, unknown>[] };
  /** Events whose delta leaves rExecuted alone while their node has executed something: first two and last two. */
  function untouchedHistory(): Array<[number, Record<string, unknown>, number]> {
    const exec = new Map<number, Exec>();
    const at: Array<[number, Record<string, unknown>, number]> = [];
    lines.forEach((l, i) => {
      if (i === 0) return;
      const ev = JSON.parse(l) as Ev & { state?: { rExecuted: Record<string, unknown>[] }; delta?: { rExecuted?: ExecDelta } };
      if (ev.state !== undefined) { exec.set(ev.node, { len: ev.state.rExecuted.length, last: ev.state.rExecuted.at(-1) }); return; }
      const d = ev.delta?.rExecuted;
      const e = exec.get(ev.node) ?? { len: 0, last: undefined };
      if (d !== undefined) {
        // A truncation's last kept element is unknown here: such a node is left out until it appends.
        if (d.reset !== undefined) { e.len = d.reset.length; e.last = d.reset.at(-1); }
        if (d.truncate !== undefined) { e.len = d.truncate; e.last = undefined; }
        if (d.append !== undefined && d.append.length > 0) { e.len += d.append.length; e.last = d.append.at(-1); }
        exec.set(ev.node, e);
      } else if (ev.delta !== undefined && e.len > 0 && e.last !== undefined) {
        at.push([i + 1, e.last, e.len]);
      }
    });
    return at.length <= 4 ? at : [...at.slice(0, 2), ...at.slice(-2)];
  }

  function checkWithHistory(line: number, change: ExecDelta, tag: string): ReturnType<typeof checkTraceSync> {
    const ev = JSON.parse(lines[line - 1]!) as { delta: Record<string, unknown> };
    ev.delta.rExecuted = change;
    const copy = [...lines];
    copy[line - 1] = JSON.stringify(ev);
    const path = join(dir, `rExecuted-${line}-${tag}.ndjson`);
    writeFileSync(path, copy.join('\n') + '\n');
    return checkTraceSync({ name: path, files: [path] });
  }

  it('its last request replaced by another (same length)', () => {
    const at = untouchedHistory();
    expect(at.length).toBeGreaterThan(0);
    for (const [line, last, len] of at) {
      const v = checkWithHistory(line, { truncate: len - 1, append: [{ ...last, clientId: (last.clientId as number) + 1000 }] }, 'replaced');
      expect(v.ok, `line ${line}`).toBe(false);
      expect(v.failure?.line).toBe(line);
      expect(v.failure?.kind).toBe('spec');
    }
  });

  it('its last request cut and appended again (the same history): accepted', () => {
    const at = untouchedHistory();
    for (const [line, last, len] of at) {
      const v = checkWithHistory(line, { truncate: len - 1, append: [last] }, 'same');
      expect(v.failure, `line ${line}`).toBeUndefined();
      expect(v.ok).toBe(true);
    }
  });
});

/**
 * The scout is compared through a cache too (traceView.ts: the spec scout its text was last found
 * equal to), which a delta that sets the scout must clear: else a step whose spec scout is the
 * same object as before passes whatever scout the trace now shows.
 */
describe('a delta that changes the scout on its own is rejected at its line', () => {
  type Scout = { ballot: unknown; acks: number[]; pvalues: unknown[] } | null;
  /** Events whose delta leaves a running scout alone: the first two and the last two. */
  function untouchedScout(): Array<[number, NonNullable<Scout>]> {
    const scouts = new Map<number, Scout>();
    const at: Array<[number, NonNullable<Scout>]> = [];
    lines.forEach((l, i) => {
      if (i === 0) return;
      const ev = JSON.parse(l) as Ev & { state?: { scout: Scout }; delta?: { scout?: Scout } };
      if (ev.state !== undefined) { scouts.set(ev.node, ev.state.scout); return; }
      if (ev.delta !== undefined && 'scout' in ev.delta) { scouts.set(ev.node, ev.delta.scout ?? null); return; }
      const held = scouts.get(ev.node);
      if (ev.delta !== undefined && held) at.push([i + 1, held]);
    });
    return at.length <= 4 ? at : [...at.slice(0, 2), ...at.slice(-2)];
  }

  function checkWithScout(line: number, scout: Scout, tag: string): ReturnType<typeof checkTraceSync> {
    const ev = JSON.parse(lines[line - 1]!) as { delta: Record<string, unknown> };
    ev.delta.scout = scout;
    const copy = [...lines];
    copy[line - 1] = JSON.stringify(ev);
    const path = join(dir, `scout-${line}-${tag}.ndjson`);
    writeFileSync(path, copy.join('\n') + '\n');
    return checkTraceSync({ name: path, files: [path] });
  }

  it('the scout dropped, or given an ack it never received', () => {
    const at = untouchedScout();
    expect(at.length).toBeGreaterThan(0);
    for (const [line, scout] of at) {
      const other = [1, 2, 3].find((n) => !scout.acks.includes(n));
      const changes: Array<[Scout, string]> = [[null, 'dropped']];
      if (other !== undefined) changes.push([{ ...scout, acks: [...scout.acks, other].sort() }, 'acked']);
      for (const [to, tag] of changes) {
        const v = checkWithScout(line, to, tag);
        expect(v.ok, `line ${line}, scout ${tag}`).toBe(false);
        expect(v.failure?.line).toBe(line);
        expect(v.failure?.kind).toBe('spec');
      }
    }
  });

  it('the same scout written again: accepted', () => {
    for (const [line, scout] of untouchedScout()) expect(checkWithScout(line, scout, 'same').ok, `line ${line}`).toBe(true);
  });
});
