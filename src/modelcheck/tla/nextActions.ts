/**
 * Finds the action names a spec's next-state relation declares, by reading its definitions:
 * starting from Next, an operator whose body primes a variable (or says UNCHANGED) is an
 * action; an operator that only combines other actions (`Group == A \/ B`) is looked through.
 * That matches how tla-checker names transitions.
 */
import { blankComments, flattenModule, FlattenError } from './flatten.js';

export interface Definition {
  name: string;
  body: string;
}

const KEYWORDS = new Set([
  'IF', 'THEN', 'ELSE', 'CASE', 'OTHER', 'LET', 'IN', 'EXCEPT', 'DOMAIN', 'SUBSET', 'UNION', 'CHOOSE',
  'UNCHANGED', 'ENABLED', 'TRUE', 'FALSE', 'LAMBDA', 'WF_', 'SF_', 'BOOLEAN', 'STRING', 'Nat', 'Int',
]);

/** Top-level definitions `Name(args) == body` that start in column 0. */
export function topLevelDefinitions(moduleText: string): Map<string, Definition> {
  const text = blankComments(moduleText);
  const lines = text.split('\n');
  const defs = new Map<string, Definition>();
  let current: { name: string; lines: string[] } | undefined;
  const close = () => {
    if (current) defs.set(current.name, { name: current.name, body: current.lines.join('\n') });
    current = undefined;
  };
  for (const line of lines) {
    const def = /^([A-Za-z_][A-Za-z0-9_]*)\s*(\([^)]*\))?\s*==(.*)$/.exec(line);
    const infix = /^\S/.test(line) && !def;
    if (def) {
      close();
      current = { name: def[1]!, lines: [def[3]!] };
    } else if (infix || /^\s*(-{4,}|={4,})/.test(line)) {
      close(); // a new declaration (VARIABLES, CONSTANTS, ASSUME, ...) or a separator ends the body
    } else if (current) {
      current.lines.push(line);
    }
  }
  close();
  return defs;
}

function referenced(body: string, defs: Map<string, Definition>): string[] {
  const noStrings = body.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  const out: string[] = [];
  for (const m of noStrings.matchAll(/(?<![\\A-Za-z0-9_!])([A-Za-z_][A-Za-z0-9_]*)/g)) {
    const n = m[1]!;
    if (!KEYWORDS.has(n) && defs.has(n) && !out.includes(n)) out.push(n);
  }
  return out;
}

function primesDirectly(body: string): boolean {
  const noStrings = body.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  return /[A-Za-z0-9_)\]>]'/.test(noStrings) || /\bUNCHANGED\b/.test(noStrings);
}

/** The name of the next-state relation: the cfg's NEXT, or the `[][Next]_vars` inside SPECIFICATION. */
export function nextName(defs: Map<string, Definition>, cfg: { next?: string; specification?: string }): string | undefined {
  if (cfg.next !== undefined) return cfg.next;
  if (cfg.specification === undefined) return undefined;
  // SPECIFICATION may name a conjunction of other definitions (LiveSpec == Spec /\ WF_vars(Next)).
  return searchSpecification(defs, cfg.specification, /\[\]\s*\[\s*([A-Za-z_][A-Za-z0-9_]*)\s*\]_/);
}

/** Action names declared by the next-state relation, in the order they appear. */
export function declaredActions(moduleText: string, cfg: { next?: string; specification?: string }): string[] {
  const defs = topLevelDefinitions(moduleText);
  const next = nextName(defs, cfg);
  const nextDef = next !== undefined ? defs.get(next) : undefined;
  if (nextDef === undefined) return [];
  const isAction = new Map<string, boolean>();
  const actionLike = (name: string, stack: string[]): boolean => {
    const known = isAction.get(name);
    if (known !== undefined) return known;
    if (stack.includes(name)) return false;
    const d = defs.get(name)!;
    const v = primesDirectly(d.body) || referenced(d.body, defs).some((r) => actionLike(r, [...stack, name]));
    isAction.set(name, v);
    return v;
  };
  const out: string[] = [];
  const walk = (body: string, stack: string[]) => {
    for (const r of referenced(body, defs)) {
      if (stack.includes(r) || !actionLike(r, stack)) continue;
      const d = defs.get(r)!;
      if (primesDirectly(d.body)) {
        if (!out.includes(r)) out.push(r);
      } else {
        walk(d.body, [...stack, r]); // a grouping of actions: its parts are the actions
      }
    }
  };
  walk(nextDef.body, [nextDef.name]);
  return out;
}

/**
 * The actions of the next-state relation of a model whose module may take its Next from a
 * module it EXTENDS (MultiPaxosRefinesLog takes MultiPaxos's): the module is read with its
 * user modules inlined. `nextModule` is the module that defines Next, when it is found.
 */
export function declaredActionsOfModel(
  moduleName: string,
  moduleText: string,
  loadModule: (name: string) => string | undefined,
  cfg: { next?: string; specification?: string },
): { actions: string[]; nextModule?: string; next?: string } {
  let text = moduleText;
  let inlined: string[] = [];
  try {
    const flat = flattenModule(moduleText, loadModule);
    text = flat.text;
    inlined = flat.inlined;
  } catch (e) {
    if (!(e instanceof FlattenError)) throw e;
  }
  const actions = declaredActions(text, cfg);
  const defs = topLevelDefinitions(text);
  const next = nextName(defs, cfg);
  if (next === undefined || !defs.has(next)) return { actions };
  const owner = [moduleName, ...inlined].find((m) => {
    const t = m === moduleName ? moduleText : loadModule(m);
    return t !== undefined && topLevelDefinitions(t).has(next);
  });
  return owner !== undefined ? { actions, nextModule: owner, next } : { actions, next };
}

/** The Init name: the cfg's INIT, or the conjunct before `[][Next]_vars` inside SPECIFICATION. */
export function initName(defs: Map<string, Definition>, cfg: { init?: string; specification?: string }): string | undefined {
  if (cfg.init !== undefined) return cfg.init;
  return searchSpecification(defs, cfg.specification, /([A-Za-z_][A-Za-z0-9_]*)\s*\/\\\s*\[\]\s*\[/);
}

/**
 * The first capture of `pattern` in the SPECIFICATION's definition, or in the definitions it
 * refers to, depth first (each visited once, so a cycle ends).
 */
function searchSpecification(defs: Map<string, Definition>, specification: string | undefined, pattern: RegExp): string | undefined {
  const seen = new Set<string>();
  const find = (name: string | undefined): string | undefined => {
    const d = name !== undefined ? defs.get(name) : undefined;
    if (d === undefined || seen.has(d.name)) return undefined;
    seen.add(d.name);
    const m = pattern.exec(d.body);
    if (m) return m[1];
    for (const r of referenced(d.body, defs)) {
      const found = find(r);
      if (found !== undefined) return found;
    }
    return undefined;
  };
  return find(specification);
}

/**
 * tla-checker's explore_* calls accept SPECIFICATION only in the exact `Init /\ [][Next]_vars`
 * form; a cfg naming a spec with fairness (LiveSpec == Spec /\ WF_vars(Next)) is rewritten to
 * INIT/NEXT for them (fairness does not change which steps exist).
 */
export function exploreCfg<T extends { init?: string; next?: string; specification?: string }>(moduleText: string, cfg: T): T {
  if (cfg.specification === undefined) return cfg;
  const defs = topLevelDefinitions(moduleText);
  const init = initName(defs, cfg);
  const next = nextName(defs, cfg);
  if (init === undefined || next === undefined) return cfg;
  const { specification: _dropped, ...rest } = cfg;
  return { ...rest, init, next } as T;
}
