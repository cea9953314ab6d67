/**
 * The schemas refuse malformed lines, not only unknown fields (closedSchemas.test.ts): a
 * required field left out, a wrong type, a number out of range, and the pairs of fields the
 * format says never come together. Each case breaks one thing in a real event (or ending
 * line) that passes; the schema must refuse it, pointing at or above what was broken. A line
 * that got through would reach the replay, which reads such fields without checking them
 * (an event without `sent` crashed it).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadTraceSchemas } from '../../../src/trace/format/schemas.js';
import { upgradeEvent } from '../../../src/trace/format/versions.js';

// Events edited in place: any field may be reached and changed.
type Json = Record<string, any>;

const EXAMPLES = new URL('../../../traces/examples/', import.meta.url).pathname;
// normal.ndjson is a version 2 trace: read as the checker reads it.
const events = readFileSync(`${EXAMPLES}normal.ndjson`, 'utf8').trim().split('\n').slice(1)
  .map((l) => (upgradeEvent(JSON.parse(l)) as { value: Json }).value);
const first = (action: string, where: (e: Json) => boolean = () => true): Json => {
  const e = events.find((x) => x.action === action && where(x));
  if (e === undefined) throw new Error(`normal.ndjson has no ${action}`);
  return structuredClone(e);
};
/** The event as a compact one: `delta` in place of `state`. */
const compact = (e: Json, delta: Json): Json => {
  const { state: _state, ...rest } = e;
  void _state;
  return { ...rest, delta };
};

const schemas = loadTraceSchemas();

describe('the event schema refuses malformed events', () => {
  const cases: [string, () => Json, string][] = [
    ['an event without sent', () => { const e = first('AcceptorReceivePrepare'); delete e.sent; return e; }, ''],
    ['an event without sent (it sent nothing)', () => { const e = first('Stutter'); delete e.sent; return e; }, ''],
    ['a ballot number that is not an integer', () => { const e = first('AcceptorReceivePrepare'); e.state.aBallot.num = 1.5; return e; }, '/state/aBallot/num'],
    ['a sent ballot number that is not an integer', () => {
      const e = first('LeaderSpawnScout'); e.sent[0].ballot.num = 0.5; return e;
    }, '/sent/0'],
    ['seq 0', () => { const e = first('Stutter'); e.seq = 0; return e; }, '/seq'],
    ['a negative client id', () => { const e = first('RequesterInvoke'); e.params.proposal.clientId = -1; return e; }, '/params/proposal'],
    ['node 0', () => { const e = first('Stutter'); e.node = 0; return e; }, '/node'],
    // rExecuted's delta: reset or truncate, never both (which would win is not said).
    ['a delta that both resets and truncates rExecuted', () => compact(first('Stutter'), { rExecuted: { reset: [], truncate: 0 } }), '/delta/rExecuted'],
    ['a delta adding to a set nothing', () => compact(first('Stutter'), { rRequests: { add: [] } }), '/delta/rRequests'],
    // One request's output, or a batch's outputs, never both: the client checks read one.
    ['a ReplicaExecute with output and outputs', () => {
      const e = first('ReplicaExecute', (x) => x.params.output !== undefined); e.params.outputs = [e.params.output]; return e;
    }, '/params'],
  ];

  it('the events broken below pass as they are', () => {
    for (const action of ['AcceptorReceivePrepare', 'Stutter', 'LeaderSpawnScout', 'RequesterInvoke']) expect(schemas.event(first(action)), action).toBeNull();
    expect(schemas.event(compact(first('Stutter'), { rExecuted: { truncate: 0 } }))).toBeNull();
    expect(schemas.event(first('ReplicaExecute', (x) => x.params.output !== undefined))).toBeNull();
  });

  it.each(cases)('%s', (_name, make, pointer) => {
    const problem = schemas.event(make());
    expect(problem).not.toBeNull();
    expect(problem!.pointer.startsWith(pointer), `reported at ${problem!.pointer}`).toBe(true);
  });
});

describe('the ending schema refuses malformed ending lines', () => {
  const ok = { kind: 'crash', node: 2, seq: 4, clock: 9, at: 1, note: 'found dead' };
  it('a well-formed line passes', () => {
    expect(schemas.ending(ok)).toBeNull();
  });
  // Its seq and clock place it in the merge after its incarnation's last event: both required.
  it.each([
    ['without clock', (() => { const { clock: _c, ...rest } = ok; void _c; return rest; })()],
    ['without seq', (() => { const { seq: _s, ...rest } = ok; void _s; return rest; })()],
    ['without node', (() => { const { node: _n, ...rest } = ok; void _n; return rest; })()],
    ['with a negative clock', { ...ok, clock: -1 }],
    ['with node 0', { ...ok, node: 0 }],
    ['with a kind that is neither end nor crash', { ...ok, kind: 'stop' }],
  ] as const)('a line %s', (_name, line) => {
    expect(schemas.ending(line)).not.toBeNull();
  });
});
