/**
 * Independent judges for the checker's answers, written from the definition and nothing
 * else: a brute-force search for small histories, and a verifier of a claimed linearization.
 */
import type { Model, Operation, Outcome } from '../../../../src/trace/client/linearizability/index.js';

function outcomeOf(op: Operation): Outcome {
  return op.ret === undefined ? { returned: false } : { returned: true, output: op.output };
}

/**
 * Tries every order: at each point any operation not yet placed may come next unless an
 * operation not yet placed returned before it was called. Returned operations must all be
 * placed; the others may be, once. No memo, no reduction: for a handful of operations only.
 */
export function bruteForceLinearizable<S>(model: Model<S>, ops: readonly Operation[]): boolean {
  const placed = ops.map(() => false);
  const returnedCount = ops.filter((op) => op.ret !== undefined).length;
  const go = (state: S, placedReturned: number): boolean => {
    if (placedReturned === returnedCount) return true;
    for (let i = 0; i < ops.length; i++) {
      if (placed[i]) continue;
      const mustWait = ops.some((other, j) => !placed[j] && j !== i && other.ret !== undefined && other.ret < ops[i]!.call);
      if (mustWait) continue;
      const result = model.step(state, ops[i]!.input, outcomeOf(ops[i]!));
      if (!result.ok) continue;
      placed[i] = true;
      if (go(result.state, placedReturned + (ops[i]!.ret === undefined ? 0 : 1))) return true;
      placed[i] = false;
    }
    return false;
  };
  return go(model.init(), 0);
}

/**
 * Checks the checker's witness: every returned operation in exactly one linearization, real
 * time respected and every output reproduced within each. Returns the first problem found.
 */
export function witnessProblem<S>(model: Model<S>, ops: readonly Operation[], linearizations: readonly (readonly string[])[]): string | undefined {
  const byId = new Map(ops.map((op) => [op.id, op]));
  const used = new Set<string>();
  for (const order of linearizations) {
    // earliestReturnFrom[k]: the earliest return among the operations placed at position k or later.
    const earliestReturnFrom = new Array<number>(order.length + 1).fill(Infinity);
    for (let k = order.length - 1; k >= 0; k--) earliestReturnFrom[k] = Math.min(earliestReturnFrom[k + 1]!, byId.get(order[k]!)?.ret ?? Infinity);
    let state = model.init();
    for (const [position, id] of order.entries()) {
      const op = byId.get(id);
      if (op === undefined) return `unknown id ${id}`;
      if (used.has(id)) return `${id} placed twice`;
      used.add(id);
      if (earliestReturnFrom[position + 1]! < op.call) return `an operation placed after ${id} returned before ${id} was called`;
      const result = model.step(state, op.input, outcomeOf(op));
      if (!result.ok) return `${id} does not fit where it is placed`;
      state = result.state;
    }
  }
  const missing = ops.find((op) => op.ret !== undefined && !used.has(op.id));
  return missing === undefined ? undefined : `returned operation ${missing.id} is in no linearization`;
}
