/**
 * The rejected trace the viewer's tests draw: the checker's fixture whose state differs from
 * the spec's. Where it is rejected comes from the fixtures' own contract (expected.json) and
 * what the checker says about it, not from numbers copied here, so the fixture can be
 * regenerated (a new trace format) without these tests going stale.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Failure, checkTraceSync } from '../../src/trace/replay/check.js';

export const REJECTED = join('test', 'fixtures', 'traces', 'state-differs.ndjson');

export interface Rejection { line: number; kind: string; action: string; failure: Failure }

export function rejection(): Rejection {
  const expected = (JSON.parse(readFileSync(join('test', 'fixtures', 'traces', 'expected.json'), 'utf8')) as Record<string, { line: number; kind: string }>)['state-differs.ndjson']!;
  const text = readFileSync(REJECTED, 'utf8').split('\n')[expected.line - 1]!;
  const verdict = checkTraceSync({ name: REJECTED, files: [REJECTED] });
  if (verdict.ok) throw new Error(`${REJECTED} is accepted by the checker; it is the rejected fixture`);
  return { line: expected.line, kind: expected.kind, action: (JSON.parse(text) as { action: string }).action, failure: verdict.failure! };
}
