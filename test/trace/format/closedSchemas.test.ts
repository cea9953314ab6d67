/**
 * Every object of a trace event is closed: its schema lists its fields, and an unknown one is
 * refused (a misspelt field would otherwise be read as absent, for a delta "unchanged"). Each
 * object of real events, compact and whole-state, gets one unknown field in turn; the schema
 * must refuse every such event, with a pointer at that object. Only an application's outputs
 * are open (any JSON value).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadTraceSchemas } from '../../../src/trace/format/schemas.js';
import { needsUpgrade, upgradeEvent } from '../../../src/trace/format/versions.js';
import { faultScenario } from '../../../src/trace/runs/faultScenarios.js';
import { traceScenario } from '../../../src/trace/runs/simTrace.js';

const EXAMPLES = new URL('../../../traces/examples/', import.meta.url).pathname;
/** Where any JSON value is allowed: what the application returned (to a replica, or to its client). */
const OPEN = /^\/params\/(output|outputs|client\/output)(\/|$)/;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** The JSON pointers of every object inside `v` (itself included). */
function objectPointers(v: Json, at = ''): string[] {
  if (v === null || typeof v !== 'object') return [];
  const inner = Array.isArray(v) ? v.flatMap((x, i) => objectPointers(x, `${at}/${i}`)) : Object.entries(v).flatMap(([k, x]) => objectPointers(x, `${at}/${k}`));
  return Array.isArray(v) ? inner : [at, ...inner];
}

function withExtra(ev: Json, pointer: string): Json {
  const copy = structuredClone(ev);
  let o = copy as Record<string, Json>;
  for (const part of pointer.split('/').slice(1)) o = o[part] as Record<string, Json>;
  o.zzUnknown = 1;
  return copy;
}

const events: Json[] = [];

beforeAll(() => {
  const dir = mkdtempSync(join(tmpdir(), 'closed-schemas-'));
  const path = join(dir, 'compact.ndjson');
  traceScenario({ ...faultScenario(4244), nodes: 3, workload: { clients: 2, ops: 12 } }, path, { eventLog: false }, 'test', true);
  for (const file of [path, join(EXAMPLES, 'crash-restart.ndjson'), join(EXAMPLES, 'leader-change.ndjson')]) {
    const [header, ...lines] = readFileSync(file, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Json);
    // The golden traces are whole-state and of an older version: read as the checker reads them.
    const legacy = needsUpgrade((header as { format: string }).format);
    for (const ev of lines) {
      const up = legacy ? upgradeEvent(ev) : { value: ev };
      if ('problem' in up) throw new Error(`${file}: ${up.problem.message}`);
      events.push(up.value as Json);
    }
  }
});

describe('trace event schemas are closed', () => {
  it('refuse an unknown field in every object of real events, pointing at that object', () => {
    const schemas = loadTraceSchemas();
    const shapes = new Set<string>();
    let refused = 0;
    for (const ev of events) {
      expect(schemas.event(ev)).toBeNull();
      for (const pointer of objectPointers(ev)) {
        if (OPEN.test(pointer)) continue;
        const problem = schemas.event(withExtra(ev, pointer));
        expect(problem, `${(ev as { action: string }).action}: an unknown field at ${pointer || '(root)'} is accepted`).not.toBeNull();
        expect(problem!.pointer.startsWith(pointer), `${pointer}: reported at ${problem!.pointer}`).toBe(true);
        refused++;
        shapes.add(pointer.replace(/\/\d+/g, '/#'));
      }
    }
    expect(refused).toBeGreaterThan(10_000);
    // The objects the trace format has: each was seen at least once.
    for (const shape of ['', '/params', '/params/message', '/params/message/prop', '/params/client', '/sent/#', '/sent/#/ballot',
      '/delta', '/delta/rRequests', '/delta/rExecuted', '/delta/aBallot', '/state', '/state/scout', '/state/rSnap', '/state/aAccepted/#']) {
      expect(shapes, shape).toContain(shape);
    }
  }, 60_000);
});
