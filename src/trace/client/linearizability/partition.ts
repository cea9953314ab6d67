/**
 * P-compositionality: check a history in independent parts.
 *
 * Why it is sound. Say the model's state is a map from names (accounts, keys) to values,
 * initially empty, and each operation has a footprint, computed from its input alone: a set
 * of names such that the operation's output depends only on the values under those names,
 * and it changes no other name. Link two operations when their footprints share a name;
 * each connected group then reads and writes names that no other group touches. So the
 * history is a history of independent objects, one per group, each starting empty, and
 * linearizability is local (Herlihy & Wing 1990, Theorem 1, which covers operations that
 * never return): the whole history is linearizable exactly when every group is. An
 * operation with an empty footprint reads and writes nothing; it is a group of its own.
 *
 * A footprint may name more than the operation touches (that only merges groups), never
 * less: a hidden dependency (a read of "all accounts") must put the history in one group.
 * The same footprints let the search, inside a group, try next only the operations that can
 * matter (search.ts).
 */
import type { Operation } from './history.js';

/** The names an operation may read or write, from its input alone. */
export type FootprintOf = (input: unknown) => readonly string[];

/** Union-find over group numbers, with path halving. */
function findRoot(parent: number[], x: number): number {
  while (parent[x] !== x) {
    parent[x] = parent[parent[x]!]!;
    x = parent[x]!;
  }
  return x;
}

export function partitionByFootprint(ops: readonly Operation[], footprintOf: FootprintOf): Operation[][] {
  const parent: number[] = [];
  const groupOfName = new Map<string, number>();
  const groupOfOp: number[] = [];
  for (const op of ops) {
    let group = -1;
    for (const name of footprintOf(op.input)) {
      let other = groupOfName.get(name);
      if (other === undefined) {
        other = group === -1 ? parent.push(parent.length) - 1 : group;
        groupOfName.set(name, other);
      }
      if (group === -1) group = findRoot(parent, other);
      else {
        const root = findRoot(parent, other);
        if (root !== group) parent[root] = group;
      }
    }
    if (group === -1) group = parent.push(parent.length) - 1;
    groupOfOp.push(group);
  }
  const parts = new Map<number, Operation[]>();
  ops.forEach((op, i) => {
    const root = findRoot(parent, groupOfOp[i]!);
    const part = parts.get(root);
    if (part === undefined) parts.set(root, [op]);
    else part.push(op);
  });
  return [...parts.values()];
}
