/**
 * A digest of an application state: SHA-256 of its canonical JSON (object keys sorted),
 * cut to 16 hex digits. Replicas put it in their trace events (after each execution, and on
 * both ends of a state transfer) so that the trace checker, which replays the application
 * along each replica's history, can tell a replica whose state differs from what its history
 * produces: a wrong input applied, a stale or altered Welcome.
 */
import * as crypto from 'node:crypto';

export function stateDigest(state: unknown): string {
  return sha256Hex(canonicalJson(state)).slice(0, 16);
}

/** SHA-256 in hex. One-shot hashing (Node >= 20.12) costs half a Hash object; engines allows any Node 20. */
export const sha256Hex: (text: string) => string = typeof crypto.hash === 'function'
  ? (text) => crypto.hash('sha256', text, 'hex')
  : (text) => crypto.createHash('sha256').update(text).digest('hex');

/**
 * The digest of an app state that is one map of entries (kv's, bank's): the map's O(1)
 * entriesDigest, hashed with the app's name and cut to 16 hex digits like stateDigest. A trace
 * says it carries these (its header's `app.digest`, "entries"); older traces carry stateDigest.
 */
export function entriesStateDigest(app: string, entries: { entriesDigest(): string }): string {
  return sha256Hex(`${app}:${entries.entriesDigest()}`).slice(0, 16);
}

/** The digest trace events carry for a state of `sm`: its own digest when it defines one, else stateDigest. */
export function digestOf<S>(sm: { digest?(state: S): string }, state: S): string {
  return sm.digest !== undefined ? sm.digest(state) : stateDigest(state);
}

/**
 * JSON with object keys in code-point order, so equal states have equal texts. An object with
 * a toJSON method (a persistent map, entryMap.ts) is written as what that returns, as
 * JSON.stringify does.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (hasToJson(value)) return canonicalJson(value.toJSON());
  if (Array.isArray(value)) return '[' + value.map(canonicalJson).join(',') + ']';
  const keys = Object.keys(value).sort();
  const parts: string[] = [];
  for (const k of keys) {
    const v = (value as Record<string, unknown>)[k];
    if (v !== undefined) parts.push(JSON.stringify(k) + ':' + canonicalJson(v));
  }
  return '{' + parts.join(',') + '}';
}

/** Whether JSON.stringify would write `value` as its toJSON() (a Date, a persistent map). */
export function hasToJson(value: object): value is { toJSON(): unknown } {
  return typeof (value as { toJSON?: unknown }).toJSON === 'function';
}
