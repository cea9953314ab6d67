import { describe, expect, it } from 'vitest';
import { MAX_FAULTS, ScheduleError, parseSchedule, scheduleOf } from '../../src/sim/schedule.js';

describe('FaultSchedule', () => {
  it('round-trips through JSON and validation unchanged', () => {
    const s = scheduleOf({ loss: 0.2, duplicate: 0.1 }, [
      { kind: 'partition', at: 10, heal: 50, groups: [[1, 2], [3]] },
      { kind: 'crash', at: 5, node: 2, restart: 90 },
      { kind: 'killLeader', at: 7, restart: null },
      { kind: 'isolateLeader', at: 8, heal: 30 },
      { kind: 'lossBurst', at: 1, until: 2, loss: 0.5 },
    ]);
    expect(parseSchedule(JSON.parse(JSON.stringify(s)), 3)).toEqual(s);
  });

  it.each([
    [null, /must be an object/],
    [{ network: {}, faults: [] }, /network.delay/],
    [{ ...scheduleOf(), faults: 'x' }, /faults must be an array/],
    [{ ...scheduleOf({ loss: 0.95 }) }, /network.loss must be a number in \[0, 0.9\]/],
    [scheduleOf({}, [{ kind: 'crash', at: 1, node: 4, restart: null }]), /faults\[0\].node must be a node id in 1..3, got 4/],
    [scheduleOf({}, [{ kind: 'partition', at: 9, heal: 3, groups: [[1]] }]), /faults\[0\].heal must be a number in \[9,/],
    [scheduleOf({}, [{ kind: 'partition', at: 1, heal: 3, groups: [[1], [1, 2]] }]), /node 1 is in two groups/],
    [scheduleOf({}, [{ kind: 'meteor', at: 1 } as never]), /kind must be one of/],
    [scheduleOf({}, [{ kind: 'crash', at: -1, node: 1, restart: null }]), /faults\[0\].at/],
    [scheduleOf({ loss: Number.NaN }), /network.loss must be a number in \[0, 0.9\], got null/],
    [scheduleOf({ reorderMs: Number.POSITIVE_INFINITY }), /network.reorderMs must be a number/],
    [{ ...scheduleOf(), network: { ...scheduleOf().network, delay: { minMs: 5, maxMs: 1 } } }, /delay.maxMs must be a number in \[5,/],
    [scheduleOf({}, [{ kind: 'crash', at: 1, node: 0, restart: null }]), /faults\[0\].node must be a node id in 1..3, got 0/],
    [scheduleOf({}, [{ kind: 'crash', at: 9, node: 1, restart: 3 }]), /faults\[0\].restart must be a number in \[9,/],
    [scheduleOf({}, [{ kind: 'killLeader', at: 9, restart: 3 }]), /faults\[0\].restart must be a number in \[9,/],
    [scheduleOf({}, [{ kind: 'partition', at: 1, heal: 3, groups: [] }]), /groups must be a non-empty array/],
    [scheduleOf({}, [{ kind: 'lossBurst', at: 9, until: 3, loss: 0.5 }]), /faults\[0\].until must be a number in \[9,/],
    [scheduleOf({}, [{ kind: 'isolateLeader', at: 9, heal: 3 }]), /faults\[0\].heal must be a number in \[9,/],
  ])('rejects %j with a message naming the field', (input, message) => {
    expect(() => parseSchedule(input, 3)).toThrow(ScheduleError);
    expect(() => parseSchedule(input, 3)).toThrow(message);
  });

  it('takes the bounds themselves and refuses one past: MAX_FAULTS faults, a heal, restart or end at the fault\'s own time, maxMs equal to minMs', () => {
    const faults = (n: number) => scheduleOf({}, Array.from({ length: n }, () => ({ kind: 'killLeader' as const, at: 1, restart: 1 })));
    expect(parseSchedule(faults(MAX_FAULTS), 3).faults).toHaveLength(MAX_FAULTS);
    expect(() => parseSchedule(faults(MAX_FAULTS + 1), 3)).toThrow(new RegExp(`${MAX_FAULTS + 1} faults; at most ${MAX_FAULTS}`));
    const edges = scheduleOf({ delay: { minMs: 4, maxMs: 4 } }, [
      { kind: 'partition', at: 5, heal: 5, groups: [[1]] }, { kind: 'crash', at: 5, node: 3, restart: 5 }, { kind: 'lossBurst', at: 5, until: 5, loss: 0.9 },
    ]);
    expect(parseSchedule(edges, 3)).toEqual(edges);
  });
});
