/**
 * loadTraceSchemas turns ajv's tracking of evaluated properties off, since no trace schema reads
 * it (src/trace/format/schemas.ts: it made every anyOf try all its branches). A schema set that
 * does use unevaluatedProperties keeps it on: here the header's closing keyword is swapped for
 * `unevaluatedProperties: false`, and a header with an unknown field must still be refused.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_SCHEMA_DIR, loadTraceSchemas } from '../../../src/trace/format/schemas.js';
import { TRACE_FORMAT } from '../../../src/trace/format/types.js';

const HEADER = {
  kind: 'header', format: TRACE_FORMAT, spec: { module: 'MultiPaxos', constants: { N: 3, Window: 5 } },
  cluster: { nodes: [1, 2, 3] }, runId: 'r', generator: 'test',
};

afterAll(() => { loadTraceSchemas(); }); // the default schemas compiled again for the next files of this worker

describe('schemas that use unevaluatedProperties', () => {
  it('keep ajv\'s tracking: an unknown header field is refused, a known header passes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'unevaluated-'));
    cpSync(DEFAULT_SCHEMA_DIR, dir, { recursive: true });
    const file = join(dir, 'events', 'header.schema.json');
    const schema = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    expect(schema.additionalProperties).toBe(false);
    delete schema.additionalProperties;
    schema.unevaluatedProperties = false;
    writeFileSync(file, JSON.stringify(schema));
    const schemas = loadTraceSchemas(dir);
    expect(schemas.header(HEADER)).toBeNull();
    expect(schemas.header({ ...HEADER, extra: 1 })).toMatchObject({ pointer: '' });
  });
});
