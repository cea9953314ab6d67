/**
 * Structural checks of a TLA+ module that SANY (TLC's parser) makes and tla-checker does not.
 * tla-checker recovers from what SANY rejects: it checks a module without its closing ====
 * line, one whose name differs from its file, one that defines a name twice, and after an
 * unclosed bracket it silently drops the rest of the module (a cfg then names an invariant
 * "not found"). These checks run before the embedded engine so that it rejects what TLC
 * rejects, at the line where the mistake is.
 *
 * Not checked: names that are used but never defined, when no evaluation reaches them (SANY
 * rejects them; tla-checker only when it evaluates them).
 */
import { blankComments } from './flatten.js';

export interface StructureError {
  line: number;
  column: number;
  message: string;
}

const HEADER = /^\s*-{4,}\s*MODULE\s+(\w+)\s*-{4,}/;
const CLOSING = /^\s*={4,}/;

const OPENERS: Record<string, string> = { '(': ')', '[': ']', '{': '}', '<<': '>>' };
const CLOSERS: Record<string, string> = { ')': '(', ']': '[', '}': '{', '>>': '<<' };

interface Open { token: string; line: number; column: number }

/** The name of the top-level definition in force at a line (`Name ==` or `Name(args) ==` in column 0). */
function definitionAt(lines: readonly string[], line: number): string | undefined {
  for (let i = line - 1; i >= 0; i--) {
    const d = /^(?:LOCAL\s+)?([A-Za-z_]\w*)\s*(?:\([^)]*\))?\s*==/.exec(lines[i]!);
    if (d) return d[1];
  }
  return undefined;
}

/** Unclosed comments and strings, then brackets that do not pair up, up to the closing line. */
function scanBrackets(text: string, end: number): StructureError[] {
  const stack: Open[] = [];
  let line = 1;
  let lineStart = 0;
  let i = 0;
  const col = (at: number) => at - lineStart + 1;
  const commentStack: Open[] = [];
  while (i < end) {
    const c = text[i]!;
    if (c === '\n') { line++; i++; lineStart = i; continue; }
    if (commentStack.length > 0) {
      if (text.startsWith('(*', i)) { commentStack.push({ token: '(*', line, column: col(i) }); i += 2; continue; }
      if (text.startsWith('*)', i)) { commentStack.pop(); i += 2; continue; }
      i++;
      continue;
    }
    if (c === '"') {
      const from = { line, column: col(i) };
      i++;
      while (i < end && text[i] !== '"' && text[i] !== '\n') i += text[i] === '\\' ? 2 : 1;
      if (i >= end || text[i] === '\n') return [{ ...from, message: 'unterminated string' }];
      i++;
      continue;
    }
    if (text.startsWith('(*', i)) { commentStack.push({ token: '(*', line, column: col(i) }); i += 2; continue; }
    if (text.startsWith('\\*', i)) { while (i < end && text[i] !== '\n') i++; continue; }
    const two = text.slice(i, i + 2);
    const token = two === '<<' || two === '>>' ? two : c;
    if (OPENERS[token] !== undefined) {
      stack.push({ token, line, column: col(i) });
    } else if (CLOSERS[token] !== undefined) {
      const open = stack.pop();
      if (open === undefined) return [{ line, column: col(i), message: `"${token}" closes nothing` }];
      if (open.token !== CLOSERS[token]) {
        return [{ line, column: col(i), message: `"${token}" does not close the "${open.token}" opened at line ${open.line}, column ${open.column}` }];
      }
    }
    i += token.length;
  }
  if (commentStack.length > 0) {
    const first = commentStack[0]!;
    return [{ line: first.line, column: first.column, message: 'unterminated comment "(*"' }];
  }
  const unclosed = stack.at(-1);
  if (unclosed) return [{ line: unclosed.line, column: unclosed.column, message: `"${unclosed.token}" is never closed` }];
  return [];
}

/** Top-level names defined twice (SANY: "Multiple declarations or definitions for symbol"). */
function duplicateDefinitions(bare: readonly string[], last: number): StructureError[] {
  const seen = new Map<string, number>();
  const out: StructureError[] = [];
  for (let i = 0; i < last; i++) {
    const d = /^(?:LOCAL\s+)?([A-Za-z_]\w*)\s*(?:\([^)]*\))?\s*==/.exec(bare[i]!);
    if (!d) continue;
    const first = seen.get(d[1]!);
    if (first !== undefined) out.push({ line: i + 1, column: 1, message: `${d[1]} is defined twice (first at line ${first})` });
    else seen.set(d[1]!, i + 1);
  }
  return out;
}

/**
 * Checks one module's text; `fileModule` is the name its file gives it (`X` for `X.tla`), when
 * known. Returns the errors found, first one first (an empty list: nothing found).
 */
export function checkModuleStructure(text: string, fileModule?: string): StructureError[] {
  const lines = text.split('\n');
  const bare = blankComments(text).split('\n');
  const headers = bare.map((l, i) => ({ m: HEADER.exec(l), i })).filter((h) => h.m !== null);
  if (headers.length === 0) return [{ line: 1, column: 1, message: 'no "---- MODULE Name ----" header' }];
  const closings = bare.map((l, i) => (CLOSING.test(l) ? i : -1)).filter((i) => i >= 0);
  // Each MODULE (an inner module too) ends with its own ==== line.
  if (closings.length < headers.length) {
    // An unclosed "(*" hides the closing line: report the comment.
    const comment = scanBrackets(text, text.length).find((e) => e.message.startsWith('unterminated comment'));
    if (comment) return [comment];
    const eofLine = lines.at(-1) === '' ? lines.length - 1 : lines.length;
    return [{ line: Math.max(1, eofLine), column: 1, message: 'the module ends without its closing ==== line' }];
  }
  const name = headers[0]!.m![1]!;
  if (fileModule !== undefined && name !== fileModule) {
    return [{ line: headers[0]!.i + 1, column: 1, message: `the file is ${fileModule}.tla but the module is called ${name}` }];
  }
  const last = closings.at(-1)!;
  // Offsets are kept by blankComments, so the end of the module is the same place in both texts.
  const end = lines.slice(0, last).reduce((n, l) => n + l.length + 1, 0);
  const brackets = scanBrackets(text, end).map((e) => {
    const def = definitionAt(bare, e.line);
    return def !== undefined ? { ...e, message: `${e.message} (in the definition of ${def})` } : e;
  });
  if (brackets.length > 0) return brackets;
  return duplicateDefinitions(bare, last);
}

/** The module without what follows its last closing ==== line (TLC ignores it; tla-checker would parse it). */
export function withoutTrailer(text: string): string {
  const lines = text.split('\n');
  const bare = blankComments(text).split('\n');
  let last = -1;
  bare.forEach((l, i) => { if (CLOSING.test(l)) last = i; });
  return last < 0 ? text : lines.slice(0, last + 1).join('\n') + '\n';
}
