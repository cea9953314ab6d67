/**
 * Pins that ExecutedTable.fromJson refuses a caller listed twice, and caller 0 (the no-op's,
 * which never executes). A table from disk or from a peer's Welcome with a caller twice would
 * load with the second entry's ids only: the requests of the first would count as never
 * executed, and a client's retry of one of them would be executed a second time. The existing
 * test covers callers out of order, not a repeated one.
 */
import { describe, expect, it } from 'vitest';
import { ExecutedTable } from '../../src/roles/executedTable.js';

describe('ExecutedTable.fromJson', () => {
  const load = (json: unknown) => () => ExecutedTable.fromJson(json, 3);

  it('refuses the same caller listed twice', () => {
    expect(load({ count: 2, callers: [[1, [[1, 1]], [[1, 1, 'a']]], [1, [[2, 2]], [[2, 2, 'b']]]] })).toThrow(/above the one before/);
  });

  it('refuses caller 0', () => {
    expect(load({ count: 1, callers: [[0, [[1, 1]], [[1, 1, 'a']]]] })).toThrow(/node id/);
  });
});
