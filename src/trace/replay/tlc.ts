/**
 * Trace validation with TLC (the etcd-io/raft and CCF approach): a module that EXTENDS the
 * spec, holds the trace as a sequence, and lets TLC take exactly the step each event names,
 * with the event's parameters, constrained to the state and messages the event shows. The
 * trace is accepted iff TLC can consume all of it: the invariant `TraceNotDone` is violated.
 * The module and cfg are plain text, so they are tested without TLC (tla-checker runs an
 * inlined copy); TLC itself runs only when TLA2TOOLS_JAR points to a jar.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isStuttering, isTraceEnding, type SpecConstants, type TraceEvent, type FullTraceEvent, type TraceHeader } from '../format/types.js';
import { scoutWithSpecMark, tlaLiteral, withSpecMark } from './tlaCodec.js';
import { messageActionCall, replayConstants } from './oracles.js';
import { cfgText, DEFAULT_SPEC_PATH, specWith } from './tlaEngine.js';
import { fileValues, isCutLine, mergedValues } from '../format/lines.js';
import { type ActionName, MESSAGE_ACTIONS, NEXT_NODES, NODE_ACTIONS } from '../spec/fastSpec.js';
import { needsUpgrade, upgradeEvent } from '../format/versions.js';
import { DeltaDecoder } from '../format/deltaEncoder.js';
import { resolveRestart } from './restartHistories.js';
import { WelcomeHistories } from './welcomeHistories.js';

export const TRACE_MODULE = 'MultiPaxosTrace';

/** ReplicaForget(n, s) with s as Next draws it from the state (an event shows what went, not s). */
const FORGET_SOME = '\\E s \\in {d.slot + 1 : d \\in rDecisions[e.node]} : ReplicaForget(e.node, s)';

function eventLiteral(ev: FullTraceEvent): string {
  const { scout, ...rest } = ev.state;
  const state = tlaLiteral(rest).slice(0, -1) + `, scout |-> ${scout === null ? 'NoScout' : tlaLiteral(scoutWithSpecMark(scout))}]`;
  // Client events are stuttering steps for the spec: TLC sees them as Stutters.
  const action = isStuttering(ev.action) ? 'Stutter' : ev.action;
  const fields = [`action |-> ${tlaLiteral(action)}`, `node |-> ${ev.node}`];
  if (ev.params.message && action !== 'Stutter') fields.push(`msg |-> ${tlaLiteral(withSpecMark(ev.params.message))}`);
  if (ev.params.proposal) fields.push(`prop |-> ${tlaLiteral(ev.params.proposal)}`);
  fields.push(`sent |-> ${tlaLiteral(ev.sent.map(withSpecMark))}`, `state |-> ${state}`);
  return `[${fields.join(', ')}]`;
}

const STATE_VARS = ['aBallot', 'aAccepted', 'lBallot', 'lActive', 'lProposals', 'scout', 'commanders',
  'rSlotIn', 'rSlotOut', 'rRequests', 'rProposals', 'rDecisions', 'rExecuted', 'aMark', 'lMark', 'rSnap'];

/** The body shared by the TLC module and its inlined test copy. */
function traceDefinitions(events: readonly FullTraceEvent[], c: SpecConstants, specVars: readonly string[], forTlc: boolean): string {
  const declare = forTlc;
  // tla-checker cannot evaluate ENABLED: its inlined copy lets any event stutter (weaker).
  const disabled = forTlc ? '~ENABLED NamedAction(e)' : 'TRUE';
  const within = (a: string): string => `e.node \\in ${NEXT_NODES[a as ActionName]}`;
  const msgActions = Object.keys(MESSAGE_ACTIONS).map((a) => `       \\/ e.action = "${a}" /\\ ${within(a)} /\\ e.msg \\in msgs /\\ ${messageActionCall(a, 'e.node', 'e.msg', 'e.sent', c)}`);
  const bound = c.RequestsPerCaller !== undefined ? ' /\\ e.prop.clientId <= RequestsPerCaller' : '';
  return [
    ...(declare ? [
      `VARIABLE tIndex  \\* the next event of Trace to match`,
      `VARIABLE incInvoked  \\* per node: what its Requester invoked since the node last (re)started`,
    ] : []),
    `Trace == <<`,
    events.map((e) => '  ' + eventLiteral(e)).join(',\n'),
    `>>`,
    ``,
    `TraceInit == Init /\\ tIndex = 1 /\\ incInvoked = [n \\in Node |-> {}]`,
    ``,
    `\\* The event's action with the event's parameters (as Next would pick them).`,
    `NamedAction(e) ==`,
    `    /\\ e.node \\in Node`,
    `    /\\ \\/ FALSE`,
    ...msgActions,
    `       \\/ e.action = "ReplicaPropose" /\\ ${within('ReplicaPropose')} /\\ ReplicaPropose(e.node, e.prop)`,
    `       \\/ e.action = "RequesterInvoke" /\\ e.prop.caller = e.node /\\ e.prop.caller \\in Callers${bound} /\\ RequesterInvoke(e.prop)`,
    ...NODE_ACTIONS
      .map((a) => `       \\/ e.action = "${a}" /\\ ${within(a)} /\\ ${a === 'ReplicaForget' ? FORGET_SOME : `${a}(e.node)`}`),
    ``,
    `\\* A stuttering step: nothing changes, everything sent was sent before.`,
    `Stutters(e) == e.sent \\subseteq msgs /\\ UNCHANGED <<${specVars.join(', ')}>>`,
    ``,
    `\\* The named action; or, when the spec disables it (its step would change nothing, e.g. a`,
    `\\* Prepare answered again) or the event is a Stutter, a stuttering step.`,
    `TraceAction(e) ==`,
    `    \\/ e.action # "Stutter" /\\ NamedAction(e)`,
    `    \\/ (e.action = "Stutter" \\/ ${disabled}) /\\ Stutters(e)`,
    ``,
    `\\* The successor seen through the refinement mapping equals what the event shows.`,
    `TraceMatches(e) ==`,
    ...STATE_VARS.map((v) => `    /\\ ${v}'[e.node] = e.state.${v}`),
    `    /\\ incInvoked' = [incInvoked EXCEPT ![e.node] =`,
    `          IF e.action = "NodeRestart" THEN {} ELSE IF e.action = "RequesterInvoke" THEN @ \\cup {e.prop} ELSE @]`,
    `    /\\ incInvoked'[e.node] = e.state.invoked`,
    `    /\\ msgs' = msgs \\cup e.sent`,
    `    /\\ monotone' /\\ refines'`,
    ``,
    `TraceNext ==`,
    `    /\\ tIndex <= Len(Trace)`,
    `    /\\ TraceAction(Trace[tIndex])`,
    `    /\\ TraceMatches(Trace[tIndex])`,
    `    /\\ tIndex' = tIndex + 1`,
    ``,
    `\\* Violated exactly when the whole trace was consumed: TLC reporting it is the verdict "accepted".`,
    `TraceNotDone == tIndex <= Len(Trace)`,
  ].join('\n');
  // Message actions take e.msg (a record); guards on e.action come first, so fields an event
  // does not have are never read.
}

export interface TraceModule { module: string; cfg: string }

/** The TLC trace-validation module (EXTENDS the spec) and its cfg. */
export function traceModule(header: TraceHeader, events: readonly FullTraceEvent[], specText: string): TraceModule {
  const c = header.spec.constants;
  const module = [
    `---- MODULE ${TRACE_MODULE} ----`,
    `\\* Generated by src/trace/replay/tlc.ts from a trace of ${events.length} events (run ${header.runId ?? '?'}).`,
    `EXTENDS ${header.spec.module}, Sequences, TLC`,
    traceDefinitions(events, c, declaredVariables(specText), true),
    `====`,
    '',
  ].join('\n');
  return { module, cfg: tlcCfg(c) };
}

function tlcCfg(c: SpecConstants): string {
  return cfgText(replayConstants(c, 'tlc'), 'TraceNext').replace('INIT Init', 'INIT TraceInit') + 'INVARIANT TraceNotDone\nCHECK_DEADLOCK FALSE\n';
}

/**
 * The same definitions inlined into the spec's own text (one module, as tla-checker needs):
 * lets tests run the generated trace module without TLC.
 */
export function inlinedTraceSpec(specText: string, header: TraceHeader, events: readonly FullTraceEvent[]): TraceModule {
  // tla-checker keeps a single VARIABLES list: the trace's two variables join the spec's.
  const merged = specText.replace(/^(\s*VARIABLES?)(\s)/m, '$1 tIndex, incInvoked,$2');
  const defs = traceDefinitions(events, header.spec.constants, declaredVariables(specText), false);
  return { module: specWith(merged, defs), cfg: tlcCfg(header.spec.constants) };
}

/** The variables a module declares (names only). */
export function declaredVariables(spec: string): string[] {
  const m = /^\s*VARIABLES?\b([\s\S]*?)(?=^\s*$|^\s*[A-Za-z_]\w*\s*(\(.*\))?\s*==)/m.exec(spec);
  if (!m) return [];
  const body = m[1]!.replace(/\\\*.*$/gm, '').replace(/\(\*[\s\S]*?\*\)/g, '');
  return body.split(/[\s,]+/).filter((x) => /^[A-Za-z_]\w*$/.test(x));
}

export function tlcJar(): string | null {
  const jar = process.env.TLA2TOOLS_JAR;
  if (!jar) return null;
  try { accessSync(jar); return jar; } catch { return null; }
}

/** Where an event came from, to name it in a verdict. */
export interface EventOrigin { file: string; line: number; action: string }

export async function readTrace(files: readonly string[]): Promise<{ header: TraceHeader; events: FullTraceEvent[]; origins: EventOrigin[] }> {
  let header: TraceHeader | null = null;
  let decoder: DeltaDecoder | null = null;
  let legacy = false;
  // A history named by length (a Welcome's, a restart's): the TLC module gets the history itself.
  const welcomes = new WelcomeHistories();
  const events: FullTraceEvent[] = [];
  const origins: EventOrigin[] = [];
  const src = files.length === 1 ? fileValues(files[0]!) : mergedValues(files);
  for await (const at of src) {
    const v = at.value as { kind?: string };
    // How a part's incarnations ended (end, crash, a cut last line) is not a step for TLC.
    if (isTraceEnding(v) || isCutLine(v)) continue;
    if (v.kind === 'header') {
      header ??= v as unknown as TraceHeader;
      decoder ??= new DeltaDecoder(header.spec.constants.N);
      legacy = needsUpgrade(header.format);
    } else {
      // TLC's module constrains each step to the event's whole state: compact events are expanded.
      if (decoder === null) throw new Error(`${at.file}:${at.line}: an event before the trace header`);
      try {
        const current = legacy ? upgradeEvent(v) : { value: v };
        if ('problem' in current) throw new Error(`${current.problem.pointer}: ${current.problem.message}`);
        const restarted = resolveRestart(current.value as TraceEvent, (n) => decoder!.historyOf(n), false);
        if ('problem' in restarted) throw new Error(restarted.problem);
        const named = welcomes.resolve(restarted, (n) => decoder!.historyOf(n));
        if ('problem' in named) throw new Error(named.problem);
        events.push(decoder.decode(named));
      } catch (e) {
        throw new Error(`${at.file}:${at.line}: ${(e as Error).message}`);
      }
      origins.push({ file: at.file, line: at.line, action: String((v as { action?: unknown }).action) });
    }
  }
  if (!header) throw new Error('trace has no header');
  return { header, events, origins };
}

export interface TlcResult { ok: boolean; message: string; /** The first event TLC could not match. */ rejected?: EventOrigin }

/**
 * TLC's verdict on a trace module. Accepted: TraceNotDone is violated (every event consumed).
 * Rejected: the search ended without consuming the trace; the states form a chain whose k-th
 * level has tIndex = k, so the depth TLC reports is the index of the first event it could not match.
 */
export function tlcTraceVerdict(outText: string, origins: readonly EventOrigin[], dir: string): TlcResult {
  if (/Invariant TraceNotDone is violated/.test(outText)) return { ok: true, message: `accepted: all ${origins.length} events consumed` };
  if (/Model checking completed\. No error has been found/.test(outText)) {
    const depth = /The depth of the complete state graph search is (\d+)/.exec(outText);
    const at = depth ? origins[Number(depth[1]) - 1] : undefined;
    if (depth && at) {
      return { ok: false, rejected: at,
        message: `rejected at ${at.file}:${at.line}: TLC found no step of the spec for this ${at.action} (event ${depth[1]} of ${origins.length}; the events before it were matched) (module in ${dir})` };
    }
    return { ok: false, message: `rejected: TLC could not match every event (module in ${dir})` };
  }
  return { ok: false, message: `TLC failed (module in ${dir}): ${outText.split('\n').filter((l) => /Error|error/.test(l)).slice(0, 3).join(' | ')}` };
}

/** Runs TLC on the trace (needs java and TLA2TOOLS_JAR); "skipped" counts as ok. */
export async function runTlc(files: readonly string[], specPath = DEFAULT_SPEC_PATH): Promise<TlcResult> {
  const jar = tlcJar();
  if (!jar) return { ok: true, message: 'skipped: TLA2TOOLS_JAR not set' };
  const dir = mkdtempSync(join(tmpdir(), 'tlc-trace-'));
  const { header, events, origins } = await readTrace(files);
  const { module, cfg } = traceModule(header, events, readFileSync(specPath, 'utf8'));
  copyFileSync(specPath, join(dir, `${header.spec.module}.tla`));
  writeFileSync(join(dir, `${TRACE_MODULE}.tla`), module);
  writeFileSync(join(dir, `${TRACE_MODULE}.cfg`), cfg);
  const r = spawnSync('java', ['-XX:+UseParallelGC', '-cp', jar, 'tlc2.TLC', '-deadlock', '-workers', '1', '-config', `${TRACE_MODULE}.cfg`, TRACE_MODULE],
    { cwd: dir, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) return { ok: false, message: `could not run java: ${r.error.message}` };
  return tlcTraceVerdict(`${r.stdout ?? ''}${r.stderr ?? ''}`, origins, dir);
}
