/**
 * A Welcome in parts (src/protocol/welcomeParts.ts): split exactly when it does not fit, and
 * put back together only from a state text that is a Welcome's state. The parts come from
 * the network, so a text that is JSON but not { app, outputs } is refused with a reason, not
 * installed (a replica would then read outputs that are not there).
 */
import { describe, expect, it } from 'vitest';
import type { Welcome } from '../../src/protocol/messages.js';
import { utf8Length } from '../../src/protocol/fewestParts.js';
import { assembleWelcome, splitWelcome } from '../../src/protocol/welcomeParts.js';

const req = (clientId: number) => ({ caller: 2, clientId, input: `request ${clientId}` });
const WHOLE: Welcome = {
  type: 'Welcome', node: 3, slot: 41,
  decisions: Array.from({ length: 10 }, (_, i) => ({ slot: 31 + i, prop: req(100 + i) })),
  executed: Array.from({ length: 30 }, (_, i) => req(i + 1)),
  state: { app: { counter: 30, note: 'é'.repeat(200) }, outputs: Array.from({ length: 30 }, (_, i) => JSON.stringify(i)) },
};
const SIZE = utf8Length(JSON.stringify(WHOLE));

describe('splitting a Welcome', () => {
  it('sends it whole when it fits to the byte, in parts that each fit when it is one byte over', () => {
    expect(splitWelcome(WHOLE, SIZE)).toEqual([WHOLE]);
    const parts = splitWelcome(WHOLE, SIZE - 1);
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(utf8Length(JSON.stringify(p))).toBeLessThanOrEqual(SIZE - 1);
    expect(assembleWelcome(parts)).toEqual(WHOLE);
  });
});

describe('assembling a Welcome from parts', () => {
  const partsWithText = (text: string): Welcome[] => {
    const parts = splitWelcome(WHOLE, Math.ceil(SIZE / 3));
    const cut = Math.ceil(text.length / parts.length);
    return parts.map((p, i) => ({ ...p, state: { app: text.slice(i * cut, (i + 1) * cut), outputs: [] } }));
  };

  it.each([
    ['JSON without outputs', '{"app":{"counter":30}}', /is not \{ app, outputs \}/],
    ['JSON whose outputs are not a list', '{"app":{"counter":30},"outputs":{"0":"0"}}', /is not \{ app, outputs \}/],
    ['JSON without the application state', '{"outputs":[]}', /is not \{ app, outputs \}/],
    ['JSON that is not an object', '[1,2,3]', /is not \{ app, outputs \}/],
    ['null', 'null', /is not \{ app, outputs \}/],
    ['not JSON', '{"app":', /is not JSON/],
  ])('refuses a state text that is %s', (_what, text, reason) => {
    expect(() => assembleWelcome(partsWithText(text))).toThrow(reason);
  });

  it('refuses parts that each hold a slot another part holds', () => {
    const parts = splitWelcome(WHOLE, Math.ceil(SIZE / 3));
    expect(parts.length).toBeGreaterThan(1);
    const last = parts.length - 1;
    const repeated = parts.map((p, i) => (i === last ? { ...p, decisions: [...p.decisions, { ...parts[0]!.decisions[0]!, prop: req(999) }] } : p));
    expect(() => assembleWelcome(repeated)).toThrow(`decisions: two decisions for slot ${parts[0]!.decisions[0]!.slot} (in different parts)`);
  });

  it('takes the same parts with a Welcome state text (the refusals are the text, not the parts)', () => {
    const w = assembleWelcome(partsWithText(JSON.stringify({ app: { counter: 1 }, outputs: ['"a"'] })));
    expect(w.state).toEqual({ app: { counter: 1 }, outputs: ['"a"'] });
  });
});
