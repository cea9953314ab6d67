/**
 * A node fed messages its peers' schemas admit, with values no test chose: ballots and slots
 * anywhere in their ranges, batches, part fields, marks, replies to questions never asked. Its
 * inputs obey the schemas and the rules of src/protocol/validate.ts only, not the protocol's
 * history (a Decision for a slot nobody proposed, a Promise for a ballot nobody ran), so what
 * is checked is the boundary's promise: the node never throws on what the network hands it,
 * every durable record it asks for can be written (checked, and framed under MAX_RECORD_BYTES),
 * every envelope it sends is one its peers take (but for the ballots and slots a peer pushed to
 * the bound), and it boots again from what it wrote. Some inputs are aimed at what the node
 * itself asked: yes-votes to its first ballot with pvalues from a small pool, and Welcomes in
 * parts, delivered in any order, one slot sometimes decided again in another part (each of
 * these crashed a node once, and each is found again within the default runs when its check is
 * removed). The messages a correct cluster sends are the simulator's business.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Node } from '../../src/node/node.js';
import { MAX_BALLOT_NUM, MAX_CLOCK, MAX_SLOT } from '../../src/protocol/limits.js';
import { checkEnvelope, checkMessage } from '../../src/protocol/validate.js';
import { encodeFrame } from '../../src/storage/frame.js';
import { MemoryDurableLog } from '../../src/storage/memoryLog.js';
import { checkRecord, encodeRecord } from '../../src/storage/record.js';
import type { DurableRecord } from '../../src/storage/types.js';
import { ExecutedTable } from '../../src/roles/executedTable.js';
import { appSnapshotsOf, checkpointTransfer } from '../../src/roles/replicaImage.js';
import type { Welcome } from '../../src/protocol/messages.js';
import { partsOf } from '../../src/protocol/welcomeParts.js';
import { kv, toNodeStateMachine } from '../../src/statemachines/index.js';

const PEERS = [1, 2, 3];
/** An application with snapshots, so the node checkpoints and a restart restores one. */
const KV = toNodeStateMachine(kv);
const EMPTY_IMAGE = checkpointTransfer(appSnapshotsOf(KV)!, KV.initial(), new ExecutedTable(1));
const MAX = Number.MAX_SAFE_INTEGER;
const nodeId = fc.constantFrom(1, 2, 3);
/** Mostly small (the protocol's neighbourhood), sometimes at the ends of the schema's range. */
const num = (min: number, ...ends: number[]) => fc.oneof({ weight: 8, arbitrary: fc.integer({ min, max: min + 6 }) }, { weight: 1, arbitrary: fc.constantFrom(MAX, MAX - 1, ...ends) });
// Ballots from a first ballot (num 0, as each node starts with) to the most a node takes from a
// peer, and one over (refused).
const ballot = fc.record({ num: num(0, MAX_BALLOT_NUM, MAX_BALLOT_NUM - 1, MAX_BALLOT_NUM + 1), leader: nodeId });
const promised = fc.oneof({ weight: 4, arbitrary: ballot }, { weight: 1, arbitrary: fc.constant({ num: 0, leader: 0 }) });
// Slots also at the most a node takes from a peer, and one over (refused).
const slot = num(1, MAX_SLOT, MAX_SLOT - 1, MAX_SLOT + 1);
// kv commands, and text it refuses (an error output, not a failure of the node).
const input = fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('{"op":"put","key":"k","value":"v"}', '{"op":"get","key":"k"}', '{"op":"cas","key":"k","expected":"v","value":"w"}'));
const request = fc.record({ caller: nodeId, clientId: num(1), input });
const NOOP = { caller: 0, clientId: 0, input: 'noop' };
const batch = fc.uniqueArray(request, { minLength: 2, maxLength: 4, selector: (r) => `${r.caller}:${r.clientId}:${r.input}` }).map((b) => ({ batch: b }));
const prop = fc.oneof({ weight: 4, arbitrary: request }, { weight: 1, arbitrary: fc.constant(NOOP) }, { weight: 2, arbitrary: batch });
const pvalue = fc.record({ ballot, slot, prop });
const FIRST_BALLOT = { num: 0, leader: 1 };
const mark = fc.option(fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 2, max: 6 }) }, { weight: 1, arbitrary: fc.constantFrom(MAX_SLOT, MAX_SLOT + 1) }), { nil: undefined });
const parts = fc.option(fc.integer({ min: 1, max: 3 }).chain((n) => fc.record({ part: fc.integer({ min: 1, max: n }), parts: fc.constant(n) })), { nil: undefined });
const omitUndefined = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

const message: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  fc.record({ type: fc.constant('Prepare'), ballot }),
  fc.record({ type: fc.constant('Promise'), acceptor: nodeId, ballot, promised, accepted: fc.array(pvalue, { maxLength: 4 }), mark, p: parts })
    .map(({ p, ...m }) => omitUndefined({ ...m, ...p })),
  // A yes to node 1's first ballot (what its scout runs after an invoke), its pvalues from a small
  // pool, so that two of one ballot and slot with different batches come up (a crash once).
  fc.record({ type: fc.constant('Promise'), acceptor: fc.constantFrom(2, 3), ballot: fc.constant(FIRST_BALLOT), promised: fc.constant(FIRST_BALLOT),
    accepted: fc.array(fc.record({ ballot: fc.constant({ num: 0, leader: 2 }), slot: fc.constantFrom(1, 2), prop: fc.constantFrom(NOOP, { caller: 2, clientId: 1, input: 'a' }) }), { maxLength: 3 }) }),
  fc.record({ type: fc.constant('Accept'), ballot, slot, prop }),
  fc.record({ type: fc.constant('Accepted'), acceptor: nodeId, ballot, slot, promised }),
  fc.record({ type: fc.constant('Propose'), slot, prop }),
  // Decisions mostly for the first slots, so that the replica executes, checkpoints and is restored.
  { weight: 4, arbitrary: fc.record({ type: fc.constant('Decision'), slot: fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 1, max: 5 }) }, { weight: 1, arbitrary: slot }), prop }) },
  fc.record({ type: fc.constant('Invoked'), replica: nodeId, prop: request, index: num(1) }),
  fc.record({ type: fc.constant('Join'), node: nodeId }),
  fc.record({ type: fc.constant('Active'), ballot }),
  fc.record({ type: fc.constant('Active'), ballot, slot }),
  fc.record({ type: fc.constant('CatchUp'), replica: nodeId, slot }),
  fc.record({
    type: fc.constant('Welcome'), node: nodeId, slot,
    decisions: fc.uniqueArray(fc.record({ slot, prop }), { maxLength: 3, selector: (d) => d.slot }),
    executed: fc.array(request, { maxLength: 3 }),
  }).chain((w) => fc.record({ app: fc.oneof(fc.integer(), fc.jsonValue()), outputs: fc.array(fc.jsonValue(), { minLength: w.executed.length, maxLength: w.executed.length }) })
    .map((state) => ({ ...w, state }))),
  // A Welcome a checkpointing node installs: an image of the empty application, at any slot.
  { weight: 2, arbitrary: fc.record({
    type: fc.constant('Welcome'), node: fc.constant(1), slot,
    decisions: fc.uniqueArray(fc.record({ slot, prop }), { maxLength: 3, selector: (d) => d.slot }),
    executed: fc.constant([]), state: fc.constant({ app: EMPTY_IMAGE, outputs: [] }),
  }) },
);

/**
 * The message with every decision it carries made to agree with the run's earlier ones: a slot
 * decided two ways is what Paxos rules out, and a node that sees it stops on its Agreement
 * assertion, as it should (the last case below).
 */
function agreeing(m: Record<string, unknown>, chosen: Map<number, unknown>): Record<string, unknown> {
  const agree = (d: { slot: number; prop: unknown }) => {
    if (!chosen.has(d.slot)) chosen.set(d.slot, d.prop);
    return { ...d, prop: chosen.get(d.slot) };
  };
  if (m.type === 'Decision') return agree(m as unknown as { slot: number; prop: unknown }) as unknown as Record<string, unknown>;
  if (m.type === 'Welcome') return { ...m, decisions: (m.decisions as Array<{ slot: number; prop: unknown }>).map(agree) };
  return m;
}

/**
 * A Welcome of the empty application sent in `k` parts, delivered in `order`; with `repeat`, one
 * of its slots is decided again in another part (each part still valid alone), as `repeat.prop`.
 */
interface WelcomePartsStep { kind: 'welcomeParts'; slot: number; decisions: { slot: number; prop: unknown }[]; k: number; order: number[]; repeat?: { at: number; prop: unknown } }

/** One step of the run: a message from a peer, a due timer, a client request at node 1, or its crash and restart. */
type Step = { kind: 'message'; from: number; clock?: number; message: Record<string, unknown> } | { kind: 'timers' } | { kind: 'invoke' } | { kind: 'restart' } | WelcomePartsStep;
const welcomeParts: fc.Arbitrary<WelcomePartsStep> = fc.record({
  slot: fc.integer({ min: 1, max: 6 }),
  decisions: fc.uniqueArray(fc.record({ slot: fc.integer({ min: 1, max: 6 }), prop }), { minLength: 1, maxLength: 4, selector: (d) => d.slot }),
  k: fc.integer({ min: 2, max: 3 }),
  repeat: fc.option(fc.record({ at: fc.nat(), prop }), { nil: undefined }),
}).chain((w) => fc.shuffledSubarray([0, 1, 2].slice(0, w.k), { minLength: w.k, maxLength: w.k })
  .map((order) => omitUndefined({ kind: 'welcomeParts', ...w, order }) as unknown as WelcomePartsStep));

/** The step's parts, decisions sorted by slot and agreeing with the run's, the repeat (disagreeing, if drawn so) added last. */
function welcomePartsOf(w: WelcomePartsStep, chosen: Map<number, unknown>): Record<string, unknown>[] {
  // Through JSON first, as the wire hands values over (fast-check's objects have no prototype).
  const json = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;
  const decisions = json(w.decisions).sort((a, b) => a.slot - b.slot);
  const whole = agreeing({ type: 'Welcome', node: 1, slot: w.slot, decisions, executed: [], state: { app: EMPTY_IMAGE, outputs: [] } }, chosen);
  const parts = partsOf(whole as unknown as Welcome, w.k).map((p) => ({ ...p, decisions: [...p.decisions] }));
  if (w.repeat !== undefined) {
    const holder = parts.findIndex((p) => p.decisions.length > 0);
    const d = parts[holder]!.decisions[w.repeat.at % parts[holder]!.decisions.length]!;
    const other = parts[(holder + 1) % w.k]!;
    other.decisions = [...other.decisions, { slot: d.slot, prop: json(w.repeat.prop) as Welcome['decisions'][number]['prop'] }].sort((a, b) => a.slot - b.slot);
  }
  return w.order.map((i) => JSON.parse(JSON.stringify(parts[i])) as Record<string, unknown>);
}
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('restart' as const) }) },
  // Through JSON, as the wire hands it over (fast-check builds objects without a prototype).
  // Lamport clocks also at the most a node follows, and over it (taken, followed only to there).
  { weight: 10, arbitrary: fc.record({ kind: fc.constant('message' as const), from: fc.constantFrom(2, 3), clock: num(0, MAX_CLOCK, MAX_CLOCK + 1), message: message.map((m) => JSON.parse(JSON.stringify(m)) as Record<string, unknown>) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('timers' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('invoke' as const) }) },
  { weight: 1, arbitrary: welcomeParts },
);

/**
 * Runs the steps against node 1 and checks every durable record it asks for; returns them.
 * Its records go to a memory log (which checks each one, as a file log does), and a restart
 * boots the node again from what the log holds.
 */
function runSteps(steps: readonly Step[], seen = { admitted: 0, offered: 0 }): DurableRecord[] {
  const log = new MemoryDurableLog(1);
  const boot = (startAs: 'member' | 'join') => new Node(1, PEERS, { durable: log.load(), log: () => {} }, { stateMachine: KV, startAs, checkpointEvery: 1 });
  let node = boot('member');
  let timers: Array<{ name: string; key?: string }> = [];
  let clientId = 0;
  const chosen = new Map<number, unknown>();
  const records: DurableRecord[] = [];
  const absorb = (out: ReturnType<Node['receive']>): void => {
    for (const r of out.durable) {
      const checked = checkRecord(r);
      expect(checked.ok, checked.ok ? '' : checked.reason).toBe(true);
      if (r.kind !== 'snapshot') expect(() => encodeFrame(encodeRecord(r))).not.toThrow();
    }
    records.push(...out.durable);
    // What it sends, its peers take, but for a ballot or slot past the bound a peer pushed it
    // to (a liveness loss a faulty peer can cause anyway: Paxos does not survive a lying peer);
    // so every number it computed is a safe integer, and its clock goes on.
    for (const e of out.messages) {
      if (e.to === 1) continue;
      const taken = checkEnvelope(JSON.parse(JSON.stringify(e)), e.to, PEERS);
      if (!taken.ok) expect(taken.reason).toMatch(/ is over \d+, the most a node takes from a peer/);
    }
    log.append(out.durable);
    void log.sync();
    timers.push(...out.timers.map((t) => ({ name: t.name, ...(t.key === undefined ? {} : { key: t.key }) })));
  };
  absorb(node.start());
  for (const s of steps) {
    if (s.kind === 'restart') {
      timers = [];
      node = boot('join');
      absorb(node.start());
    } else if (s.kind === 'timers') {
      const due = timers;
      timers = [];
      for (const t of due) absorb(node.fireTimer(t.name, t.key));
    } else if (s.kind === 'welcomeParts') {
      for (const m of welcomePartsOf(s, chosen)) {
        seen.offered++;
        if (checkMessage(m, PEERS).ok) seen.admitted++;
        absorb(node.receive({ from: 2, to: 1, clock: 1, message: m }));
      }
    } else if (s.kind === 'invoke') {
      absorb(node.invoke(++clientId, `in ${clientId}`));
    } else {
      const m = agreeing(s.message, chosen);
      seen.offered++;
      if (checkMessage(m, PEERS).ok) seen.admitted++;
      absorb(node.receive({ from: s.from, to: 1, clock: s.clock ?? 1, message: m }));
    }
  }
  return records;
}

const fromPeer = (message: Record<string, unknown>): Step => ({ kind: 'message', from: 2, message });
/** A Welcome of the empty application at `slot`, deciding `slot` with a no-op. */
const welcomeAt = (slot: number): Step => fromPeer({ type: 'Welcome', node: 1, slot, decisions: [{ slot, prop: NOOP }], executed: [], state: { app: EMPTY_IMAGE, outputs: [] } });

describe('a node fed schema-valid messages with values no test chose', () => {
  it('never throws, every durable record it asks for can be written, and it restarts from them', () => {
    const seen = { admitted: 0, offered: 0 };
    fc.assert(fc.property(fc.array(step, { minLength: 1, maxLength: 80, size: 'max' }), (steps) => {
      runSteps(steps, seen);
    }), { numRuns: Number(process.env.WIRE_FUZZ_RUNS ?? 300) });
    // The generator must mostly produce what the boundary admits, or this tests only refusals.
    expect(seen.admitted / seen.offered).toBeGreaterThan(0.6);
  });

  // What it found, shrunk, with their twins at the bound.
  it('takes a Welcome at MAX_SLOT and snapshots past it with a safe slot; refuses one over it (its snapshot record was 2^53)', () => {
    expect(runSteps([welcomeAt(MAX_SLOT), { kind: 'timers' }])).toContainEqual(expect.objectContaining({ kind: 'snapshot', slot: MAX_SLOT + 1 }));
    const past = (records: DurableRecord[]) => records.some((r) => r.kind === 'snapshot' && r.slot > MAX_SLOT);
    expect(past(runSteps([welcomeAt(MAX_SLOT + 1), { kind: 'timers' }]))).toBe(false);
    expect(past(runSteps([welcomeAt(Number.MAX_SAFE_INTEGER), fromPeer({ type: 'Decision', slot: 1, prop: NOOP })]))).toBe(false);
  });

  it('follows a peer\'s clock only up to MAX_CLOCK, so that its peers take what it sends after (a clock of 2^53 - 1 cut it off)', () => {
    const accept = { type: 'Accept', ballot: { num: 1, leader: 2 }, slot: 1, prop: NOOP };
    // runSteps checks that its peers take every envelope it sends.
    runSteps([{ kind: 'message', from: 2, clock: Number.MAX_SAFE_INTEGER, message: accept }, { kind: 'invoke' }, { kind: 'timers' }]);
    const node = new Node(1, PEERS, { durable: undefined, log: () => {} }, { stateMachine: KV });
    node.start();
    const out = node.receive({ from: 2, to: 1, clock: MAX_CLOCK - 1, message: accept });
    expect(out.messages.map((e) => e.clock)).toEqual([MAX_CLOCK]);
    // Over it: the node's own clock goes on from where it was, one step per event.
    const after = node.receive({ from: 2, to: 1, clock: Number.MAX_SAFE_INTEGER, message: { ...accept, slot: 2 } }).messages.map((e) => e.clock);
    expect(after).toHaveLength(1);
    expect(after[0]).toBeGreaterThan(MAX_CLOCK);
    expect(after[0]).toBeLessThan(MAX_CLOCK + 4);
  });

  it('stops on its Agreement assertion when told a slot was decided two ways (what Paxos rules out)', () => {
    const node = new Node(1, PEERS, { durable: undefined, log: () => {} }, { stateMachine: KV });
    node.start();
    const decision = (input: string) => ({ from: 2, to: 1, clock: 1, message: { type: 'Decision', slot: 3, prop: { caller: 2, clientId: 1, input } } });
    node.receive(decision('a'));
    expect(() => node.receive(decision('a'))).not.toThrow();
    expect(() => node.receive(decision('b'))).toThrow(/\(Agreement\) slot 3 decided as/);
  });

  it('drops a Promise whose pvalue contradicts one of the same ballot another acceptor reported (its leader stopped on an assertion)', () => {
    const logs: string[] = [];
    const node = new Node(1, [1, 2, 3, 4, 5], { durable: undefined, log: (l) => logs.push(l) }, { stateMachine: KV });
    node.start();
    expect(node.invoke(1, 'x').messages.map((e) => e.message)).toContainEqual({ type: 'Prepare', ballot: FIRST_BALLOT });
    const promise = (acceptor: number, input: string) => ({ from: acceptor, to: 1, clock: 1,
      message: { type: 'Promise', acceptor, ballot: FIRST_BALLOT, promised: FIRST_BALLOT, accepted: [{ ballot: { num: 0, leader: 2 }, slot: 1, prop: { caller: 2, clientId: 1, input } }] } });
    node.receive(promise(2, 'a'));
    expect(() => node.receive(promise(3, 'b'))).not.toThrow();
    expect(logs).toContainEqual(expect.stringContaining("dropped acceptor 3's Promise"));
    // The next yes makes the quorum (with its own acceptor's), and the leader drives what 2 reported.
    const accepts = node.receive(promise(4, 'a')).messages.filter((e) => e.message.type === 'Accept').map((e) => e.message);
    expect(accepts).toContainEqual({ type: 'Accept', ballot: FIRST_BALLOT, slot: 1, prop: { caller: 2, clientId: 1, input: 'a' } });
  });

  it('refuses a Prepare over MAX_BALLOT_NUM (its leader moved to ballot 2^53, which its log refused)', () => {
    const steps: Step[] = [fromPeer({ type: 'Prepare', ballot: { num: Number.MAX_SAFE_INTEGER, leader: 1 } }), fromPeer({ type: 'Propose', slot: 1, prop: { caller: 1, clientId: 1, input: '' } }), { kind: 'timers' }, { kind: 'timers' }];
    expect(runSteps(steps).every((r) => r.kind !== 'promise' || r.ballot.num <= MAX_BALLOT_NUM + 1)).toBe(true);
  });
});
