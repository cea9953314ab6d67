/**
 * The checker on traces no test wrote by hand: one value of one event of a real compact trace
 * (a seeded fault-injected simulation) changed at random, a number moved, a string edited, an
 * array element dropped or doubled, a key removed or added. Whatever the change, the checker
 * answers with a verdict, never an exception: a trace is input. And every change it lets
 * through has a reason (`letThrough`): a field the format calls informational, a value the spec
 * leaves free, another writing of the same value, or a step whose effect on msgs is unchanged.
 * The last is the checker's known limit: msgs is a set, so a step that changes nothing and sends
 * only messages sent before is a stutter, whichever old messages it names; what it says it
 * received must have been sent, or be dead (docs/verification.md). The test checks that such a
 * pass is one (every message sent before, as written and as changed, or no delta; the message
 * received sent before, or else, unchecked here, dead). A change with no reason fails the test.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkTraceSync, formatVerdict } from '../../src/trace/replay/check.js';
import { faultScenario } from '../../src/trace/runs/faultScenarios.js';
import { traceScenario } from '../../src/trace/runs/simTrace.js';
import { MESSAGE_ACTIONS } from '../../src/trace/spec/fastSpec.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Path = ReadonlyArray<string | number>;

const dir = mkdtempSync(join(tmpdir(), 'mutation-fuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let lines: string[] = [];

beforeAll(() => {
  const path = join(dir, 'original.ndjson');
  traceScenario(faultScenario(5003), path, { eventLog: false }, 'test/trace/mutationFuzz.property.test.ts', true);
  lines = readFileSync(path, 'utf8').trimEnd().split('\n');
  const v = checkTraceSync({ name: path, files: [path] });
  expect(v.ok, formatVerdict(v)).toBe(true);
}, 120_000);

/** Every path in `v` to a value (the root excluded). */
function paths(v: Json, at: Path = [], out: Path[] = []): Path[] {
  if (Array.isArray(v)) v.forEach((x, i) => { out.push([...at, i]); paths(x, [...at, i], out); });
  else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) { out.push([...at, k]); paths(x, [...at, k], out); }
  return out;
}

const get = (v: Json, p: Path): Json => p.reduce<Json>((x, k) => (x as Record<string | number, Json>)[k]!, v);

/** The replacements tried for a value, by its kind (undefined: remove it). */
function replacements(v: Json): Array<Json | undefined> {
  if (typeof v === 'number') return [v + 1, v - 1, 0, -1, 2 ** 53 - 1, v + 0.5, String(v), null, undefined];
  if (typeof v === 'string') return ['', `${v}x`, v.slice(1), 7, null, undefined];
  if (typeof v === 'boolean') return [!v, 0, undefined];
  if (Array.isArray(v)) return [[], v.slice(1), [...v, ...v.slice(0, 1)], [...v].reverse(), {}, undefined];
  if (v === null) return [0, {}, undefined];
  return [{ ...v, extra: 1 }, [], undefined];
}

/** `event` with the value at `p` replaced (or removed: from an object, its key; from an array, its element). */
function edited(event: Json, p: Path, to: Json | undefined): Json {
  const copy = structuredClone(event);
  const parent = get(copy, p.slice(0, -1)) as Record<string | number, Json> | Json[];
  const key = p[p.length - 1]!;
  if (to !== undefined) (parent as Record<string | number, Json>)[key] = to;
  else if (Array.isArray(parent)) parent.splice(key as number, 1);
  else delete parent[key as string];
  return copy;
}

const mutation = fc.record({ event: fc.nat(), path: fc.nat(), replacement: fc.nat() });
const MESSAGE_ACTION_SET: ReadonlySet<string> = new Set(Object.keys(MESSAGE_ACTIONS));
const sameSet = (a: Json[], b: Json[]): boolean => {
  const x = new Set(a.map((v) => JSON.stringify(v))); const y = new Set(b.map((v) => JSON.stringify(v)));
  return x.size === y.size && [...x].every((v) => y.has(v));
};

/** The messages (their JSON texts) the events before line `line` (0-based) say they sent. */
function sentBefore(line: number): Set<string> {
  const out = new Set<string>();
  for (let i = 1; i < line; i++) for (const m of (JSON.parse(lines[i]!) as { sent?: Json[] }).sent ?? []) out.add(JSON.stringify(m));
  return out;
}

/** The requests (their JSON texts) some replica executed in the events before line `line`. */
function executedBefore(line: number): Set<string> {
  const out = new Set<string>();
  for (let i = 1; i < line; i++) {
    const e = JSON.parse(lines[i]!) as { action?: string; params?: { proposal?: Json } };
    const p = e.params?.proposal;
    if (e.action !== 'ReplicaExecute' || p === undefined || p === null || typeof p !== 'object') continue;
    const batch = (p as { batch?: Json[] }).batch;
    for (const r of Array.isArray(batch) ? batch : [p]) out.add(JSON.stringify(r));
  }
  return out;
}

/**
 * The change to `delta.invoked` adds what it added, and removes, or stops removing, only
 * requests executed before: a Requester may forget an answered request, or keep it (the spec
 * replay checks that its own replica executed it; here any replica). Anything else, a request
 * invoked or forgotten that no replica executed, is no reason.
 */
function onlyExecutedKeptOrForgotten(line: number, before: Json, after: Json): boolean {
  type Change = { add?: Json[]; remove?: Json[] } | undefined;
  const change = (e: Json): Change => (e as { delta?: { invoked?: Change } }).delta?.invoked;
  const texts = (xs: unknown): Set<string> => new Set(Array.isArray(xs) ? xs.map((x) => JSON.stringify(x)) : []);
  const [x, y] = [change(before), change(after)];
  if (y !== undefined && (y === null || typeof y !== 'object' || Array.isArray(y))) return false;
  const [add0, add1] = [texts(x?.add), texts(y?.add)];
  if (add0.size !== add1.size || [...add0].some((t) => !add1.has(t))) return false;
  const [r0, r1] = [texts(x?.remove), texts(y?.remove)];
  const executed = executedBefore(line);
  return [...r0].filter((t) => !r1.has(t)).concat([...r1].filter((t) => !r0.has(t))).every((t) => executed.has(t));
}

/**
 * Why a change the checker accepted may be accepted, or null: then it is an escape. `before`
 * and `after` are the event as written and as changed.
 */
function letThrough(line: number, before: Json, after: Json, p: Path, from: Json, to: Json | undefined): string | null {
  const action = String((before as { action?: unknown }).action);
  const [a, b, c] = p;
  if (a === 'params' && (b === 'from' || b === 'timer' || b === 'note')) return 'an informational parameter';
  // A Stutter's message of a type the spec has must have been sent (below); the code's own are informational.
  const prompt = (before as { params?: { message?: { type?: unknown } } }).params?.message?.type;
  const specTyped = typeof prompt === 'string' && !['Active', 'Accepting', 'CatchUp'].includes(prompt);
  if (a === 'params' && b === 'message' && !MESSAGE_ACTION_SET.has(action) && !(action === 'Stutter' && specTyped)) return 'the message that prompted a step the spec takes without one';
  if (a === 'params' && b === 'client' && c === 'at') return 'a client time: only their order is checked';
  if (a === 'clock' && p.length === 1) return 'a Lamport clock: only its order per node is checked';
  if (a === 'delta' && b === 'invoked' && onlyExecutedKeptOrForgotten(line, before, after)) return 'a Requester may keep or forget a request executed before';
  if (action === 'ReplicaExecute' && a === 'params' && b === 'proposal' && to === undefined) return 'the executed batch unnamed: its slot has one decision';
  if (Array.isArray(from) && Array.isArray(to) && sameSet(from, to)) return 'a set written as an array: order and repeats';
  if (p.includes('executed') && from !== null && typeof from === 'object' && 'historyLength' in from) return 'a Welcome history by length or in full';
  // msgs is a set: a step whose messages, as written and as changed, were all sent before adds
  // nothing either way; and a received message that changed nothing (no delta) is a stutter.
  const old = sentBefore(line);
  const allOld = (e: Json) => ((e as { sent?: Json[] }).sent ?? []).every((m) => old.has(JSON.stringify(m)));
  const noChange = (e: Json) => { const d = (e as { delta?: Record<string, unknown> }).delta; return d !== undefined && Object.keys(d).length === 0; };
  if (a === 'sent' && allOld(before) && allOld(after)) return 'a step that sends only messages sent before, as written and as changed';
  // A replay that forgets cannot tell a dead message it forgot from one nobody sent (docs/verification.md).
  if (a === 'sent' && (action === 'Stutter' || noChange(before)) && allOld(before)) return 'a step that changes nothing, sending as changed a message nobody sent that is dead (the limit)';
  // A receipt that changes nothing (a Stutter, or a step with no delta) is judged by its message alone: it
  // must have been sent, or be dead (no step could act on it: the checker's limit, docs/verification.md).
  if (a === 'params' && b === 'message' && (action === 'Stutter' || noChange(before)) && allOld(before)) {
    const message = (after as { params?: { message?: Json } }).params?.message;
    return old.has(JSON.stringify(message)) ? 'a received message that changed nothing, changed to one sent before'
      : 'a received message that changed nothing, changed to one nobody sent that is dead (the limit)';
  }
  return null;
}

describe('what it found, as a fixed case', () => {
  it('refuses a node outside the cluster before it reads that node\'s history (it threw a TypeError on a Welcome named by length)', () => {
    const line = lines.findIndex((l, i) => i > 0 && (JSON.parse(l) as { sent: Array<{ executed?: unknown }> }).sent.some((m) => typeof m.executed === 'object' && m.executed !== null && 'historyLength' in m.executed));
    expect(line, 'the trace sends a Welcome named by length').toBeGreaterThan(0);
    const event = JSON.parse(lines[line]!) as { node: number };
    const file = join(dir, 'node-outside.ndjson');
    writeFileSync(file, [...lines.slice(0, line), JSON.stringify({ ...event, node: 4 }), ...lines.slice(line + 1)].join('\n') + '\n');
    const v = checkTraceSync({ name: file, files: [file] });
    expect(v.failure).toMatchObject({ line: line + 1, kind: 'order', message: 'node 4 is not in 1..3' });
  });
});

describe('the checker on a real trace with one value changed at random', () => {
  it('always answers with a verdict, and lets through only changes it has a reason for', () => {
    const reasons = new Map<string, number>();
    const escapes: string[] = [];
    let tried = 0;
    fc.assert(fc.property(mutation, (m) => {
      const line = 1 + (m.event % (lines.length - 1));
      const event = JSON.parse(lines[line]!) as Json;
      const all = paths(event);
      const p = all[m.path % all.length]!;
      const options = replacements(get(event, p));
      const to = options[m.replacement % options.length];
      const changed = edited(event, p, to);
      if (JSON.stringify(changed) === lines[line]) return; // the same line (a reversed array of one)
      const file = join(dir, 'mutated.ndjson');
      writeFileSync(file, [...lines.slice(0, line), JSON.stringify(changed), ...lines.slice(line + 1)].join('\n') + '\n');
      let verdict;
      try {
        verdict = checkTraceSync({ name: file, files: [file] });
      } catch (e) {
        throw new Error(`the checker threw on line ${line + 1} with ${p.join('/')} set to ${JSON.stringify(to)}: ${(e as Error).stack}`);
      }
      tried++;
      if (!verdict.ok) return;
      const action = String((event as { action?: unknown }).action);
      const why = letThrough(line, event, changed, p, get(event, p), to);
      if (why !== null) reasons.set(why, (reasons.get(why) ?? 0) + 1);
      else escapes.push(`line ${line + 1} ${action}: /${p.join('/')} ${JSON.stringify(get(event, p))?.slice(0, 80)} -> ${to === undefined ? '(removed)' : JSON.stringify(to)?.slice(0, 80)}`);
    }), { numRuns: Number(process.env.MUTATION_FUZZ_RUNS ?? 200) });
    console.log(`mutation fuzz: ${tried} changed traces; let through: ${JSON.stringify(Object.fromEntries(reasons))}`);
    expect(escapes).toEqual([]);
    expect(tried).toBeGreaterThan(150);
  });
});
