/**
 * Reads tla-checker's text trace ("State 0\n  var = value\n...") and names the action of each
 * step by replaying it with explore_init / explore_next (tla-checker's trace does not say).
 */
import { parseTlaValue } from '../values/tlaValue.js';
import type { CounterexampleState } from '../shared/types.js';
import type { TlaChecker } from './wasm.js';

/** One state as printed: variable name -> value text. */
export type RawState = Record<string, string>;

export function splitTextTrace(trace: string): RawState[] {
  const states: RawState[] = [];
  let current: RawState | undefined;
  let lastVar: string | undefined;
  for (const line of trace.split('\n')) {
    if (/^State \d+\s*$/.test(line.trim()) && !/^\s{3,}/.test(line)) {
      current = {};
      states.push(current);
      lastVar = undefined;
      continue;
    }
    if (line.trim() === '' || current === undefined) continue;
    const m = /^ {2}([A-Za-z_][A-Za-z0-9_]*) = (.*)$/.exec(line);
    if (m) {
      current[m[1]!] = m[2]!;
      lastVar = m[1]!;
    } else if (lastVar !== undefined) {
      current[lastVar] += '\n' + line; // a value printed over several lines
    }
  }
  return states;
}

function sameState(a: RawState, b: Record<string, string>): boolean {
  const norm = (s: string) => s.replace(/\s+/g, ' ').trim();
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => b[k] !== undefined && norm(a[k]!) === norm(b[k]!));
}

interface Explored {
  display: Record<string, string>;
  json: unknown;
}

/**
 * Names the action of every step of `raw` by replaying it; returns undefined for a step it
 * cannot match (then the action is left unknown rather than guessed).
 */
export function labelActions(tc: TlaChecker, spec: string, cfg: string, raw: RawState[]): Array<string | undefined> {
  const labels: Array<string | undefined> = raw.map(() => undefined);
  if (raw.length === 0) return labels;
  try {
    const init = JSON.parse(tc.explore_init(spec, cfg, '{}')) as { ok: boolean; states?: Explored[] };
    let cur = init.ok ? init.states?.find((s) => sameState(raw[0]!, s.display)) : undefined;
    for (let i = 1; i < raw.length && cur !== undefined; i++) {
      const next = JSON.parse(tc.explore_next(spec, cfg, '{}', JSON.stringify(cur.json))) as {
        ok: boolean;
        transitions?: Array<{ action: string | null; state: Explored }>;
      };
      const t = next.ok ? next.transitions?.find((x) => sameState(raw[i]!, x.state.display)) : undefined;
      if (t === undefined) break;
      labels[i] = t.action ?? undefined;
      cur = t.state;
    }
  } catch {
    // Labelling is a convenience; an unreadable reply leaves the actions unknown.
  }
  return labels;
}

export function toCounterexampleStates(raw: RawState[], labels: Array<string | undefined>): CounterexampleState[] {
  return raw.map((s, i) => {
    const vars = Object.fromEntries(Object.entries(s).map(([k, v]) => [k, parseTlaValue(v)]));
    const label = labels[i];
    return label !== undefined ? { action: label, vars } : { vars };
  });
}
