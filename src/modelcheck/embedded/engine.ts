/** The embedded engine: tla-checker (WebAssembly) run in a worker thread, its reply mapped to a ModelResult. */
import { printCfg, type TlcConfig } from '../cfg/cfg.js';
import { exploreCfg } from '../tla/nextActions.js';
import { labelActions, splitTextTrace, toCounterexampleStates } from './trace.js';
import { EmbeddedTimeout, runEmbeddedJob, type EmbeddedRawResult } from './worker.js';
import { flattenModule, FlattenError, type Flattened } from '../tla/flatten.js';
import { checkModuleStructure, withoutTrailer } from '../tla/moduleStructure.js';
import { argumentCaptures } from '../tla/argumentCapture.js';
import { impliesMisreadings } from '../tla/impliesPrecedence.js';
import type { Counterexample, ModelResult, Progress, SourceLocation } from '../shared/types.js';
import { loadTlaChecker } from './wasm.js';

/** Named limits; a model larger than this is a job for TLC. */
export const EMBEDDED_DEFAULT_MAX_STATES = 5_000_000;
export const EMBEDDED_DEFAULT_MAX_DEPTH = 100_000;

export interface EmbeddedRequest {
  model: string;
  /** The module's name (its file is `<moduleName>.tla`). */
  moduleName?: string;
  moduleText: string;
  /** The path of a module's file, for error locations (default: `<name>.tla`). */
  moduleFile?: (name: string) => string;
  loadModule: (name: string) => string | undefined;
  cfg: TlcConfig;
  cfgText: string;
  timeoutMs?: number;
  maxStates?: number;
  progressEveryMs?: number;
  onProgress?: (p: Progress) => void;
  /** Save the full state graph (DOT) here. */
  graphFile?: string;
  /** Skip the state graph (and so the action coverage): for models too large to hold it. */
  noGraph?: boolean;
}

export type Prepared =
  | { ok: true; flat: Flattened }
  | { ok: false; message: string; parseError?: { location: SourceLocation } };

/**
 * Prepares the single module tla-checker needs, after the structural checks SANY would make on
 * it and on every module it extends (moduleStructure.ts); returns a reason when it cannot.
 */
export function prepareEmbeddedModule(
  moduleText: string,
  loadModule: (name: string) => string | undefined,
  names: { module?: string; file?: (name: string) => string } = {},
): Prepared {
  const fileOf = names.file ?? ((m: string) => `${m}.tla`);
  const structural = (text: string, module: string | undefined): Prepared | undefined => {
    const [e] = [...checkModuleStructure(text, module), ...argumentCaptures(text), ...impliesMisreadings(text)];
    if (e === undefined) return undefined;
    const name = module ?? /MODULE\s+(\w+)/.exec(text)?.[1];
    const location: SourceLocation = { line: e.line, column: e.column };
    if (name !== undefined) { location.module = name; location.file = fileOf(name); }
    return { ok: false, message: e.message, parseError: { location } };
  };
  const rootProblem = structural(moduleText, names.module);
  if (rootProblem) return rootProblem;
  try {
    // TLC ignores what follows the closing line; tla-checker would parse it.
    const flat = flattenModule(withoutTrailer(moduleText), loadModule);
    for (const m of flat.inlined) {
      const problem = structural(loadModule(m) ?? '', m);
      if (problem) return problem;
    }
    if (flat.instances.length > 0) {
      return { ok: false, message: `needs TLC: the spec uses INSTANCE of ${flat.instances.join(', ')}, which the embedded engine cannot load` };
    }
    return { ok: true, flat };
  } catch (e) {
    if (e instanceof FlattenError) return { ok: false, message: e.message };
    throw e;
  }
}

function offsetToLine(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

export async function checkEmbedded(req: EmbeddedRequest): Promise<ModelResult> {
  const started = Date.now();
  const base = { model: req.model, engine: 'embedded' as const };
  const fileOf = req.moduleFile ?? ((m: string) => `${m}.tla`);
  const prepared = prepareEmbeddedModule(req.moduleText, req.loadModule, { module: req.moduleName, file: fileOf });
  if (!prepared.ok) {
    const failed = { ...base, distinctStates: 0, durationMs: Date.now() - started, message: prepared.message };
    return prepared.parseError
      ? { ...failed, verdict: 'parse-error', errorKind: 'spec', location: prepared.parseError.location }
      : { ...failed, verdict: 'error' };
  }
  const spec = prepared.flat.text;
  const tick = req.onProgress
    ? (elapsedMs: number) => req.onProgress!({ engine: 'embedded', elapsedMs })
    : undefined;
  // The state graph is wanted once: reruns that only find which property failed skip it.
  const run = (cfgText: string, graph = req.noGraph !== true) =>
    runEmbeddedJob(
      {
        spec,
        cfg: cfgText,
        maxStates: req.maxStates ?? EMBEDDED_DEFAULT_MAX_STATES,
        maxDepth: EMBEDDED_DEFAULT_MAX_DEPTH,
        allowDeadlock: req.cfg.checkDeadlock === false,
        graph,
        ...(graph && req.graphFile !== undefined ? { graphFile: req.graphFile } : {}),
      },
      { timeoutMs: req.timeoutMs, tickMs: req.progressEveryMs, onTick: tick },
    );
  let raw: EmbeddedRawResult;
  try {
    raw = await run(req.cfgText);
  } catch (e) {
    const timedOut = e instanceof EmbeddedTimeout;
    const message = timedOut
      ? `${e.message} (tla-checker reports no partial counts; use TLC or smaller constants for a model this size)`
      : (e as Error).message;
    return { ...base, verdict: 'error', errorKind: timedOut ? 'timeout' : 'crash', distinctStates: 0, durationMs: Date.now() - started, message };
  }
  const result: ModelResult = { ...base, verdict: 'error', distinctStates: raw.states_explored, durationMs: 0 };
  if (raw.actions !== undefined) {
    result.coverage = raw.actions;
    result.coverageUnit = 'transitions';
  }
  const msg = raw.error_message ?? '';
  if (raw.success) {
    result.verdict = 'pass';
  } else {
    switch (raw.error_type) {
      case 'InvariantViolation': {
        result.verdict = 'invariant';
        // tla-checker numbers the cfg's invariants from 0, in the order they are listed.
        const idx = /Invariant (\d+) violated/.exec(msg);
        const name = idx ? req.cfg.invariants[Number(idx[1])] : undefined;
        if (name !== undefined) result.violated = name;
        else result.message = msg;
        break;
      }
      case 'LivenessViolation':
        result.verdict = 'property';
        result.violated = await whichProperty(req, run);
        if (result.violated === undefined) result.message = msg;
        break;
      case 'Deadlock':
        result.verdict = 'deadlock';
        break;
      case 'ParseError': {
        result.verdict = 'parse-error';
        result.errorKind = 'spec';
        const m = /message: "((?:[^"\\]|\\.)*)"/.exec(msg);
        result.message = m ? m[1]!.replace(/\\(.)/g, '$1') : msg;
        const span = /span: Some\(Span \{ start: (\d+)/.exec(msg);
        if (span) {
          const { line, column } = offsetToLine(spec, Number(span[1]));
          const origin = prepared.flat.lineMap[line - 1];
          result.location = origin ? { module: origin.module, file: fileOf(origin.module), line: origin.line, column } : { line, column };
        }
        break;
      }
      case 'ConfigError': {
        result.verdict = 'parse-error';
        const dropped = droppedDefinition(msg, prepared.flat);
        if (dropped) {
          // tla-checker skips a definition it cannot parse; the cfg then names something "not found".
          result.errorKind = 'spec';
          result.location = { ...dropped.at, file: fileOf(dropped.at.module) };
          result.message = droppedMessage(dropped.name, msg);
        } else {
          result.errorKind = 'cfg';
          result.message = `cfg: ${msg}`;
        }
        break;
      }
      case 'MaxStatesExceeded':
        result.errorKind = 'state-space';
        result.message = `state limit reached (${raw.states_explored} states): the embedded engine stops at ${req.maxStates ?? EMBEDDED_DEFAULT_MAX_STATES}; use --max-states or TLC`;
        break;
      default: {
        // SANY would reject an undefined name before checking; tla-checker finds it while evaluating.
        result.verdict = /^undefined (variable|operator)/.test(msg) ? 'parse-error' : 'error';
        if (result.verdict === 'parse-error') result.errorKind = 'spec';
        result.message = `${raw.error_type ?? 'error'}: ${msg}`;
        const dropped = result.verdict === 'parse-error' ? droppedDefinition(msg, prepared.flat) : undefined;
        if (dropped) {
          result.location = { ...dropped.at, file: fileOf(dropped.at.module) };
          result.message = droppedMessage(dropped.name, msg);
        }
      }
    }
  }
  if (raw.trace && raw.trace.length > 0 && result.verdict !== 'parse-error' && result.verdict !== 'error') {
    result.counterexample = buildCounterexample(spec, printCfg(exploreCfg(spec, req.cfg)), raw.trace);
  }
  result.durationMs = Date.now() - started;
  return result;
}

/**
 * tla-checker drops a definition it cannot parse and goes on; the name is then "not found" (a
 * cfg's INVARIANT) or "undefined" (Next). When the module does define that name, the
 * definition is where the syntax error is: its module and line.
 */
function droppedDefinition(msg: string, flat: Flattened): { name: string; at: { module: string; line: number; column: number } } | undefined {
  const name = /definition '(\w+)' not found/.exec(msg)?.[1] ?? /^undefined (?:variable|operator) `(\w+)`/.exec(msg)?.[1];
  if (name === undefined) return undefined;
  const definesIt = new RegExp(`^${name}\\s*(\\([^)]*\\))?\\s*==`);
  const at = flat.text.split('\n').findIndex((l) => definesIt.test(l));
  const origin = at >= 0 ? flat.lineMap[at] : undefined;
  return origin ? { name, at: { module: origin.module, line: origin.line, column: 1 } } : undefined;
}

function droppedMessage(name: string, said: string): string {
  return `the embedded engine could not parse the definition of ${name} (a syntax error in it or just before it; tla-checker said: ${said})`;
}

/** A liveness trace comes as [prefix, cycle]; the cycle's states follow the prefix and it loops back to the cycle's start. */
function buildCounterexample(spec: string, cfgText: string, trace: string[]): Counterexample {
  const prefix = splitTextTrace(trace[0]!);
  const cycle = trace.length > 1 ? splitTextTrace(trace[1]!) : [];
  let raw = prefix;
  let loopTo: number | undefined;
  if (cycle.length > 0) {
    const same = (a: Record<string, string>, b: Record<string, string> | undefined) => b !== undefined && JSON.stringify(a) === JSON.stringify(b);
    // The cycle starts at a state already on the prefix (usually its last one).
    const first = cycle[0]!;
    const at = prefix.findIndex((s) => same(s, first));
    if (at >= 0) {
      raw = [...prefix, ...cycle.slice(1)];
      loopTo = at;
    } else {
      raw = [...prefix, ...cycle];
      loopTo = prefix.length;
    }
  }
  const labels = labelActions(loadTlaChecker(), spec, cfgText, raw);
  const cex: Counterexample = { states: toCounterexampleStates(raw, labels) };
  if (loopTo !== undefined) cex.loopTo = loopTo;
  return cex;
}

/** tla-checker prints the violated formula, not its name: with several properties, check each alone. */
async function whichProperty(req: EmbeddedRequest, run: (cfg: string, graph: boolean) => Promise<EmbeddedRawResult>): Promise<string | undefined> {
  const props = req.cfg.properties;
  if (props.length === 1) return props[0];
  for (const p of props) {
    const single = req.cfgText
      .split('\n')
      .filter((l) => !/^\s*PROPERT(Y|IES)\b/.test(l))
      .join('\n') + `\nPROPERTY ${p}\n`;
    // Only valid when PROPERTY lines hold one name each; printCfg writes them so.
    try {
      const r = await run(single, false);
      if (r.error_type === 'LivenessViolation') return p;
    } catch {
      return undefined;
    }
  }
  return undefined;
}
