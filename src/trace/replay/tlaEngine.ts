/**
 * The embedded TLA+ engine (tla-checker, WASM): loading, cfg text, and the two calls the
 * trace oracle and the conformance test need. One module text per call; no EXTENDS of user
 * modules, so the TraceStep operator is appended to the spec's own text.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tla from 'tla-checker';
import type { TlaState } from './tlaCodec.js';

let ready = false;
function init(): void {
  if (ready) return;
  const wasm = fileURLToPath(new URL('tla_checker_bg.wasm', import.meta.resolve('tla-checker')));
  tla.initSync({ module: readFileSync(wasm) });
  ready = true;
}

export const DEFAULT_SPEC_PATH = fileURLToPath(new URL('../../../spec/MultiPaxos.tla', import.meta.url));

export type ConstantValue = number | string | readonly number[];

/** Stands for "unbounded" where the spec needs a number (a trace never gets near it). */
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
  init();
  const r = parse<{ states: { json: TlaState }[] }>(tla.explore_init(spec, cfg, '{}'), 'explore_init');
  return r.states.map((s) => s.json);
}

export function exploreNext(spec: string, cfg: string, state: TlaState): Transition[] {
  init();
  const r = parse<{ transitions: { action: string; state: { json: TlaState } }[] }>(
    tla.explore_next(spec, cfg, '{}', JSON.stringify(state)), 'explore_next');
  return r.transitions.map((t) => ({ action: t.action, state: t.state.json }));
}
