/**
 * A digest of an application state: SHA-256 of its canonical JSON (object keys sorted),
 * cut to 16 hex digits. Replicas put it in their trace events (after each execution, and on
 * both ends of a state transfer) so that the trace checker, which replays the application
 * along each replica's history, can tell a replica whose state differs from what its history
 * produces: a wrong input applied, a stale or altered Welcome.
 */
import { createHash } from 'node:crypto';

export function stateDigest(state: unknown): string {
  return createHash('sha256').update(canonicalJson(state)).digest('hex').slice(0, 16);
}

/** JSON with object keys in code-point order, so equal states have equal texts. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return '[' + value.map(canonicalJson).join(',') + ']';
  const keys = Object.keys(value).sort();
  const parts: string[] = [];
  for (const k of keys) {
    const v = (value as Record<string, unknown>)[k];
    if (v !== undefined) parts.push(JSON.stringify(k) + ':' + canonicalJson(v));
  }
  return '{' + parts.join(',') + '}';
}
