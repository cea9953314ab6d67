/**
 * A Promise larger than Limits.maxPromiseBytes is sent in parts, each a spec message (spec
 * "Promise parts"): every part fits and passes the wire checks, the pvalues are cut in slot
 * order into the fewest parts that fit, and a Promise that fits is sent whole, as before parts.
 * The scout counts an acceptor once it holds every part of its Promise, in any order, and not
 * before; a preempting part ends it at once; parts of another Promise replace those held.
 */
import { describe, expect, it } from 'vitest';
import type { Promise } from '../../src/protocol/messages.js';
import type { PValue } from '../../src/protocol/values.js';
import { checkMessage } from '../../src/protocol/validate.js';
import { promisePartsFrom, splitPromise } from '../../src/protocol/promiseParts.js';
import { toSpecMessage } from '../../src/protocol/projection.js';
import { Acceptor } from '../../src/roles/acceptor.js';
import { Scout } from '../../src/roles/scout.js';
import { ballot, FakeHost, prop, specOf } from './fake-host.js';

const B = ballot(2, 1);
const bytes = (m: Promise): number => Buffer.byteLength(JSON.stringify(m), 'utf8');
const pvalue = (slot: number): PValue => ({ ballot: ballot(1, 3), slot, prop: prop(3, slot, 'x'.repeat(200)) });
/** `count` pvalues, accepted in an order that is not the slot order. */
const pvalues = (count: number): PValue[] => Array.from({ length: count }, (_, i) => pvalue(((i * 7) % count) + 1));

function acceptorHolding(accepted: PValue[], maxPromiseBytes: number) {
  const host = new FakeHost({ self: 2, durable: { aBallot: ballot(1, 3), aAccepted: accepted }, limits: { maxPromiseBytes } });
  const acceptor = new Acceptor(host);
  host.clear();
  acceptor.receive(1, { type: 'Prepare', ballot: B });
  return { host, parts: host.sends('Promise').map((s) => s.message as Promise) };
}

describe('the acceptor sends a Promise over maxPromiseBytes in parts', () => {
  it('each part fits, names its index of the count, is a valid wire message, and all go in one AcceptorReceivePrepare', () => {
    const { host, parts } = acceptorHolding(pvalues(20), 1_500);
    expect(parts.length).toBeGreaterThan(1);
    parts.forEach((p, i) => {
      expect(p).toMatchObject({ acceptor: 2, ballot: B, promised: B, part: i + 1, parts: parts.length });
      expect(bytes(p)).toBeLessThanOrEqual(1_500);
      const checked = checkMessage(JSON.parse(JSON.stringify(p)), [1, 2, 3]);
      expect(checked.ok, JSON.stringify(checked)).toBe(true);
      // A part projects onto the spec's message with its part fields.
      expect(toSpecMessage(p)).toMatchObject({ type: 'Promise', part: i + 1, parts: parts.length });
    });
    expect(host.actions()).toEqual(['AcceptorReceivePrepare']);
    // The spec's segments: the pvalues in slot order, cut in order.
    expect(parts.flatMap((p) => p.accepted.map((pv) => pv.slot))).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it('uses the fewest parts that fit', () => {
    const whole: Promise = { type: 'Promise', acceptor: 2, ballot: B, promised: B, accepted: pvalues(20) };
    const parts = splitPromise(whole, 1_500);
    expect(promisePartsFrom(whole, parts.length - 1).some((p) => bytes(p) > 1_500)).toBe(true);
  });

  it('sends a Promise that fits whole, without part fields (traces stay as before parts)', () => {
    const { parts } = acceptorHolding(pvalues(3), 59_000);
    expect(parts).toHaveLength(1);
    expect(parts[0]).not.toHaveProperty('part');
    expect(parts[0]).not.toHaveProperty('parts');
  });

  it('the wire checks refuse a part without its count, or past it', () => {
    const [first] = promisePartsFrom({ type: 'Promise', acceptor: 2, ballot: B, promised: B, accepted: pvalues(4) }, 2);
    const { parts: _parts, ...noCount } = first!;
    expect(checkMessage(JSON.parse(JSON.stringify(noCount)), [1, 2, 3]).ok).toBe(false);
    expect(checkMessage(JSON.parse(JSON.stringify({ ...first, part: 3 })), [1, 2, 3]).ok).toBe(false);
  });
});

function startedScout() {
  const host = new FakeHost({ self: 1, peers: [1, 2, 3] });
  const scout = new Scout(host, B);
  host.addRole(scout);
  host.clear();
  return { host, scout };
}
const partsOf = (acceptor: number, accepted: PValue[], k: number, promised = B): Promise[] =>
  promisePartsFrom({ type: 'Promise', acceptor, ballot: B, promised, accepted }, k);

describe('the scout counts an acceptor once it holds every part of its Promise', () => {
  it('takes no step on a part that completes nothing, and counts the acceptor with every part\'s pvalues on the last', () => {
    const { host, scout } = startedScout();
    const [p1, p2, p3] = partsOf(2, pvalues(6), 3);
    scout.receive(2, p3!);
    scout.receive(2, p1!);
    expect(host.actions()).toEqual([]);
    expect(specOf(scout).scout?.acks).toEqual([]);
    scout.receive(2, p2!);
    expect(host.actions()).toEqual(['ScoutReceivePromise']);
    expect(specOf(scout).scout?.acks).toEqual([2]);
    expect(specOf(scout).scout?.pvalues.map((pv) => pv.slot).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('adopts with a quorum of whole Promises only, with all their pvalues', () => {
    const { host, scout } = startedScout();
    const [a1, a2] = partsOf(2, [pvalue(1), pvalue(2)], 2);
    const [b1, b2] = partsOf(3, [pvalue(3)], 2);
    scout.receive(2, a1!);
    scout.receive(3, b1!);
    scout.receive(3, b2!);
    expect(host.sends('Adopted')).toEqual([]);
    scout.receive(2, a2!);
    const adopted = host.sends('Adopted')[0]?.message;
    expect(adopted?.type === 'Adopted' && adopted.pvalues.map((pv) => pv.slot).sort()).toEqual([1, 2, 3]);
  });

  it('drops a Promise whose parts, each valid alone, carry two batches for one ballot and slot', () => {
    const { host, scout } = startedScout();
    const [p1, p2] = partsOf(2, [pvalue(1), { ...pvalue(1), prop: prop(3, 9) }], 2);
    for (const p of [p1!, p2!]) expect(checkMessage(JSON.parse(JSON.stringify(p)), [1, 2, 3]).ok).toBe(true);
    scout.receive(2, p1!);
    scout.receive(2, p2!);
    expect(host.actions()).toEqual([]);
    expect(specOf(scout).scout?.acks).toEqual([]);
    expect(host.logs).toEqual([expect.stringContaining("dropped acceptor 2's Promise: a pvalue for slot 1 contradicts")]);
  });

  it('is preempted by one part of a Promise that promised a higher ballot', () => {
    const { host, scout } = startedScout();
    const [first] = partsOf(2, pvalues(4), 2, ballot(3, 2));
    scout.receive(2, first!);
    expect(host.sends('Preempted')).toEqual([{ to: 1, message: { type: 'Preempted', leader: 1, ballot: ballot(3, 2) } }]);
  });

  it('drops the parts it holds for parts of another Promise of that acceptor (another mark)', () => {
    const { host, scout } = startedScout();
    const [old1] = partsOf(2, pvalues(4), 2);
    const [, new2] = promisePartsFrom({ type: 'Promise', acceptor: 2, ballot: B, promised: B, accepted: [pvalue(3), pvalue(4)], mark: 3 }, 2);
    scout.receive(2, old1!);
    scout.receive(2, new2!);
    expect(host.actions()).toEqual([]);
    expect(host.logs.some((l) => l.includes('dropped 1 parts'))).toBe(true);
  });
});
