/**
 * A counterexample as spec actions with their arguments, the way the .tla names them
 * (`AcceptorReceivePrepare(n, m)`, `RequesterInvoke(r)`, `NodeRestart(n)`, ...): printed one
 * action a line with what changed, and written as a witness (src/modelcheck/embedded/witness.ts)
 * that the embedded engine can replay action by action.
 */
import type { Proposal, SpecMessage } from '../trace/format/types.js';
import type { Step } from '../trace/spec/fastSpec.js';
import type { SpecState } from '../trace/spec/specState.js';
import { keyDiff } from '../trace/conformance/graphConformance.js';
import { stateKey } from '../trace/replay/tlaCodec.js';
import type { WitnessStep } from '../modelcheck/embedded/witness.js';
import type { TraceStep, Violation } from './explorer.js';

/** A message as a TLA+ value in the witness encoding (a Welcome's executed is a sequence). */
function messageArg(m: SpecMessage): unknown {
  return m.type === 'Welcome' ? { ...m, executed: { __tuple: m.executed } } : m;
}

/** The arguments of the .tla action a step takes. */
export function actionArgs(step: Step): unknown[] {
  const p = step.param ?? {};
  if (step.action === 'RequesterInvoke') return [(p as { proposal: Proposal }).proposal];
  if ('message' in p) return [step.n, messageArg(p.message)];
  if ('proposal' in p) return [step.n, p.proposal];
  return [step.n];
}

export function witnessSteps(trace: readonly TraceStep[]): WitnessStep[] {
  return trace.filter((t) => t.step !== undefined).map((t) => ({ action: t.action, args: actionArgs(t.step!) }));
}

const short = (v: unknown): string => JSON.stringify(v).replace(/"(\w+)":/g, '$1:');

/** One line per step: the action with its arguments, then the parts of the state it changed. */
export function formatTrace(trace: readonly TraceStep[], N: number): string {
  const lines: string[] = [];
  let before: SpecState | undefined;
  trace.forEach((t, i) => {
    if (t.step === undefined) {
      lines.push(`${i}: Init`);
    } else {
      lines.push(`${i}: ${t.action}(${actionArgs(t.step).map(short).join(', ')})`);
      lines.push(`     ${keyDiff(stateKey(before!, N), stateKey(t.state, N))}`);
    }
    before = t.state;
  });
  return lines.join('\n');
}

export function formatViolation(v: Violation, N: number): string {
  const what = v.kind === 'step' ? `step property ${v.property} broken by the last step` : v.kind === 'deadlock' ? 'deadlock' : `invariant ${v.property} violated`;
  return `${what}: ${v.detail}\ncounterexample (${v.trace.length - 1} steps):\n${formatTrace(v.trace, N)}`;
}
