/**
 * The replay compares a compact event's state with the spec's by looking only at the keys
 * changed since the last comparison (traceView.ts, pmap.ts). These tests make sure that
 * shortcut still sees every difference: in a real compact trace, one delta at a time loses an
 * element the spec adds, or gains one the spec does not, and the checker must reject exactly
 * that line, late in the trace as early.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkTraceSync } from '../../src/trace/replay/check.js';
import { passingBaseTrace } from './baseTrace.js';
import { SET_FIELDS } from '../../src/trace/format/types.js';

// Every set field: a checker that skipped commanders or rProposals passed every trace test
// while this list named only the other five.
const FIELDS = SET_FIELDS;
type Delta = Record<string, { add?: unknown[]; remove?: unknown[] } | undefined>;

const dir = mkdtempSync(join(tmpdir(), 'delta-omissions-'));
let lines: string[] = [];

beforeAll(() => {
  lines = passingBaseTrace(dir, 4244);
});

/** Line numbers (1-based) of events whose delta adds to `field`: the first ones and the last ones. */
function adding(field: string): number[] {
  const out: number[] = [];
  lines.forEach((l, i) => {
    if (i === 0) return;
    const d = (JSON.parse(l) as { delta?: Delta }).delta;
    if (d?.[field]?.add?.length) out.push(i + 1);
  });
  return out.length <= 6 ? out : [...out.slice(0, 3), ...out.slice(-3)];
}

function checkMutated(line: number, edit: (d: Delta) => void): ReturnType<typeof checkTraceSync> {
  const ev = JSON.parse(lines[line - 1]!) as { delta: Delta };
  edit(ev.delta);
  const copy = [...lines];
  copy[line - 1] = JSON.stringify(ev);
  const path = join(dir, `mutated-${line}.ndjson`);
  writeFileSync(path, copy.join('\n') + '\n');
  return checkTraceSync({ name: path, files: [path] });
}

describe('a compact event that misstates a growing set is rejected at its line', () => {
  for (const field of FIELDS) {
    it(`${field}: an element the spec adds is missing from the delta`, () => {
      const at = adding(field);
      expect(at.length).toBeGreaterThan(0);
      for (const line of at) {
        const v = checkMutated(line, (d) => {
          const c = d[field]!;
          c.add = c.add!.slice(1);
          if (c.add.length === 0) delete c.add;
          if (!c.add && !c.remove?.length) delete d[field];
        });
        expect(v.ok, `line ${line}`).toBe(false);
        expect(v.failure?.line).toBe(line);
        expect(v.failure?.kind).toBe('spec');
      }
    });

    it(`${field}: the delta adds an element the spec does not`, () => {
      for (const line of adding(field)) {
        const v = checkMutated(line, (d) => {
          const c = d[field]!;
          const first = c.add![0] as Record<string, unknown>;
          // The same element with another slot or client id: a key the spec's set lacks.
          const other = 'slot' in first ? { ...first, slot: (first.slot as number) + 1000 } : { ...first, clientId: (first.clientId as number) + 1000 };
          c.add = [...c.add!, other];
        });
        expect(v.ok, `line ${line}`).toBe(false);
        expect(v.failure?.line).toBe(line);
      }
    });
  }

  it('aAccepted: a delta that omits a replaced pvalue (same size, only the spec changed) is rejected', () => {
    const at: number[] = [];
    lines.forEach((l, i) => {
      const d = (JSON.parse(l) as { delta?: Delta }).delta;
      if (d?.aAccepted?.add?.length && d.aAccepted.remove?.length) at.push(i + 1);
    });
    expect(at.length).toBeGreaterThan(0);
    for (const line of at.slice(-4)) {
      const v = checkMutated(line, (d) => { delete d.aAccepted; });
      expect(v.ok, `line ${line}`).toBe(false);
      expect(v.failure?.line).toBe(line);
    }
  });

  it('rDecisions: a delta that swaps a decision the spec kept (same size, only the trace changed) is rejected', () => {
    // Per node, a decision it holds (none after a restart), to swap in a later event that leaves rDecisions alone.
    const held = new Map<number, Record<string, unknown>>();
    const at: Array<[number, Record<string, unknown>]> = [];
    lines.forEach((l, i) => {
      if (i === 0) return;
      const ev = JSON.parse(l) as { node: number; action: string; delta?: Delta };
      if (ev.action === 'NodeRestart') { held.delete(ev.node); return; }
      const add = ev.delta?.rDecisions?.add;
      if (add?.length) held.set(ev.node, add[0] as Record<string, unknown>);
      else if (held.has(ev.node) && ev.delta?.rDecisions === undefined) at.push([i + 1, held.get(ev.node)!]);
    });
    expect(at.length).toBeGreaterThan(0);
    for (const [line, d] of [...at.slice(0, 2), ...at.slice(-2)]) {
      const v = checkMutated(line, (delta) => { delta.rDecisions = { remove: [d], add: [{ ...d, slot: (d.slot as number) + 1000 }] }; });
      expect(v.ok, `line ${line}`).toBe(false);
      expect(v.failure?.line).toBe(line);
    }
  });
});
