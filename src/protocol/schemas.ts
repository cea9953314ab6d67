/**
 * The message JSON Schemas (traces/schemas/messages/<Type>.schema.json + defs.schema.json),
 * compiled once with ajv (draft 2020-12).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { MESSAGE_TYPES, type MessageType } from './messages.js';

const SCHEMA_DIR_IN_REPO = join('traces', 'schemas', 'messages');

/** Find traces/schemas/messages from this module, whether run from src/ or dist/src/. */
export function messageSchemaDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, SCHEMA_DIR_IN_REPO);
    if (existsSync(join(candidate, 'defs.schema.json'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find ${SCHEMA_DIR_IN_REPO} above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

/**
 * The parsed JSON Schema of one message type (or the shared `defs`), from traces/schemas/messages/.
 *
 * @throws Error when the schema file is missing or is not JSON.
 */
export function loadMessageSchema(name: MessageType | 'defs'): Record<string, unknown> {
  return JSON.parse(readFileSync(join(messageSchemaDir(), `${name}.schema.json`), 'utf8')) as Record<string, unknown>;
}

/** The message schemas compiled by ajv, as {@link messageSchemas} returns them. */
export interface CompiledMessageSchemas {
  readonly ajv: Ajv2020;
  /** The validator of one message type, compiled on first use and then kept. */
  validator(type: MessageType): ValidateFunction;
}

let compiled: CompiledMessageSchemas | undefined;

/** One ajv instance per process; each message schema is compiled at most once. */
export function messageSchemas(): CompiledMessageSchemas {
  if (compiled !== undefined) return compiled;
  const ajv = new Ajv2020({ allErrors: false, strict: true });
  ajv.addSchema(loadMessageSchema('defs'));
  const validators = new Map<MessageType, ValidateFunction>();
  compiled = {
    ajv,
    validator(type) {
      let v = validators.get(type);
      if (v === undefined) {
        if (!MESSAGE_TYPES.includes(type)) throw new Error(`no schema for message type ${JSON.stringify(type)}`);
        v = ajv.compile(loadMessageSchema(type));
        validators.set(type, v);
      }
      return v;
    },
  };
  return compiled;
}
