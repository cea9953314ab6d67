/**
 * Action coverage for the embedded engine. tla-checker does not report which actions fired, so
 * this walks the state graph at random (explore_init / explore_next), seeded so a run can be
 * repeated, and counts the action name of every step taken.
 */
import { parseCfg, printCfg } from './cfg.js';
import { flattenModule } from './flatten.js';
import { declaredActions, exploreCfg } from './nextActions.js';
import { loadTlaChecker } from './wasm.js';
import { mulberry32 } from '../util/mulberry32.js';

export interface CoverageOptions {
  walks?: number;
  depth?: number;
  seed?: number;
  /** Loads user modules named in EXTENDS (by module name); without it only standard modules may be extended. */
  loadModule?: (name: string) => string | undefined;
  /** Named limit on memoised explore_next replies (each explore_next re-reads the spec, so replies are cached). */
  cacheLimit?: number;
}

export interface ActionCoverage {
  /** Action name -> number of steps taken with it; unnamed steps count under "(unnamed)". */
  seen: Map<string, number>;
  /** Actions the next-state relation declares. */
  declared: string[];
  /** Steps taken in all. */
  steps: number;
}

export const COVERAGE_DEFAULTS = { walks: 300, depth: 40, seed: 1, cacheLimit: 50_000 } as const;

/** mulberry32: a small seeded PRNG, so the same seed walks the same paths. */
export const seededRandom = mulberry32;

interface Step {
  action: string | null;
  state: { json: unknown };
}

export class CoverageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CoverageError';
  }
}

export function exploreActionCoverage(moduleText: string, cfgText: string, opts: CoverageOptions = {}): ActionCoverage {
  const walks = opts.walks ?? COVERAGE_DEFAULTS.walks;
  const depth = opts.depth ?? COVERAGE_DEFAULTS.depth;
  const cacheLimit = opts.cacheLimit ?? COVERAGE_DEFAULTS.cacheLimit;
  const random = seededRandom(opts.seed ?? COVERAGE_DEFAULTS.seed);
  const cfg = parseCfg(cfgText);
  const flat = flattenModule(moduleText, opts.loadModule ?? (() => undefined));
  if (flat.instances.length > 0) throw new CoverageError(`needs TLC: the spec uses INSTANCE of ${flat.instances.join(', ')}`);
  const spec = flat.text;
  const tc = loadTlaChecker();
  cfgText = printCfg(exploreCfg(spec, cfg));

  const init = JSON.parse(tc.explore_init(spec, cfgText, '{}')) as { ok: boolean; error?: string; states?: Array<{ json: unknown }> };
  if (!init.ok || !init.states) throw new CoverageError(`explore_init failed: ${init.error ?? 'no initial states'}`);
  const cache = new Map<string, Step[]>();
  const successors = (state: unknown): Step[] => {
    const key = JSON.stringify(state);
    const hit = cache.get(key);
    if (hit) return hit;
    const r = JSON.parse(tc.explore_next(spec, cfgText, '{}', key)) as { ok: boolean; error?: string; transitions?: Step[] };
    if (!r.ok || !r.transitions) throw new CoverageError(`explore_next failed: ${r.error ?? 'no reply'}`);
    if (cache.size < cacheLimit) cache.set(key, r.transitions);
    return r.transitions;
  };

  const seen = new Map<string, number>();
  let steps = 0;
  const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)]!;
  for (let w = 0; w < walks && init.states.length > 0; w++) {
    let state = pick(init.states).json;
    for (let d = 0; d < depth; d++) {
      const next = successors(state);
      if (next.length === 0) break; // deadlock or end of behaviour: start the next walk
      const t = pick(next);
      const name = t.action ?? '(unnamed)';
      seen.set(name, (seen.get(name) ?? 0) + 1);
      steps++;
      state = t.state.json;
    }
  }
  return { seen, declared: declaredActions(spec, cfg), steps };
}

/** "action coverage: 3/4, never reached: [X]" */
export function formatCoverage(c: { seen: Map<string, number> | Record<string, number>; declared: string[] }): string {
  const seen = c.seen instanceof Map ? c.seen : new Map(Object.entries(c.seen));
  const reached = c.declared.filter((a) => (seen.get(a) ?? 0) > 0);
  const never = c.declared.filter((a) => (seen.get(a) ?? 0) === 0);
  const extra = [...seen.keys()].filter((a) => !c.declared.includes(a));
  let line = `action coverage: ${reached.length}/${c.declared.length}, never reached: [${never.join(', ')}]`;
  if (extra.length > 0) line += `, also seen: [${extra.join(', ')}]`;
  return line;
}
