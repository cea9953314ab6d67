/**
 * The parts of one Promise share its mark (spec "Promise parts": PromisePartsOf matches the
 * acceptor, ballot, promised ballot, mark and part count). An acceptor that answers one Prepare
 * before and after AcceptorCompact sends two Promises in 2 parts each that differ only in their
 * mark (and the pvalues the compaction dropped); a scout that counts a part of the later one
 * with the other part of the earlier one counts pvalues the acceptor no longer holds. The
 * checker rejects that step.
 */
import { describe, expect, it } from 'vitest';
import { formatVerdict } from '../../../src/trace/replay/check.js';
import { sortedSet } from '../../../src/trace/format/canonical.js';
import { promiseAssemblies } from '../../../src/trace/spec/promiseParts.js';
import type { FullTraceEvent, PValue, SpecMessage } from '../../../src/trace/format/types.js';
import { ScriptedTrace } from '../batch/scriptedTrace.js';
import { traceFiles } from '../traceFiles.js';

type PromiseMessage = Extract<SpecMessage, { type: 'Promise' }>;
const { textOf, write, check } = traceFiles('promise-parts-mark-');
const set = (key: string, value: string): string => JSON.stringify({ op: 'set', key, value });
const isPromise = (m: SpecMessage): m is PromiseMessage => m.type === 'Promise';

/**
 * Leader 1 is elected (every Promise in 2 parts) and decides slots 1 and 2 on acceptors 1 and 2.
 * Leader 2 spawns a scout; acceptor 1 answers its Prepare (mark 1: pvalues of slots 1 and 2, one
 * per part), executes slot 1, snapshots, compacts (mark 2: slot 1's pvalue goes), and answers
 * the same Prepare again (mark 2: part 1 empty, part 2 slot 2's pvalue). Leader 2's scout then
 * receives part 2 of the mark-2 Promise.
 */
function run(): { events: FullTraceEvent[]; header: ScriptedTrace['header']; before: PromiseMessage[]; after: PromiseMessage[] } {
  const t = new ScriptedTrace({ N: 3, Window: 2, PromiseParts: [2], CheckpointNodes: [1, 2, 3] });
  const r1 = t.invoke(1, 1, set('a', '1'));
  const r2 = t.invoke(1, 2, set('b', '2'));
  for (const r of [r1, r2]) t.receive('ReplicaReceiveInvoke', 1, 'Invoke', (m) => m.type === 'Invoke' && m.prop.clientId === r.clientId);
  t.propose(1, r1);
  t.propose(1, r2);
  t.act('LeaderSpawnScout', 1);
  for (const a of [1, 2]) t.receive('AcceptorReceivePrepare', a, 'Prepare', (m) => m.type === 'Prepare' && m.ballot.leader === 1);
  for (const a of [1, 2]) t.receive('ScoutReceivePromise', 1, 'Promise', (m) => isPromise(m) && m.acceptor === a && m.part === 1);
  t.receive('LeaderReceiveAdopted', 1, 'Adopted', (m) => m.type === 'Adopted' && m.ballot.leader === 1);
  t.decide(1, 1, [1, 2]);
  t.decide(1, 2, [1, 2]);
  t.act('LeaderSpawnScout', 2);
  const prepare2 = (m: SpecMessage): boolean => m.type === 'Prepare' && m.ballot.leader === 2;
  t.receive('AcceptorReceivePrepare', 1, 'Prepare', prepare2);
  const before = t.events[t.events.length - 1]!.sent.filter(isPromise);
  t.learn(1, 1);
  t.act('ReplicaExecute', 1);
  t.act('ReplicaSnapshot', 1);
  t.act('AcceptorCompact', 1);
  t.receive('AcceptorReceivePrepare', 1, 'Prepare', prepare2);
  const after = t.events[t.events.length - 1]!.sent.filter(isPromise);
  // The scout's step, written here rather than drawn from the fast spec (whose assemblies are
  // what is under test): it counts acceptor 1 from the mark-2 Promise, slot 2's pvalue only.
  const spawned = t.events.filter((e) => e.node === 2).at(-1)!;
  const m = after.find((x) => x.part === 2)!;
  const events: FullTraceEvent[] = [...t.events, {
    node: 2, seq: spawned.seq + 1, clock: t.events.at(-1)!.clock + 1, role: 'Scout', action: 'ScoutReceivePromise',
    params: { message: m }, sent: [],
    state: { ...spawned.state, scout: { ballot: m.ballot, acks: [1], pvalues: [...m.accepted], mark: 2 } },
  }];
  return { events, header: t.header, before, after };
}

describe('Promise parts of one Prepare answered before and after AcceptorCompact', () => {
  const { events, header, before, after } = run();
  const last = events.length - 1;
  const pv = (slot: number): PValue => before.flatMap((m) => m.accepted).find((p) => p.slot === slot)!;

  it('are two Promises in 2 parts that differ in their mark, and the run passes', () => {
    expect(before.map((m) => [m.part, m.mark ?? 1, m.accepted.map((p) => p.slot)])).toEqual([[1, 1, [1]], [2, 1, [2]]]);
    expect(after.map((m) => [m.part, m.mark ?? 1, m.accepted.map((p) => p.slot)])).toEqual([[1, 2, []], [2, 2, [2]]]);
    // The scout counted part 2 of the mark-2 Promise with its own part 1: slot 2's pvalue only.
    expect(events[last]!.action).toBe('ScoutReceivePromise');
    expect(events[last]!.state.scout).toMatchObject({ acks: [1], mark: 2, pvalues: [pv(2)] });
    const v = check(write('run.ndjson', textOf(header, events)));
    expect(v.ok, formatVerdict(v)).toBe(true);
  });

  it('part 2 of the mark-2 Promise assembles with part 1 of the same mark only', () => {
    const m = after.find((x) => x.part === 2)!;
    expect(promiseAssemblies(m, [...before, ...after])).toEqual([[after.find((x) => x.part === 1)!, m]]);
    // Without the mark-2 part 1 it has no assembly: the mark-1 part 1 is of another Promise.
    expect(promiseAssemblies(m, [...before, m])).toEqual([]);
  });

  it('a scout that counts part 2 of the mark-2 Promise with part 1 of the mark-1 Promise is rejected at that step', () => {
    // Part 1 of the mark-1 Promise carries slot 1's pvalue, which the acceptor compacted.
    const edited = structuredClone(events);
    edited[last]!.state.scout!.pvalues = sortedSet([pv(1), pv(2)]);
    const v = check(write('mixed-marks.ndjson', textOf(header, edited)));
    expect(v.ok).toBe(false);
    expect(v.failure, formatVerdict(v)).toMatchObject({ kind: 'spec', action: 'ScoutReceivePromise', line: last + 2 });
  });
});
