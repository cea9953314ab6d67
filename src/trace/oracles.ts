/**
 * The two in-process oracles a trace is replayed against. Both answer the same question for
 * each event: is there a successor of the current spec state, through the action the event
 * names with the event's parameters, whose projection on the event's node and on msgs is
 * exactly what the event shows? If so they move to that successor.
 *  - FastOracle: the spec's actions as TypeScript (fastSpec.ts), for volume.
 *  - EmbeddedOracle: the spec itself, through tla-checker's explore_next on a TraceStep.
 */
import type { Proposal, SpecConstants, SpecMessage, TraceEvent } from './types.js';
import { type Fields, IncarnationInvoked, diffStep, expectedFields, newMessageKeys, traceFields } from './compare.js';
import { type ActionName, type Param, MESSAGE_ACTIONS, PROPOSAL_ACTIONS, applyStep, isAction, stepsFor } from './fastSpec.js';
import { type SpecConfig, type SpecState, configFromConstants, initialState } from './specState.js';
import { messageKey } from './keys.js';
import { fromTla, tlaLiteral, type TlaState } from './tlaCodec.js';
import { UNBOUNDED, cfgText, exploreInit, exploreNext, specWith, type ConstantValue } from './tlaEngine.js';

export type StepVerdict = { ok: true } | { ok: false; problem: string; diff: string[] };

export interface Oracle {
  readonly name: string;
  step(ev: TraceEvent): StepVerdict;
}

export function paramOf(ev: TraceEvent): Param {
  if (ev.action in MESSAGE_ACTIONS) return ev.params.message ? { message: ev.params.message } : {};
  if ((PROPOSAL_ACTIONS as readonly string[]).includes(ev.action)) return ev.params.proposal ? { proposal: ev.params.proposal } : {};
  return {};
}

/** A Stutter event: the node's state is unchanged and everything it sent was already sent. */
function checkStutter(s: SpecState, inc: IncarnationInvoked, ev: TraceEvent): StepVerdict {
  // A client retrying after its node restarted invokes a request again: the spec's invoked
  // and msgs already have it, while the new incarnation's Requester records it afresh.
  const after = inc.after(ev);
  const diff = diffStep(expectedFields(s, ev.node, IncarnationInvoked.text(after)), new Set(), traceFields(ev.state), newMessageKeys(ev.sent, s.msgs));
  if (diff.length > 0) return { ok: false, problem: 'a Stutter event must change no spec variable and send only messages already sent', diff };
  inc.set(ev.node, after);
  return { ok: true };
}

/** Picks the candidate successor matching the event, or explains the closest miss. */
function matchSuccessor<T>(
  s: SpecState, inc: IncarnationInvoked, ev: TraceEvent, candidates: readonly T[], project: (c: T) => { next: SpecState; ok?: boolean },
): { chosen: T | null; verdict: StepVerdict } {
  const invokedAfter = inc.after(ev);
  const invoked = IncarnationInvoked.text(invokedAfter);
  let actual: Fields;
  let actualNew: Set<string>;
  try {
    actual = traceFields(ev.state);
    actualNew = newMessageKeys(ev.sent, s.msgs);
  } catch (e) {
    return { chosen: null, verdict: { ok: false, problem: `event cannot be read as spec values: ${(e as Error).message}`, diff: [] } };
  }
  let firstDiff: string[] | null = null;
  for (const c of candidates) {
    const { next, ok } = project(c);
    const expectedNew = new Set<string>();
    for (const k of next.msgs.keys()) if (!s.msgs.has(k)) expectedNew.add(k);
    const diff = diffStep(expectedFields(next, ev.node, invoked), expectedNew, actual, actualNew);
    if (ok === false) diff.push('  ghost variables: the spec step sets monotone or refines to FALSE');
    if (diff.length === 0) {
      inc.set(ev.node, invokedAfter);
      return { chosen: c, verdict: { ok: true } };
    }
    firstDiff ??= diff;
  }
  if (candidates.length === 0) {
    // The spec disables an action whose step would change nothing (a Prepare answered again
    // with the same Promise): such a step is a stuttering step, allowed if it is exactly one.
    const asStutter = checkStutter(s, inc, ev);
    if (asStutter.ok) return { chosen: null, verdict: asStutter };
    return { chosen: null, verdict: { ok: false, problem: `${ev.action} is not enabled with these parameters in the spec state here, and the step is not a stuttering step either`, diff: asStutter.diff } };
  }
  return {
    chosen: null,
    verdict: { ok: false, problem: `the spec's ${ev.action} leads elsewhere (difference: spec allows vs trace shows)`, diff: firstDiff ?? [] },
  };
}

export class FastOracle implements Oracle {
  readonly name = 'fast';
  private s: SpecState;
  private readonly inc = new IncarnationInvoked();
  constructor(private readonly cfg: SpecConfig) {
    this.s = initialState(cfg);
  }
  get state(): SpecState { return this.s; }

  step(ev: TraceEvent): StepVerdict {
    if (ev.action === 'Stutter') return checkStutter(this.s, this.inc, ev);
    if (!isAction(ev.action)) return { ok: false, problem: `unknown action ${ev.action}`, diff: [] };
    let steps;
    try {
      steps = stepsFor(this.cfg, this.s, ev.action, ev.node, paramOf(ev));
    } catch (e) {
      return { ok: false, problem: `parameters cannot be read as spec values: ${(e as Error).message}`, diff: [] };
    }
    const s = this.s;
    const { chosen, verdict } = matchSuccessor(s, this.inc, ev, steps, (st) => ({ next: applyStep(s, st) }));
    if (chosen) this.s = applyStep(s, chosen);
    return verdict;
  }
}

/** The constants tla-checker gets for a replay: the header's, with "unbounded" for absent bounds. */
export function replayConstants(c: SpecConstants): Record<string, ConstantValue> {
  const nodes = Array.from({ length: c.N }, (_, i) => i + 1);
  return {
    N: c.N,
    LeaderNodes: c.LeaderNodes ?? nodes,
    Callers: c.Callers ?? nodes,
    RequestsPerCaller: c.RequestsPerCaller ?? 1,
    Window: c.Window,
    MaxBallot: c.MaxBallot ?? UNBOUNDED,
    MaxSlot: c.MaxSlot ?? UNBOUNDED,
    MaxRestarts: c.MaxRestarts ?? UNBOUNDED,
    Mutant: 'none',
  };
}

/**
 * The TraceStep for an event: the named action with the event's parameters, plus the
 * conditions Next puts around it (the node exists, the message was sent, the request is
 * one of a caller's).
 */
export function traceStepExpr(ev: TraceEvent, c: SpecConstants): string {
  const a = ev.action as ActionName;
  if (a in MESSAGE_ACTIONS) {
    return `LET m == ${tlaLiteral(ev.params.message as SpecMessage)} IN ${ev.node} \\in Node /\\ m \\in msgs /\\ ${a}(${ev.node}, m)`;
  }
  if (a === 'ReplicaPropose') return `${ev.node} \\in Node /\\ ReplicaPropose(${ev.node}, ${tlaLiteral(ev.params.proposal as Proposal)})`;
  if (a === 'RequesterInvoke') {
    const r = ev.params.proposal as Proposal;
    const bound = c.RequestsPerCaller !== undefined ? ` /\\ r.clientId <= RequestsPerCaller` : '';
    return `LET r == ${tlaLiteral(r)} IN r.caller = ${ev.node} /\\ r.caller \\in Callers${bound} /\\ RequesterInvoke(r)`;
  }
  return `${ev.node} \\in Node /\\ ${a}(${ev.node})`;
}

/**
 * tla-checker's strings have no escapes (a quote ends the string, a backslash stays), and
 * the spec treats a request's input as opaque: the embedded oracle replaces every input by a
 * token ("noop" stays, the spec names it) and maps back only to print differences.
 */
export class InputInterner {
  private readonly toTok = new Map<string, string>([['noop', 'noop']]);
  private readonly fromTok = new Map<string, string>([['noop', 'noop']]);
  token(input: string): string {
    let t = this.toTok.get(input);
    if (t === undefined) {
      t = `in${this.toTok.size}`;
      this.toTok.set(input, t);
      this.fromTok.set(t, input);
    }
    return t;
  }
  /** A copy of a JSON value with every `input` string replaced by its token. */
  encode<T>(v: T): T {
    if (Array.isArray(v)) return v.map((x) => this.encode(x)) as T;
    if (v === null || typeof v !== 'object') return v;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = k === 'input' && typeof x === 'string' ? this.token(x) : this.encode(x);
    return out as T;
  }
  /** Difference lines with tokens shown as the original inputs. */
  decodeText(text: string): string {
    return text.replace(/"input":"(in\d+)"/g, (m, t: string) => {
      const orig = this.fromTok.get(t);
      return orig === undefined ? m : `"input":${JSON.stringify(orig)}`;
    });
  }
}

/**
 * The spec plus a step counter and the TraceStep. explore_next leaves out a successor equal
 * to the state it starts from, yet a step that changes nothing (a duplicate Prepare answered
 * again) is a step the spec allows; the counter makes every step change something.
 */
function stepSpec(spec: string, stepExpr: string): string {
  // tla-checker keeps only one VARIABLES list, so the counter joins the spec's own.
  const withCounter = spec.replace(/^(\s*VARIABLES?)(\s)/m, '$1 tStep,$2');
  return specWith(withCounter, [
    'TraceInit == Init /\\ tStep = 0',
    `TraceStep == (${stepExpr}) /\\ tStep' = tStep + 1`,
  ].join('\n'));
}
const traceCfg = (constants: Record<string, ConstantValue>): string =>
  cfgText(constants, 'TraceStep').replace('INIT Init', 'INIT TraceInit');

export class EmbeddedOracle implements Oracle {
  readonly name = 'embedded';
  private tlaState: TlaState;
  private s: SpecState;
  private readonly constants: Record<string, ConstantValue>;
  constructor(private readonly spec: string, private readonly header: SpecConstants) {
    this.constants = replayConstants(header);
    const inits = exploreInit(stepSpec(spec, 'FALSE'), traceCfg(this.constants));
    if (inits.length !== 1) throw new Error(`the spec has ${inits.length} initial states; trace replay needs exactly one`);
    this.tlaState = inits[0]!;
    this.s = fromTla(this.tlaState).state;
  }

  private readonly interner = new InputInterner();
  private readonly inc = new IncarnationInvoked();

  step(ev: TraceEvent): StepVerdict {
    const v = this.stepEncoded(this.interner.encode(ev));
    return v.ok ? v : { ...v, diff: v.diff.map((d) => this.interner.decodeText(d)) };
  }

  private stepEncoded(ev: TraceEvent): StepVerdict {
    if (ev.action === 'Stutter') return checkStutter(this.s, this.inc, ev);
    if (!isAction(ev.action)) return { ok: false, problem: `unknown action ${ev.action}`, diff: [] };
    let transitions;
    try {
      transitions = exploreNext(stepSpec(this.spec, traceStepExpr(ev, this.header)), traceCfg(this.constants), this.tlaState);
    } catch (e) {
      return { ok: false, problem: `tla-checker could not evaluate the step: ${(e as Error).message}`, diff: [] };
    }
    const decoded = transitions.map((t) => ({ t, d: fromTla(t.state) }));
    const { chosen, verdict } = matchSuccessor(this.s, this.inc, ev, decoded, (x) => ({ next: x.d.state, ok: x.d.monotone && x.d.refines }));
    if (chosen) {
      this.tlaState = chosen.t.state;
      this.s = chosen.d.state;
    }
    return verdict;
  }
}

export function fastOracleFor(c: SpecConstants): FastOracle {
  return new FastOracle(configFromConstants(c));
}

export { messageKey };
