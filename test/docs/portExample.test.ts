/**
 * The worked example of docs/porting.md: a trace written by a Python script (a stand-in for a
 * port in another language) is accepted by the checker, and one flipped field is rejected at
 * its line with the kind of check that guards it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkTrace } from '../../src/trace/replay/check.js';

const DIR = new URL('../../docs/examples/port/', import.meta.url).pathname;
const TRACE = DIR + 'port-example.ndjson';
const hasPython = spawnSync('python3', ['--version']).status === 0;

type Line = Record<string, unknown> & { action?: string; node?: number; params?: Record<string, unknown>; state?: Record<string, unknown> };

/** Writes the shipped trace with `edit` applied to the first event matching `pick`; returns the file and the 1-based line. */
function flipped(pick: (e: Line) => boolean, edit: (e: Line) => void): { file: string; line: number } {
  const lines = readFileSync(TRACE, 'utf8').trimEnd().split('\n');
  const index = lines.findIndex((l, i) => i > 0 && pick(JSON.parse(l) as Line));
  expect(index).toBeGreaterThan(0);
  const event = JSON.parse(lines[index]!) as Line;
  edit(event);
  lines[index] = JSON.stringify(event);
  const file = join(mkdtempSync(join(tmpdir(), 'port-example-')), 'flipped.ndjson');
  writeFileSync(file, lines.join('\n') + '\n');
  return { file, line: index + 1 };
}

describe('port example (docs/examples/port)', () => {
  it('the shipped trace passes schema, spec replay and the client-level checks', async () => {
    const v = await checkTrace({ name: 'port-example', files: [TRACE] });
    expect(v.failure).toBeUndefined();
    expect(v.ok).toBe(true);
    expect(v.events).toBe(20);
  });

  it('passes the embedded TLA+ oracle alone too', async () => {
    const v = await checkTrace({ name: 'port-example', files: [TRACE] }, { fast: false, embedded: true });
    expect(v.failure).toBeUndefined();
    expect(v.ok).toBe(true);
  }, 60_000);

  it.skipIf(!hasPython)('is exactly what the Python script writes', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'port-example-')), 'out.ndjson');
    execFileSync('python3', [DIR + 'write_trace.py', out]);
    expect(readFileSync(out, 'utf8')).toBe(readFileSync(TRACE, 'utf8'));
  });

  it('an acceptor state that differs from the spec fails replay at that line', async () => {
    const { file, line } = flipped(
      (e) => e.action === 'AcceptorReceiveAccept' && e.node === 2,
      (e) => { e.state!.aBallot = { num: 7, leader: 1 }; },
    );
    const v = await checkTrace({ name: 'flipped', files: [file] });
    expect(v.ok).toBe(false);
    expect(v.failure?.kind).toBe('spec');
    expect(v.failure?.line).toBe(line);
  });

  it('a wrong output of an execution fails the client-level checks at that line', async () => {
    const { file, line } = flipped(
      (e) => e.action === 'ReplicaExecute' && e.node === 2,
      (e) => { e.params!.output = { ok: true, op: 'set', key: 'b' }; },
    );
    const v = await checkTrace({ name: 'flipped', files: [file] });
    expect(v.ok).toBe(false);
    expect(v.failure?.kind).toBe('client');
    expect(v.failure?.line).toBe(line);
  });

  it('a schema violation is reported at that line', async () => {
    const { file, line } = flipped((e) => e.action === 'LeaderSpawnScout', (e) => { e.node = 0; });
    const v = await checkTrace({ name: 'flipped', files: [file] });
    expect(v.ok).toBe(false);
    expect(v.failure?.kind).toBe('schema');
    expect(v.failure?.line).toBe(line);
  });
});
