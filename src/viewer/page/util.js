// @ts-check
// Browser code of the trace viewer page (see src/viewer/index.ts). The files of this folder
// are concatenated in the order html.ts gives, inside one function, and share its scope.
// Type-checked as JavaScript with src/viewer/page/tsconfig.json (DOM types), not by the
// project's tsconfig (which has no DOM).

/**
 * @typedef {{ label: string, node: number | null }} Lane
 * @typedef {{ event: number | null, title: string, lines: string[] }} PageHighlight
 * @typedef {{
 *   format: string, kind: 'trace' | 'counterexample', title: string, subtitle: string, files: string[],
 *   lanes: Lane[], actions: string[], roles: string[], tags: string[], types: string[], rows: number,
 *   ev: { lane: number[], rowStep: number[], act: number[], role: number[], tag: number[], flag: number[],
 *         lineStep: number[], file?: number[], fileAll?: number },
 *   ar: { from: number[], to: number[], type: number[] },
 *   init: Record<string, unknown>, highlight: PageHighlight | null, notes: string[],
 *   flagBits: { leaderUp: number, leaderDown: number, ballot: number, crash: number, unknown: number, unmatched: number, highlight: number }
 * }} PageData
 * @typedef {Record<string, unknown>} Obj
 */

/** Colours of the spec's message types: distinct hues, dark enough to read on white. */
const TYPE_COLOURS = /** @type {Record<string, string>} */ ({
  Prepare: '#1f5fbf', Promise: '#0e9aa7', Accept: '#2e8b2e', Accepted: '#7a8c00', Propose: '#e07000',
  Adopted: '#7b3fbf', Preempted: '#d01c1c', Decision: '#d0409b', Invoke: '#8c564b', Invoked: '#5a5fd6',
  Join: '#6b6b6b', Welcome: '#1d2f6f',
});
/** For message types the viewer does not know (new kinds), in order of first appearance. */
const EXTRA_COLOURS = ['#b5651d', '#0b8457', '#a0006e', '#4682b4', '#8b8000', '#5f2f8f', '#c04000', '#2f6f6f'];

/** The letter drawn in an event's dot: its role. */
const ROLE_LETTERS = /** @type {Record<string, string>} */ ({
  Acceptor: 'A', Scout: 'S', Commander: 'C', Leader: 'L', Replica: 'R', Requester: 'Q', Node: 'N', Bootstrap: 'B', Seed: 'D',
});

/** @param {PageData} data @returns {string[]} colour of each message type index */
function typeColours(data) {
  let extra = 0;
  return data.types.map((t) => TYPE_COLOURS[t] ?? EXTRA_COLOURS[extra++ % EXTRA_COLOURS.length] ?? '#444');
}

/** @param {string} s */
function esc(s) {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

/**
 * @param {string} tag
 * @param {Record<string, string>} [attrs]
 * @param {Array<Node | string>} [children]
 */
function el(tag, attrs = {}, children = []) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const c of children) e.append(c);
  return e;
}

/** @param {unknown} v @returns {v is Obj} */
function isObj(v) {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const SEQUENCE_KEYS = new Set(['rExecuted', 'executed']);

/**
 * Canonical text of a spec value (as src/trace/format/canonical.ts): keys sorted, arrays are
 * sets (sorted, no duplicates) except the two sequences. Equal texts iff equal spec values.
 * @param {unknown} v @param {boolean} [isSequence]
 * @returns {string}
 */
function canonical(v, isSequence = false) {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) {
    const items = v.map((x) => canonical(x));
    if (isSequence) return '[' + items.join(',') + ']';
    return '[' + [...new Set(items)].sort().join(',') + ']';
  }
  const o = /** @type {Obj} */ (v);
  return '{' + Object.keys(o).sort().filter((k) => o[k] !== undefined)
    .map((k) => JSON.stringify(k) + ':' + canonical(o[k], SEQUENCE_KEYS.has(k))).join(',') + '}';
}

/** @param {unknown} b */
function ballotText(b) {
  return isObj(b) ? `b${String(b.num)}.${String(b.leader)}` : '';
}

/** A short summary of a message (same words as the labels the page was written with). @param {Obj} m */
function messageText(m) {
  const parts = [String(m.type)];
  if (isObj(m.ballot)) parts.push(ballotText(m.ballot));
  if (typeof m.slot === 'number') parts.push(`s${m.slot}`);
  if (isObj(m.prop)) parts.push(m.prop.caller === 0 && m.prop.clientId === 0 ? 'noop' : `${String(m.prop.caller)}:${String(m.prop.clientId)}`);
  if (typeof m.acceptor === 'number') parts.push(`from ${m.acceptor}`);
  if (typeof m.node === 'number') parts.push(`node ${m.node}`);
  return parts.join(' ');
}

/** Compact JSON for a value in a table cell; long texts are cut (the raw line has everything). @param {unknown} v */
function shortJson(v, max = 400) {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > max ? s.slice(0, max) + ` … (${s.length} characters)` : s;
}

/** The values of a delta-encoded column (each value minus the one before). @param {number[]} steps */
function undelta(steps) {
  const out = new Int32Array(steps.length);
  let v = 0;
  for (let i = 0; i < steps.length; i++) { v += /** @type {number} */ (steps[i]); out[i] = v; }
  return out;
}

/** Index of the last element of a sorted array that is <= x, or -1. @param {ArrayLike<number>} a @param {number} x */
function lastAtMost(a, x) {
  let lo = 0; let hi = a.length - 1; let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (/** @type {number} */ (a[mid]) <= x) { found = mid; lo = mid + 1; } else hi = mid - 1;
  }
  return found;
}
