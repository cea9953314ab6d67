import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';

export const SCHEMA_BASE = 'https://paxos-reference.dev/schemas/';
export const HEADER_SCHEMA_ID = `${SCHEMA_BASE}events/header.schema.json`;
export const EVENT_SCHEMA_ID = `${SCHEMA_BASE}events/event.schema.json`;
export const ENDING_SCHEMA_ID = `${SCHEMA_BASE}events/ending.schema.json`;

/** traces/schemas in this repository, resolved from this file so the CLI works from any cwd. */
export const DEFAULT_SCHEMA_DIR = fileURLToPath(new URL('../../../traces/schemas/', import.meta.url));

export interface SchemaProblem {
  /** JSON pointer (RFC 6901) into the line's value, "" for the whole value. */
  pointer: string;
  message: string;
}

export interface TraceSchemas {
  header(value: unknown): SchemaProblem | null;
  event(value: unknown): SchemaProblem | null;
  /** An end or crash line of a part file (TraceEnding). */
  ending(value: unknown): SchemaProblem | null;
}

function schemaFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...schemaFiles(p));
    else if (name.endsWith('.schema.json')) out.push(p);
  }
  return out;
}

/**
 * The most useful of ajv's errors: the deepest pointer, skipping the "must match then schema"
 * wrappers that if/then adds around the real failure.
 */
export function pickProblem(errors: readonly ErrorObject[]): SchemaProblem {
  const real = errors.filter((e) => e.keyword !== 'if');
  const pool = real.length > 0 ? real : errors;
  let best = pool[0]!;
  for (const e of pool) if (e.instancePath.length > best.instancePath.length) best = e;
  let message = best.message ?? 'is invalid';
  const p = best.params as Record<string, unknown>;
  if (best.keyword === 'additionalProperties') message = `has unexpected property "${String(p.additionalProperty)}"`;
  else if (best.keyword === 'required') message = `is missing required property "${String(p.missingProperty)}"`;
  else if (best.keyword === 'const') message = `must be ${JSON.stringify(p.allowedValue)}`;
  else if (best.keyword === 'enum') message = `must be one of ${JSON.stringify(p.allowedValues)}`;
  return { pointer: best.instancePath, message };
}

let cached: { dir: string; schemas: TraceSchemas } | null = null;

/** Compiles every schema under `dir` once (per process) and returns the two line validators. */
export function loadTraceSchemas(dir: string = DEFAULT_SCHEMA_DIR): TraceSchemas {
  if (cached && cached.dir === dir) return cached.schemas;
  const ajv = new Ajv2020({ allErrors: false, strict: true, strictRequired: false, allowUnionTypes: true, discriminator: true });
  const schemas = schemaFiles(dir).map((file): object => {
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as object;
    } catch (e) {
      throw new Error(`schema ${file} is not valid JSON: ${(e as Error).message}`);
    }
  });
  if (!schemas.some(usesUnevaluated)) withoutEvaluatedTracking(ajv);
  for (const schema of schemas) ajv.addSchema(schema);
  const compile = (id: string): ValidateFunction => {
    const v = ajv.getSchema(id);
    if (!v) throw new Error(`schema ${id} not found under ${dir}`);
    return v;
  };
  const header = compile(HEADER_SCHEMA_ID);
  const event = compile(EVENT_SCHEMA_ID);
  const ending = compile(ENDING_SCHEMA_ID);
  const run = (v: ValidateFunction) => (value: unknown): SchemaProblem | null =>
    v(value) ? null : pickProblem(v.errors ?? []);
  const validators = { header: run(header), event: run(event), ending: run(ending) };
  cached = { dir, schemas: validators };
  return validators;
}

/**
 * Ajv2020 always generates the bookkeeping of which properties and items each subschema
 * evaluated, which only unevaluatedProperties and unevaluatedItems read. It makes every anyOf
 * try all its branches even after one passed (a ReplicaExecute's informational message: all
 * four message schemas, three failing with error objects built and dropped), a fifth of
 * validating an event. Without those keywords in the schemas the bookkeeping decides nothing
 * (an anyOf that passes drops its branches' errors either way), so it is turned off before
 * anything compiles.
 */
function withoutEvaluatedTracking(ajv: Ajv2020): void {
  (ajv.opts as { unevaluated?: boolean }).unevaluated = false;
}

/** Whether a schema uses unevaluatedProperties or unevaluatedItems anywhere (as a keyword: an object's key). */
function usesUnevaluated(schema: unknown): boolean {
  if (schema === null || typeof schema !== 'object') return false;
  if (Array.isArray(schema)) return schema.some(usesUnevaluated);
  for (const [k, v] of Object.entries(schema)) {
    if (k === 'unevaluatedProperties' || k === 'unevaluatedItems' || usesUnevaluated(v)) return true;
  }
  return false;
}
