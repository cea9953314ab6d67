import { describe, expect, it } from 'vitest';
import { ScheduleError, parseSchedule, scheduleOf } from '../../src/sim/schedule.js';

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
  ])('rejects %j with a message naming the field', (input, message) => {
    expect(() => parseSchedule(input, 3)).toThrow(ScheduleError);
    expect(() => parseSchedule(input, 3)).toThrow(message);
  });
});
