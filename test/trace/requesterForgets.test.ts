/**
 * A node's `invoked` maps to what its Requester invoked in this incarnation, less what it forgot
 * once its replica executed it (compare.ts IncarnationInvoked): a Requester drops a request when
 * the answer comes, which follows the execution. Dropping one its replica has not executed is a
 * client request lost without an answer, and the replay must reject it at that line.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkTraceSync } from '../../src/trace/replay/check.js';
import { passingBaseTrace } from './baseTrace.js';

interface Ev { node: number; action: string; params: { proposal?: unknown }; delta?: Record<string, unknown> }

const dir = mkdtempSync(join(tmpdir(), 'requester-forgets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let lines: string[] = [];

beforeAll(() => {
  lines = passingBaseTrace(dir, 4245);
});

/**
 * Per RequesterInvoke (the first three): the line of its node's next event, when that event can
 * not have executed the request (no execution, install or restart), and the request.
 */
function nextEventsAfterInvokes(): Array<[number, unknown]> {
  const out: Array<[number, unknown]> = [];
  const waiting = new Map<number, unknown>();
  lines.forEach((l, i) => {
    if (i === 0) return;
    const ev = JSON.parse(l) as Ev;
    const request = waiting.get(ev.node);
    waiting.delete(ev.node);
    if (request !== undefined && ev.delta !== undefined && !['ReplicaExecute', 'ReplicaReceiveWelcome', 'NodeRestart', 'RequesterInvoke'].includes(ev.action)) {
      out.push([i + 1, request]);
    }
    if (ev.action === 'RequesterInvoke') waiting.set(ev.node, ev.params.proposal);
  });
  return out.slice(0, 3);
}

/** `ev` with `request` no longer among the removals of node's `invoked`. */
function withoutRemoval(ev: Ev, node: number, request: unknown): Ev {
  const change = ev.delta?.invoked as { add?: unknown[]; remove?: unknown[] } | undefined;
  if (ev.node !== node || change?.remove === undefined) return ev;
  const remove = change.remove.filter((x) => JSON.stringify(x) !== JSON.stringify(request));
  const invoked = remove.length > 0 ? { ...change, remove } : { ...change, remove: undefined };
  return { ...ev, delta: { ...ev.delta, invoked: invoked.add === undefined && invoked.remove === undefined ? undefined : invoked } };
}

describe('a Requester that forgets a request its replica has not executed', () => {
  it('is rejected at the line whose delta drops it', () => {
    const at = nextEventsAfterInvokes();
    expect(at.length).toBeGreaterThan(0);
    for (const [line, request] of at) {
      const ev = JSON.parse(lines[line - 1]!) as Ev;
      ev.delta!.invoked = { remove: [request] };
      // As a Requester that lost it would write: no later event of the node drops it again.
      const copy = lines.map((l, i) => (i < line ? l : JSON.stringify(withoutRemoval(JSON.parse(l) as Ev, ev.node, request))));
      copy[line - 1] = JSON.stringify(ev);
      const path = join(dir, `forgets-${line}.ndjson`);
      writeFileSync(path, copy.join('\n') + '\n');
      const v = checkTraceSync({ name: path, files: [path] });
      expect(v.ok, `line ${line}`).toBe(false);
      expect(v.failure?.line).toBe(line);
      expect(v.failure?.kind).toBe('spec');
    }
  });
});
