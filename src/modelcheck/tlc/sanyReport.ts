/**
 * Reads SANY's parse or semantic error report (printed by TLC outside any -tool frame) into a
 * location and one line of message.
 */
import type { SourceLocation } from '../shared/types.js';

/**
 * The module the report blames. SANY words it several ways; "Module body" (in "Was expecting
 * '==== or more Module body'") is grammar, not a module name, so only the phrasings that name a
 * module are read.
 */
function blamedModule(report: string): string | undefined {
  const patterns = [
    /of module (\w+)/, // semantic errors: "line 20, col 53 to line 20, col 53 of module Broken"
    /Could not parse module (\w+)/,
    /^In module (\w+)/m,
    /Fatal errors while parsing TLA\+ spec in file (\w+)/,
  ];
  for (const p of patterns) {
    const m = p.exec(report);
    if (m) return m[1];
  }
  return undefined;
}

/** Where SANY found the error: the module's file among those it parsed, line and column. */
export function sanyLocation(report: string, parsedFiles: readonly string[]): SourceLocation | undefined {
  const sem = /line (\d+), col (\d+) to line \d+, col \d+ of module (\w+)/.exec(report);
  const syn = /at line (\d+), column (\d+)/.exec(report);
  let loc: SourceLocation | undefined;
  if (sem) loc = { line: Number(sem[1]), column: Number(sem[2]) };
  else if (syn) loc = { line: Number(syn[1]), column: Number(syn[2]) };
  if (!loc) return undefined;
  const module = blamedModule(report);
  // A syntax error stops SANY in the file it was reading: the last one it started.
  const file = module !== undefined
    ? parsedFiles.find((f) => f.endsWith(`/${module}.tla`) || f === `${module}.tla`)
    : parsedFiles.at(-1);
  if (module !== undefined) loc.module = module;
  else if (file !== undefined) loc.module = /(\w+)\.tla$/.exec(file)?.[1];
  if (file !== undefined) loc.file = file;
  return loc;
}

/** One line saying what is wrong, in SANY's words where they are clear. */
export function sanyMessage(report: string): string {
  const expecting = /Was expecting "([^"]*)"/.exec(report)?.[1];
  const encountered = /Encountered "([^"]*)"/.exec(report)?.[1];
  // SANY's wording for a module that ends before its closing line.
  if (encountered === '<EOF>' && expecting !== undefined && /^====/.test(expecting)) {
    return 'the module ends without its closing ==== line (SANY: Was expecting "==== or more Module body", Encountered "<EOF>")';
  }
  const why = /(Unknown operator[^\n]*|Encountered[^\n]*|Could not parse[^\n]*|Multiply-defined[^\n]*)/.exec(report)?.[1];
  const line = why?.trim();
  if (line !== undefined && expecting !== undefined && line.startsWith('Encountered')) return `${line} (was expecting ${expecting})`;
  return line ?? (report.trim() || 'TLC could not parse the specification');
}
