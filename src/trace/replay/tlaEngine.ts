/**
 * The embedded TLA+ engine (tla-checker, WASM): loading, cfg text, and the two calls the
 * trace oracle and the conformance test need. One module text per call; no EXTENDS of user
 * modules, so the TraceStep operator is appended to the spec's own text.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tla from 'tla-checker';
import type { TlaState } from './tlaCodec.js';

type Engine = typeof tla;
// What a trap throws (the project's lib has no DOM or WebAssembly types).
const WasmTrap = (globalThis as unknown as { WebAssembly: { RuntimeError: new () => Error } }).WebAssembly.RuntimeError;
const WASM_PATH = fileURLToPath(new URL('tla_checker_bg.wasm', import.meta.resolve('tla-checker')));

/**
 * The instance the calls below use. A WebAssembly trap (tla-checker aborting: out of its 4 GiB
 * of memory, or a panic) retires it: its memory never shrinks and its allocator may be left
 * half-way, so later calls fail at once, naming the trap, until reloadEngine() loads a fresh one.
 */
let engine: Engine | null = null;
let retiredBy: string | null = null;
let instances = 0;
let reloading: Promise<void> | null = null;

/** The embedded engine could not evaluate a call (it trapped, or trapped before): no verdict on the input. */
export class EngineFailure extends Error {}

function current(): Engine {
  if (retiredBy !== null) throw new EngineFailure(`the embedded engine was retired after it trapped (${retiredBy}); a fresh one is loaded before the next trace`);
  if (engine === null) {
    tla.initSync({ module: readFileSync(WASM_PATH) });
    engine = tla;
  }
  return engine;
}

function call(f: (e: Engine) => string): string {
  const e = current();
  try {
    return f(e);
  } catch (err) {
    if (err instanceof WasmTrap) {
      retiredBy = err.message;
      throw new EngineFailure(`the embedded engine trapped (${err.message}): tla-checker aborts so when it runs out of its 4 GiB of memory or panics`);
    }
    throw err;
  }
}

/** Whether the engine was retired by a trap (and reloadEngine() has not run since). */
export const engineRetired = (): boolean => retiredBy !== null;

/**
 * Replaces a retired engine by a fresh instance of the module (its own memory), so that one
 * trap costs one trace, not every later one; does nothing when none was retired.
 */
export function reloadEngine(): Promise<void> {
  if (retiredBy === null) return Promise.resolve();
  reloading ??= (async () => {
    // The same file under another URL is another module instance, with its own WebAssembly memory.
    const fresh = (await import(`${import.meta.resolve('tla-checker')}?instance=${++instances}`)) as Engine;
    fresh.initSync({ module: readFileSync(WASM_PATH) });
    engine = fresh;
    retiredBy = null;
    reloading = null;
  })();
  return reloading;
}

export const DEFAULT_SPEC_PATH = fileURLToPath(new URL('../../../spec/MultiPaxos.tla', import.meta.url));

export type ConstantValue = number | string | readonly number[];

/** Stands for "unbounded" in TLC's trace validation, whose integers are 32-bit (the embedded replay takes 2^52: replayConstants). */
export const UNBOUNDED = 1_000_000_000;

export function cfgText(constants: Record<string, ConstantValue>, next: string): string {
  const lines = Object.entries(constants).map(([k, v]) => {
    const val = typeof v === 'string' ? JSON.stringify(v) : typeof v === 'number' ? String(v) : `{${v.join(', ')}}`;
    return `  ${k} = ${val}`;
  });
  return `CONSTANTS\n${lines.join('\n')}\nINIT Init\nNEXT ${next}\n`;
}

/** The spec text with extra definitions inserted before its closing line of '='. */
export function specWith(spec: string, definitions: string): string {
  const m = /\n=====*\s*$/.exec(spec);
  if (!m) throw new Error('spec text has no closing ==== line');
  return spec.slice(0, m.index) + '\n' + definitions + '\n' + spec.slice(m.index);
}

/** The CONSTANTS a module declares (names only), for checking a trace header against the spec. */
export function declaredConstants(spec: string): string[] {
  const out: string[] = [];
  const re = /^\s*CONSTANTS?\b([\s\S]*?)(?=^\s*(VARIABLES?|ASSUME|[A-Za-z_]\w*\s*(\(.*\))?\s*==|-{4,}|={4,}))/gm;
  for (const m of spec.matchAll(re)) {
    const body = m[1]!.replace(/\\\*.*$/gm, '').replace(/\(\*[\s\S]*?\*\)/g, '');
    for (const name of body.split(/[\s,]+/)) if (/^[A-Za-z_]\w*$/.test(name)) out.push(name);
  }
  return out;
}

export interface Transition { action: string; state: TlaState }

function parse<T>(text: string, what: string): T {
  const r = JSON.parse(text) as { ok?: boolean; error?: string } & T;
  if (r.ok === false) throw new Error(`tla-checker ${what}: ${r.error ?? text.slice(0, 500)}`);
  return r;
}

export function exploreInit(spec: string, cfg: string): TlaState[] {
  const r = parse<{ states: { json: TlaState }[] }>(call((e) => e.explore_init(spec, cfg, '{}')), 'explore_init');
  return r.states.map((s) => s.json);
}

export function exploreNext(spec: string, cfg: string, state: TlaState): Transition[] {
  const r = parse<{ transitions: { action: string; state: { json: TlaState } }[] }>(
    call((e) => e.explore_next(spec, cfg, '{}', JSON.stringify(state))), 'explore_next');
  return r.transitions.map((t) => ({ action: t.action, state: t.state.json }));
}
