/**
 * A simulated run whose restarted node is answered by Welcomes in tens of parts, sent again at
 * one slot with other decisions (2% loss, so Joins are repeated and parts lost), is checked in
 * seconds. The checker used to list every assembly of the parts it held, one candidate or more
 * per index: here more than 10^8 at one install, and it ran out of memory (a 5-minute chaos run
 * of real processes did the same at 2^45).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkTraceSync, formatVerdict } from '../../../src/trace/replay/check.js';
import { traceScenario } from '../../../src/trace/runs/simTrace.js';
import { scheduleOf } from '../../../src/sim/schedule.js';
import type { Scenario } from '../../../src/sim/scenario.js';

type Json = { action: string; params: { message?: { node: number; slot: number; part?: number; parts?: number } }; sent?: Array<Record<string, unknown>> };

/** At each install of a Welcome in parts: how many assemblies the Welcomes sent before it allow (a product over its indices). */
function assembliesAtInstalls(events: readonly Json[]): number[] {
  const versions = new Map<string, Set<string>>();
  const out: number[] = [];
  for (const e of events) {
    const m = e.params.message;
    if (e.action === 'ReplicaReceiveWelcome' && m !== undefined && (m.parts ?? 1) > 1) {
      let n = 1;
      for (let i = 1; i <= m.parts!; i++) if (i !== m.part) n *= versions.get(`${m.node}@${m.slot}/${m.parts}#${i}`)?.size ?? 0;
      out.push(n);
    }
    for (const w of e.sent ?? []) {
      if (w.type !== 'Welcome') continue;
      const key = `${String(w.node)}@${String(w.slot)}/${String(w.parts ?? 1)}#${String(w.part ?? 1)}`;
      const seen = versions.get(key) ?? new Set<string>();
      seen.add(JSON.stringify(w.decisions));
      versions.set(key, seen);
    }
  }
  return out;
}

describe('a Welcome in tens of parts, sent again at one slot with other decisions', () => {
  it('is checked without listing its assemblies', () => {
    const scenario: Scenario = {
      seed: 6, nodes: 5, app: 'kv', workload: { clients: 5, ops: 150 },
      schedule: scheduleOf({ loss: 0.02 }, [{ kind: 'crash', at: 300, node: 3, restart: 800 }]),
      // Parts of 1,200 bytes: since a replica answers a Join again with the parts it sent before
      // (2026-12-05), the versions at one slot come from different senders, and 1,500-byte parts
      // (8.4 * 10^6 assemblies at most) no longer made the shape.
      maxWelcomeBytes: 1_200, checkpointEvery: 10,
    };
    const path = join(mkdtempSync(join(tmpdir(), 'welcome-versions-')), 'trace.ndjson');
    const traced = traceScenario(scenario, path, { eventLog: false, track: false, checkpointEvery: 10 }, 'test/trace/welcome/welcomeVersionsSimTrace.test.ts', true);
    const events = readFileSync(path, 'utf8').trim().split('\n').slice(1).map((l) => JSON.parse(l) as Json);
    // The shape is there: an install that the old checker would have listed 10^8 assemblies for.
    expect(Math.max(...assembliesAtInstalls(events))).toBeGreaterThan(1e8);
    const v = checkTraceSync({ name: path, files: [path] });
    expect(v.ok, formatVerdict(v)).toBe(true);
    expect(v.events).toBe(traced.events);
  }, 120_000);
});
