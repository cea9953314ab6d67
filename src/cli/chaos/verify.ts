/**
 * What must hold at the end of a chaos run, judged from the final replicated history (the
 * requests executed, in order) and what the clients were told:
 *
 * - every acknowledged transfer is in the history exactly once, and the output the client got
 *   is the one the bank gives at that place in the history (nothing lost, nothing run twice,
 *   no answer made up);
 * - an indeterminate transfer is in the history at most once;
 * - nothing is in the history that no client sent, and what ran is the command its client sent
 *   (a transfer changed on its way would otherwise pass when its outcome is indeterminate);
 * - the application state the node reports is the one its history produces, and the bank's
 *   money is what the deposits put in (transfers only move it).
 *
 * The checks are pure (history in, verdict out) so that tests can show each one failing.
 */
import { bank, sumBalances, type BankState } from '../../statemachines/bank.js';
import { toNodeStateMachine } from '../../statemachines/codec.js';
import { canonicalJson, stateDigest } from '../../statemachines/digest.js';
import type { ExecutedRequest } from '../client/protocol.js';
import type { TransferOp } from './workload.js';

export interface HistoryVerdict {
  readonly problems: string[];
  readonly acknowledged: number;
  readonly indeterminate: number;
  /** Indeterminate transfers the history shows were executed (once). */
  readonly indeterminateExecuted: number;
  /** Failed for sure (not executed): Busy, BadRequest, ... */
  readonly failed: number;
  /** Acknowledged transfers missing from the history. */
  readonly lost: number;
  /** Transfers in the history more than once. */
  readonly duplicated: number;
  readonly total: number;
  readonly appDigest: string;
}

export interface HistoryInputs {
  readonly history: readonly ExecutedRequest[];
  readonly ops: readonly TransferOp[];
  /** What the deposits put in. */
  readonly deposited: number;
  /** The application state digest a node reported for this history. */
  readonly reportedAppDigest: string;
}

/** Problems listed at most, per kind: a broken run says enough with the first few. */
const LISTED = 5;

export function verifyHistory(input: HistoryInputs): HistoryVerdict {
  const problems: string[] = [];
  const note = (kind: Map<string, number>, name: string, text: string) => {
    const n = (kind.get(name) ?? 0) + 1;
    kind.set(name, n);
    if (n <= LISTED) problems.push(text);
  };
  const counts = new Map<string, number>();
  const sm = toNodeStateMachine(bank);
  let state = sm.initial();
  // ref -> the indices (from 1) where it ran, and the output it got there.
  const runs = new Map<string, { index: number; output: unknown }[]>();
  const sent = new Map(input.ops.map((op) => [op.ref, op]));
  input.history.forEach((r, i) => {
    const [next, output] = sm.apply(state, r.input);
    state = next;
    let command: unknown;
    try {
      command = JSON.parse(r.input) as unknown;
    } catch {
      command = undefined;
    }
    const ref = (command as { ref?: unknown } | undefined)?.ref;
    if (typeof ref !== 'string') return; // setup commands (open, deposit) and final reads carry no ref
    const op = sent.get(ref);
    if (op === undefined) note(counts, 'phantom', `history index ${i + 1}: transfer ${ref} was never sent by a client`);
    else if (canonicalJson(command) !== canonicalJson(op.command)) {
      note(counts, 'altered', `history index ${i + 1}: transfer ${ref} ran as ${r.input}; its client sent ${JSON.stringify(op.command)}`);
    }
    runs.set(ref, [...(runs.get(ref) ?? []), { index: i + 1, output }]);
  });
  let acknowledged = 0; let indeterminate = 0; let indeterminateExecuted = 0; let failed = 0; let lost = 0; let duplicated = 0;
  for (const op of input.ops) {
    const ran = runs.get(op.ref) ?? [];
    if (ran.length > 1) {
      duplicated++;
      note(counts, 'duplicated', `transfer ${op.ref} ran ${ran.length} times (history indices ${ran.map((x) => x.index).join(', ')})`);
    }
    if (op.outcome === 'ack') {
      acknowledged++;
      if (ran.length === 0) {
        lost++;
        note(counts, 'lost', `transfer ${op.ref} was acknowledged by node ${op.node} but is not in the final history`);
      } else if (canonicalJson(ran[0]!.output) !== canonicalJson(op.output)) {
        note(counts, 'output', `transfer ${op.ref}: the client was told ${JSON.stringify(op.output)}, the history gives ${JSON.stringify(ran[0]!.output)} at index ${ran[0]!.index}`);
      }
    } else if (op.outcome === 'indeterminate') {
      indeterminate++;
      if (ran.length > 0) indeterminateExecuted++;
    } else {
      failed++;
      if (ran.length > 0) note(counts, 'failedRan', `transfer ${op.ref} was answered "${op.error}" (not executed) but ran at index ${ran[0]!.index}`);
    }
  }
  const appDigest = stateDigest(state);
  if (appDigest !== input.reportedAppDigest) problems.push(`the node reports application state ${input.reportedAppDigest}, its history produces ${appDigest}`);
  const money = sumBalances(state as BankState);
  if (money !== input.deposited) problems.push(`money not conserved: the accounts hold ${money}, the deposits put in ${input.deposited}`);
  for (const [kind, n] of counts) if (n > LISTED) problems.push(`... ${n - LISTED} more ${kind} problems`);
  return { problems, acknowledged, indeterminate, indeterminateExecuted, failed, lost, duplicated, total: input.ops.length, appDigest };
}
