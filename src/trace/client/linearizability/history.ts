/**
 * A client-level history: what each client asked, what it was told, and when.
 *
 * One invoke is one operation, however many times the Member retried it underneath: the
 * cluster executes a request at most once, so a retried request that took effect twice
 * shows up as one operation whose effect is seen twice, and the checker rejects it.
 *
 * Times are numbers on one clock. Operation `a` precedes `b` in real time when
 * `a.ret < b.call`; equal times count as concurrent, which can only make the check more
 * lenient. Give each call and return a distinct time (a trace's event sequence number
 * does) so that nothing is lost to ties.
 *
 * A client may have several operations pending at once (a Member accepts several invokes
 * before the first is decided), so overlapping operations of one client are allowed.
 */

export interface Operation {
  /** Unique within the history. */
  readonly id: string;
  /** Who invoked it, e.g. "1/7": caller node / client id. Used in reports only. */
  readonly client: string;
  /** The command, as parsed JSON. */
  readonly input: unknown;
  /** When the client invoked it. */
  readonly call: number;
  /** When the client got the answer; undefined when it never did (the outcome is unknown). */
  readonly ret?: number;
  /** The answer, as parsed JSON; absent when `ret` is undefined. */
  readonly output?: unknown;
}

/** Whether the client got an answer (otherwise the operation took effect once, or never). */
export function hasReturned(op: Operation): op is Operation & { readonly ret: number } {
  return op.ret !== undefined;
}

/** Most operations in one history: the checker keeps a few numbers per operation in flat arrays. */
export const MAX_OPERATIONS = 1_000_000;

/** Most problems listed for one bad history: enough to see the pattern, short enough to read. */
const MAX_PROBLEMS_LISTED = 20;

export class InvalidHistoryError extends Error {
  override readonly name = 'InvalidHistoryError';
  constructor(readonly problems: readonly string[]) {
    super(`invalid history: ${problems.join('; ')}`);
  }
}

function operationProblems(x: unknown, at: string): string[] {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return [`${at} is not an object`];
  const op = x as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof op.id !== 'string' || op.id.length === 0) problems.push(`${at}.id must be a non-empty string`);
  if (typeof op.client !== 'string' || op.client.length === 0) problems.push(`${at}.client must be a non-empty string`);
  if (op.input === undefined) problems.push(`${at}.input is missing`);
  if (typeof op.call !== 'number' || !Number.isFinite(op.call)) problems.push(`${at}.call must be a finite number`);
  if (op.ret === undefined) {
    if (op.output !== undefined) problems.push(`${at} has an output but no ret (an answer needs a return time)`);
  } else if (typeof op.ret !== 'number' || !Number.isFinite(op.ret)) {
    problems.push(`${at}.ret must be a finite number or absent`);
  } else {
    if (typeof op.call === 'number' && op.ret < op.call) problems.push(`${at} returns (${op.ret}) before it is called (${op.call})`);
    if (op.output === undefined) problems.push(`${at} returned but has no output`);
  }
  return problems;
}

/** Every problem of a would-be history (an empty list when it is valid), at most MAX_PROBLEMS_LISTED. */
export function historyProblems(ops: unknown): string[] {
  if (!Array.isArray(ops)) return ['a history must be an array of operations'];
  if (ops.length > MAX_OPERATIONS) return [`a history has at most ${MAX_OPERATIONS} operations, got ${ops.length}`];
  const problems: string[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < ops.length && problems.length < MAX_PROBLEMS_LISTED; i++) {
    const op: unknown = ops[i];
    const id = (op as { id?: unknown } | null)?.id;
    problems.push(...operationProblems(op, typeof id === 'string' && id.length > 0 ? `operation ${JSON.stringify(id)}` : `operation #${i}`));
    if (typeof id === 'string') {
      if (seen.has(id)) problems.push(`operation id ${JSON.stringify(id)} is used twice`);
      seen.add(id);
    }
  }
  return problems.slice(0, MAX_PROBLEMS_LISTED);
}

/** Throws InvalidHistoryError listing what is wrong; returns the history typed. */
export function assertValidHistory(ops: unknown): readonly Operation[] {
  const problems = historyProblems(ops);
  if (problems.length > 0) throw new InvalidHistoryError(problems);
  return ops as readonly Operation[];
}
