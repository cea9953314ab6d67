/**
 * The canonical JSON text of successive application states (canonicalJson of
 * statemachines/digest.ts, the same text), built in time proportional to what changed in their
 * arrays of strings. The simulator's tracked state holds the ids of every request executed, so
 * each execution's state digest rebuilt that list's text whole: per event, the client-level
 * checks cost O(requests executed so far), and they were the largest part of that cost.
 *
 * An array of strings under a key is compared with this object's own copy of the last one seen
 * under that key: the common prefix, checked element by element (pointer comparisons: the
 * state machine copies the references), keeps its text; the rest is written. The copy is
 * private, so an application that changes its arrays in place cannot make it stale.
 */
import { hasToJson, sha256Hex } from '../../statemachines/digest.js';

interface ArrayText {
  /** The elements last written under this key (a private copy). */
  readonly elements: string[];
  /** '[' and the texts of `elements`, comma-separated, without the closing ']'. */
  open: string;
}

/** The arrays remembered (one per object key); a state with more keys than this forgets some. */
const MAX_REMEMBERED = 64;

export class StateTexts {
  private readonly arrays = new Map<string, ArrayText>();

  /** canonicalJson(value). */
  text(value: unknown): string {
    return this.write(value, '');
  }

  /** The digest replicas report (stateDigest of statemachines/digest.ts). */
  digest(value: unknown): string {
    return sha256Hex(this.text(value)).slice(0, 16);
  }

  private write(value: unknown, key: string): string {
    if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
    if (hasToJson(value)) return this.write(value.toJSON(), key);
    if (Array.isArray(value)) {
      const xs = value as readonly unknown[];
      return allStrings(xs) ? this.strings(xs as readonly string[], key) : '[' + xs.map((x) => this.write(x, '')).join(',') + ']';
    }
    const keys = Object.keys(value).sort();
    const parts: string[] = [];
    for (const k of keys) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined) parts.push(JSON.stringify(k) + ':' + this.write(v, k));
    }
    return '{' + parts.join(',') + '}';
  }

  private strings(xs: readonly string[], key: string): string {
    let memo = this.arrays.get(key);
    if (memo === undefined) {
      if (this.arrays.size >= MAX_REMEMBERED) this.arrays.clear();
      memo = { elements: [], open: '[' };
      this.arrays.set(key, memo);
    }
    const known = memo.elements;
    let same = 0;
    const common = Math.min(known.length, xs.length);
    while (same < common && known[same] === xs[same]) same++;
    if (same < known.length) {
      // Shorter or different: the text of the common prefix is not kept, start again.
      known.length = 0;
      memo.open = '[';
      same = 0;
    }
    let open = memo.open;
    for (let i = same; i < xs.length; i++) {
      const x = xs[i]!;
      known.push(x);
      open += (i === 0 ? '' : ',') + JSON.stringify(x);
    }
    // Flat now (reading a character flattens a rope): built by appends, it would be a chain
    // of one piece per element that every later use walks again. Read, so it is not optimised away.
    if (open.charCodeAt(0) !== 0x5b) throw new Error('an array text starts with [');
    memo.open = open;
    return open + ']';
  }
}

/** Every element a string (so no hole, nothing nested): the arrays whose text is kept. */
function allStrings(xs: readonly unknown[]): boolean {
  for (let i = 0; i < xs.length; i++) if (typeof xs[i] !== 'string') return false;
  return true;
}
