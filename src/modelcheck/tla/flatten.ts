/**
 * tla-checker reads one module and silently ignores EXTENDS of modules it does not know, so a
 * spec that EXTENDS its own helper modules is flattened first: the bodies of user modules are
 * inlined (recursively, each once) and only standard modules stay in EXTENDS. INSTANCE of a
 * user module cannot be flattened this simply; such a spec is reported as needing TLC.
 */

export const STANDARD_MODULES = new Set(['Naturals', 'Integers', 'Sequences', 'FiniteSets', 'TLC', 'Bags', 'TLCExt']);

export class FlattenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FlattenError';
  }
}

/** Where a line of the flattened text came from, for error locations. */
export interface LineOrigin {
  module: string;
  line: number;
}

export interface Flattened {
  text: string;
  /** lineMap[i] is the origin of line i + 1 of `text`. */
  lineMap: LineOrigin[];
  /** User modules that were inlined, in inlining order. */
  inlined: string[];
  /** Non-standard modules used through INSTANCE: the embedded engine cannot check this spec. */
  instances: string[];
}

/** Replaces comments with spaces (keeping line breaks and offsets) so scans do not match inside them. */
export function blankComments(text: string): string {
  let out = '';
  let i = 0;
  let depth = 0;
  let inString = false;
  while (i < text.length) {
    const c = text[i]!;
    if (depth > 0) {
      if (text.startsWith('*)', i)) { depth--; out += '  '; i += 2; continue; }
      if (text.startsWith('(*', i)) { depth++; out += '  '; i += 2; continue; }
      out += c === '\n' ? '\n' : ' ';
      i++;
      continue;
    }
    if (inString) {
      if (c === '\\' && i + 1 < text.length) { out += text.slice(i, i + 2); i += 2; continue; }
      if (c === '"' || c === '\n') inString = false;
      out += c;
      i++;
      continue;
    }
    if (c === '"') { inString = true; out += c; i++; continue; }
    if (text.startsWith('(*', i)) { depth = 1; out += '  '; i += 2; continue; }
    if (text.startsWith('\\*', i)) {
      while (i < text.length && text[i] !== '\n') { out += ' '; i++; }
      continue;
    }
    out += c;
    i++;
  }
  return out;
}

interface ModuleParts {
  name: string;
  extends: string[];
  /** Body lines (after EXTENDS, before the closing ====) with their 1-based line numbers. */
  body: Array<{ text: string; line: number }>;
  headerLine: string;
  instances: string[];
}

function splitModule(text: string, what: string): ModuleParts {
  const lines = text.split('\n');
  const bare = blankComments(text).split('\n');
  const h = bare.findIndex((l) => /^\s*-{4,}\s*MODULE\s+\w+\s*-{4,}/.test(l));
  if (h < 0) throw new FlattenError(`${what}: no "---- MODULE Name ----" header`);
  const name = /MODULE\s+(\w+)/.exec(bare[h]!)![1]!;
  let e = bare.findIndex((l, i) => i > h && /^\s*={4,}/.test(l));
  if (e < 0) e = lines.length;
  // EXTENDS is the first thing after the header; it may continue over lines ending with a comma.
  let i = h + 1;
  while (i < e && bare[i]!.trim() === '') i++;
  const ext: string[] = [];
  let bodyStart = h + 1;
  if (i < e && /^\s*EXTENDS\b/.test(bare[i]!)) {
    let clause = bare[i]!.replace(/^\s*EXTENDS\b/, '');
    let j = i;
    while (/,\s*$/.test(clause) && j + 1 < e) clause += ' ' + bare[++j]!;
    ext.push(...clause.split(',').map((s) => s.trim()).filter((s) => s !== ''));
    for (const m of ext) if (!/^\w+$/.test(m)) throw new FlattenError(`${what}: cannot read EXTENDS entry ${JSON.stringify(m)}`);
    bodyStart = j + 1;
  }
  const body = lines.slice(bodyStart, e).map((t, k) => ({ text: t, line: bodyStart + k + 1 }));
  const instances = [...blankComments(text).matchAll(/\bINSTANCE\s+(\w+)/g)].map((m) => m[1]!);
  return { name, extends: ext, body, headerLine: lines[h]!, instances };
}

/**
 * Flattens `moduleText`; `loadModule(name)` returns a user module's text, or undefined when
 * there is no such module.
 */
export function flattenModule(moduleText: string, loadModule: (name: string) => string | undefined): Flattened {
  const root = splitModule(moduleText, 'module');
  const standard: string[] = [];
  const inlined: string[] = [];
  const instances = new Set<string>();
  const chunks: Array<{ module: string; lines: Array<{ text: string; line: number }> }> = [];
  const visiting: string[] = [];

  const addStandard = (m: string) => { if (!standard.includes(m)) standard.push(m); };
  const noteInstances = (p: ModuleParts) => {
    for (const m of p.instances) if (!STANDARD_MODULES.has(m)) instances.add(m);
  };
  const visit = (parts: ModuleParts) => {
    noteInstances(parts);
    for (const m of parts.extends) {
      if (STANDARD_MODULES.has(m)) { addStandard(m); continue; }
      if (inlined.includes(m)) continue;
      if (visiting.includes(m)) throw new FlattenError(`modules extend each other in a cycle: ${[...visiting, m].join(' -> ')}`);
      const text = loadModule(m);
      if (text === undefined) throw new FlattenError(`module ${parts.name} EXTENDS ${m}, which is neither a standard module nor found next to the spec (${m}.tla)`);
      const sub = splitModule(text, `${m}.tla`);
      if (sub.name !== m) throw new FlattenError(`${m}.tla declares MODULE ${sub.name}, expected ${m}`);
      visiting.push(m);
      visit(sub); // its own EXTENDS first, so definitions come before their uses
      visiting.pop();
      inlined.push(m);
      chunks.push({ module: m, lines: sub.body });
    }
  };
  visiting.push(root.name);
  visit(root);

  if (inlined.length === 0) {
    const lines = moduleText.split('\n');
    return { text: moduleText, lineMap: lines.map((_, i) => ({ module: root.name, line: i + 1 })), inlined, instances: [...instances] };
  }
  const out: string[] = [];
  const map: LineOrigin[] = [];
  const push = (text: string, origin: LineOrigin) => { out.push(text); map.push(origin); };
  push(root.headerLine, { module: root.name, line: 1 });
  if (standard.length > 0) push(`EXTENDS ${standard.join(', ')}`, { module: root.name, line: 1 });
  for (const c of chunks) {
    push(`\\* ---- inlined from ${c.module}.tla (flattened for the embedded model checker) ----`, { module: c.module, line: 1 });
    for (const l of c.lines) push(l.text, { module: c.module, line: l.line });
  }
  push(`\\* ---- ${root.name} ----`, { module: root.name, line: 1 });
  for (const l of root.body) push(l.text, { module: root.name, line: l.line });
  push('='.repeat(40), { module: root.name, line: moduleText.split('\n').length });
  return { text: out.join('\n') + '\n', lineMap: map, inlined, instances: [...instances] };
}
