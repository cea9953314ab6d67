/**
 * The embedded engine captures an argument that names another parameter of the operator it is
 * passed to (src/modelcheck/tla/argumentCapture.ts). Shown on the engine itself, then the check
 * that refuses such a spec before the engine runs, and every spec of this repository clean.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { argumentCaptures } from '../../src/modelcheck/tla/argumentCapture.js';
import { prepareEmbeddedModule } from '../../src/modelcheck/embedded/engine.js';
import { exploreInit, exploreNext } from '../../src/trace/replay/tlaEngine.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const spec = (call: string) => `---- MODULE M ----
EXTENDS Naturals
VARIABLES b, ok
Lt(a, b) == a < b
Init == b = 7 /\\ ok = TRUE
Next == b' = b /\\ ok' = ${call}
====
`;
const okAfterOneStep = (text: string): unknown => {
  const cfg = 'INIT Init\nNEXT Next\n';
  return (exploreNext(text, cfg, exploreInit(text, cfg)[0]!)[0]!.state as { ok: unknown }).ok;
};

describe('argument capture', () => {
  it('is what the embedded engine does: Lt(b, 9) with b = 7 evaluates to FALSE', () => {
    expect(okAfterOneStep(spec('Lt(b, 9)'))).toBe(false);
    expect(okAfterOneStep(spec('Lt(b + 0, 9)'))).toBe(false);
    expect(okAfterOneStep(spec('LET c == b IN Lt(c, 9)'))).toBe(true);
  });

  it('is found where it happens, and refused before the engine runs', () => {
    const found = argumentCaptures(spec('Lt(b, 9)'));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ line: 6 });
    expect(found[0]!.message).toMatch(/Lt\(b, 9\): its argument "b" mentions b, which is also a parameter of Lt/);
    const prepared = prepareEmbeddedModule(spec('Lt(b, 9)'), () => undefined, { module: 'M' });
    expect(prepared).toMatchObject({ ok: false, parseError: { location: { line: 6, file: 'M.tla' } } });
  });

  it('leaves alone a call whose other argument is that very name, and a name inside a longer one', () => {
    expect(argumentCaptures(spec('Lt(b, b)'))).toEqual([]);
    expect(argumentCaptures(spec('Lt(bb, 9)'))).toEqual([]);
    expect(argumentCaptures(spec("Lt(b', 9)"))).toHaveLength(1);
  });

  it('finds nothing in the specs of this repository', () => {
    const dir = join(ROOT, 'spec');
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.tla'))) {
      expect(argumentCaptures(readFileSync(join(dir, f), 'utf8')), f).toEqual([]);
    }
  });

  it('would have found the bug MultiPaxos.tla had', () => {
    const now = readFileSync(join(ROOT, 'spec', 'MultiPaxos.tla'), 'utf8');
    const old = now.replace(/AcceptorStepMonotone\(n, p,/, 'AcceptorStepMonotone(n, b,').replace('~Less(p, aBallot[n])', '~Less(b, aBallot[n])');
    expect(old).not.toBe(now);
    const found = argumentCaptures(old);
    expect(found.map((e) => e.message.slice(0, 20))).toEqual(['Less(b, aBallot[n]):']);
  });
});
