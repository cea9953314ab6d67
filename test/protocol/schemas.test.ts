import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, MAX_BATCH_REQUESTS } from '../../src/protocol/limits.js';
import { MESSAGE_TYPES } from '../../src/protocol/messages.js';
import { loadMessageSchema, messageSchemaDir, messageSchemas } from '../../src/protocol/schemas.js';
import { checkMessage } from '../../src/protocol/validate.js';

const PEERS = [1, 2, 3];
const B = { num: 2, leader: 1 };
const P = { caller: 2, clientId: 1, input: 'x' };
const PV = { ballot: B, slot: 1, prop: P };

/** One valid example of every message type. */
const examples = {
  Prepare: { type: 'Prepare', ballot: B },
  Promise: { type: 'Promise', acceptor: 2, ballot: B, promised: B, accepted: [PV] },
  Accept: { type: 'Accept', ballot: B, slot: 1, prop: P },
  Accepted: { type: 'Accepted', acceptor: 3, ballot: B, slot: 1, promised: B },
  Decision: { type: 'Decision', slot: 1, prop: { caller: 0, clientId: 0, input: 'noop' } },
  Propose: { type: 'Propose', slot: 1, prop: P },
  Adopted: { type: 'Adopted', ballot: B, pvalues: [PV] },
  Preempted: { type: 'Preempted', leader: 1, ballot: B },
  Invoke: { type: 'Invoke', replica: 2, prop: P },
  Invoked: { type: 'Invoked', replica: 2, prop: P, index: 1, output: { any: ['json'] } },
  Join: { type: 'Join', node: 3 },
  Welcome: { type: 'Welcome', node: 3, slot: 2, decisions: [{ slot: 1, prop: P }], executed: [P], state: { app: { x: 1 }, outputs: [null] } },
  Active: { type: 'Active', ballot: B },
  Accepting: { type: 'Accepting', leader: 1 },
  CatchUp: { type: 'CatchUp', replica: 2, slot: 1 },
} as const;

describe('message JSON Schemas', () => {
  it('exist once per message type, plus defs, and nothing else', () => {
    const files = readdirSync(messageSchemaDir()).sort();
    expect(files).toEqual([...MESSAGE_TYPES.map((t) => `${t}.schema.json`), 'defs.schema.json'].sort());
  });

  it.each(MESSAGE_TYPES)('%s: draft 2020-12, with an $id and the message type as title', (type) => {
    const schema = loadMessageSchema(type);
    expect(schema['$schema']).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema['$id']).toBe(`https://paxos-reference.dev/schemas/messages/${type}.schema.json`);
    expect(schema['title']).toBe(type);
    expect(schema['additionalProperties']).toBe(false);
  });

  it.each(MESSAGE_TYPES)('%s: accepts a valid example, rejects it with a field missing or mistyped', (type) => {
    const example = examples[type] as Record<string, unknown>;
    expect(checkMessage(example, PEERS)).toEqual({ ok: true, value: example });
    const [field] = Object.keys(example).filter((k) => k !== 'type' && k !== 'output');
    const { [field!]: _dropped, ...missing } = example;
    expect(checkMessage(missing, PEERS)).toMatchObject({ ok: false, reason: expect.stringContaining(`must have required property '${field}'`) });
    expect(checkMessage({ ...example, [field!]: 'wrong' }, PEERS)).toMatchObject({ ok: false, reason: expect.stringContaining(`${type} message/${field}`) });
  });

  it('refuse an extra property at every depth, not only at the top: a ballot, request, batch, pvalue or decision a correct peer never sends', () => {
    // The roles keep and echo these objects (an acceptor answers a Prepare with its ballot), so
    // a nested field no sender writes would travel on into replies, records and traces.
    const withBatch = { type: 'Accept', ballot: B, slot: 1, prop: { batch: [P, { ...P, clientId: 2 }] } };
    const free = (path: string[]) => path[0] === 'output' || (path[0] === 'state' && path[1] === 'app');
    for (const example of [...Object.values(examples), withBatch] as Record<string, unknown>[]) {
      const paths: string[][] = [];
      const walk = (v: unknown, path: string[]) => {
        if (typeof v !== 'object' || v === null || free(path)) return;
        if (!Array.isArray(v) && path.length > 0) paths.push(path);
        for (const [k, child] of Object.entries(v)) walk(child, [...path, k]);
      };
      walk(example, []);
      for (const path of paths) {
        const spoiled = structuredClone(example);
        const target = path.reduce<Record<string, unknown>>((o, k) => o[k] as Record<string, unknown>, spoiled);
        target['extra'] = 1;
        // (A batch is one of two shapes, so ajv may name the failed alternative instead.)
        expect(checkMessage(spoiled, PEERS).ok, `${example['type']} at ${path.join('/')}`).toBe(false);
      }
      expect(checkMessage(example, PEERS).ok).toBe(true);
    }
  });

  it('repeat the named limits of src/protocol/limits.ts', () => {
    const defs = loadMessageSchema('defs') as { $defs: Record<string, { properties: Record<string, { maxLength?: number; maximum?: number }> } & { maximum?: number }> };
    expect(defs.$defs['proposal']!.properties['input']!.maxLength).toBe(DEFAULT_LIMITS.maxInputLength);
    expect(defs.$defs['nodeId']!.maximum).toBe(DEFAULT_LIMITS.maxNodes);
    expect(defs.$defs['slot']!.maximum).toBe(DEFAULT_LIMITS.maxNumber);
    const items = (type: 'Promise' | 'Adopted' | 'Welcome', field: string) =>
      (loadMessageSchema(type) as { properties: Record<string, { maxItems: number }> }).properties[field]!.maxItems;
    expect(items('Promise', 'accepted')).toBe(DEFAULT_LIMITS.maxPValues);
    expect(items('Adopted', 'pvalues')).toBe(DEFAULT_LIMITS.maxPValues);
    expect(items('Welcome', 'decisions')).toBe(DEFAULT_LIMITS.maxWelcomeDecisions);
    expect(items('Welcome', 'executed')).toBe(DEFAULT_LIMITS.maxWelcomeDecisions);
    const longBatch = (defs.$defs['longBatch'] as unknown as { properties: { batch: { maxItems: number } } }).properties.batch;
    expect(longBatch.maxItems).toBe(MAX_BATCH_REQUESTS);
  });

  it('are compiled once per process', () => {
    expect(messageSchemas()).toBe(messageSchemas());
    expect(messageSchemas().validator('Prepare')).toBe(messageSchemas().validator('Prepare'));
  });
});
