/**
 * The generated workloads exercise what they claim: kv mixes get, set and compare-and-set
 * (with both a null and a string expectation), bank transfers move money between two different
 * accounts, and in a simulated run those operations succeed (a cas swaps, a transfer moves money).
 */
import { describe, expect, it } from 'vitest';
import { Prng } from '../../src/sim/prng.js';
import { runScenario } from '../../src/sim/scenario.js';
import { scheduleOf } from '../../src/sim/schedule.js';
import { generateWorkload } from '../../src/sim/workload.js';

type Op = { op: string; from?: string; to?: string; expected?: string | null };

function ops(app: 'kv' | 'bank', seed: number): Op[] {
  return generateWorkload(app, { clients: 3, ops: 300 }, 3, Prng.fromSeed(seed)).flatMap((c) => c.inputs.map((i) => JSON.parse(i) as Op));
}

const share = (list: Op[], pred: (o: Op) => boolean): number => list.filter(pred).length / list.length;

describe('generated workloads', () => {
  it('kv: about 30% get, 30% set, 40% cas, and cas expects null as well as a value', () => {
    const list = ops('kv', 1);
    expect(share(list, (o) => o.op === 'get')).toBeGreaterThan(0.2);
    expect(share(list, (o) => o.op === 'set')).toBeGreaterThan(0.2);
    expect(share(list, (o) => o.op === 'cas')).toBeGreaterThan(0.3);
    const cas = list.filter((o) => o.op === 'cas');
    expect(share(cas, (o) => o.expected === null)).toBeGreaterThan(0.1);
    expect(share(cas, (o) => typeof o.expected === 'string')).toBeGreaterThan(0.6);
  });

  it('bank: transfers are most operations, and most of them name two different accounts', () => {
    const list = ops('bank', 1);
    const transfers = list.filter((o) => o.op === 'transfer');
    expect(transfers.length / list.length).toBeGreaterThan(0.5);
    expect(share(transfers, (o) => o.from !== o.to)).toBeGreaterThan(0.6);
    for (const op of ['deposit', 'balance', 'open']) expect(list.some((o) => o.op === op)).toBe(true);
  });

  it('in a simulated run, some cas swap and some do not; some transfers succeed', () => {
    const outputs = (app: 'kv' | 'bank') => runScenario({ seed: 2, nodes: 3, app, workload: { clients: 2, ops: 40 }, schedule: scheduleOf() })
      .result.acks.map((a) => a.output as { ok: boolean; op?: string; swapped?: boolean });
    const kvOut = outputs('kv');
    expect(kvOut.some((o) => o.op === 'cas' && o.swapped === true)).toBe(true);
    expect(kvOut.some((o) => o.op === 'cas' && o.swapped === false)).toBe(true);
    expect(kvOut.some((o) => o.op === 'set' && o.ok)).toBe(true);
    const bankOut = outputs('bank');
    expect(bankOut.filter((o) => o.op === 'transfer' && o.ok).length).toBeGreaterThan(5);
  });
});
