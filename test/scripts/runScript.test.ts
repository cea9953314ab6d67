/**
 * scripts/commandLine.ts's runScript, in-process: an OptionError is a refusal (one line and the
 * usage, exit 2), and anything else a script's main throws is a bug that propagates with its
 * stack, not a usage line that hides it behind exit 2. And wholeNumber, the benches' reader of
 * counts: digits only, as the paxos commands read them.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { OptionError, runScript, wholeNumber } from '../../scripts/commandLine.js';

class Exit extends Error {
  constructor(readonly code: number | undefined) { super(`exit ${code}`); }
}

afterEach(() => { vi.restoreAllMocks(); });

function trapExit(): { errors: string[] } {
  const errors: string[] = [];
  vi.spyOn(process, 'exit').mockImplementation((code?: string | number | null) => { throw new Exit(code === null ? undefined : Number(code)); });
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => { errors.push(a.join(' ')); });
  return { errors };
}

describe('runScript', () => {
  it('gives back what main returns', async () => {
    trapExit();
    expect(await runScript('bench:x', 'usage: x', () => 7)).toBe(7);
  });

  it('refuses an OptionError with the script name, the message and the usage, exit 2', async () => {
    const { errors } = trapExit();
    await expect(runScript('bench:x', 'usage: x [--n N]', () => { throw new OptionError('--n must be positive, got 0'); })).rejects.toEqual(new Exit(2));
    expect(errors).toEqual(['bench:x: --n must be positive, got 0\nusage: x [--n N]']);
  });

  it('lets any other error through as it is: no usage line, no exit', async () => {
    const { errors } = trapExit();
    const bug = new TypeError('cannot read properties of undefined');
    await expect(runScript('bench:x', 'usage: x', () => { throw bug; })).rejects.toBe(bug);
    await expect(runScript('bench:x', 'usage: x', async () => { await Promise.resolve(); throw bug; })).rejects.toBe(bug);
    expect(errors).toEqual([]);
    expect(process.exit).not.toHaveBeenCalled();
  });
});

describe('wholeNumber', () => {
  it('reads digits, and gives the fallback when the option is absent', () => {
    expect(wholeNumber('ops', '120', 5, 1)).toBe(120);
    expect(wholeNumber('seed', '0', 1, 0)).toBe(0);
    expect(wholeNumber('ops', undefined, 5, 1)).toBe(5);
    expect(wholeNumber('rounds', '100', 5, 1, 100)).toBe(100);
  });

  it('refuses what Number() would take for a number: empty, exponent, hex, sign, fraction, spaces', () => {
    // `--seed ''` ran with seed 0 and `--ops 1e1` with 10 ops.
    for (const text of ['', '1e1', '0x10', '+3', '-1', '2.0', ' 7', '7 ', 'Infinity']) {
      expect(() => wholeNumber('seed', text, 1, 0), text).toThrow(new OptionError(`--seed must be a whole number of at least 0, got ${JSON.stringify(text)}`));
    }
  });

  it('refuses a number outside its range, or past the safe integers', () => {
    expect(() => wholeNumber('ops', '0', 5, 1)).toThrow('--ops must be a whole number of at least 1, got "0"');
    expect(() => wholeNumber('rounds', '101', 5, 1, 100)).toThrow('--rounds must be a whole number in 1..100, got "101"');
    expect(() => wholeNumber('ops', '9007199254740993', 5, 1)).toThrow(OptionError);
  });
});
