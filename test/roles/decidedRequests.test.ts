import { describe, expect, it } from 'vitest';
import { DecidedRequests } from '../../src/roles/decidedRequests.js';

const req = (caller: number, clientId: number, input = 'op') => ({ caller, clientId, input });

describe('DecidedRequests', () => {
  it('counts a request once per decided slot that holds it, until each is removed', () => {
    const d = new DecidedRequests();
    d.add([req(1, 1), req(2, 1)]);
    d.add([req(1, 1)]); // decided in a second slot too
    expect(d.size).toBe(2);
    d.remove([req(1, 1), req(2, 1)]);
    expect(d.has(req(1, 1))).toBe(true);
    expect(d.has(req(2, 1))).toBe(false);
    d.remove([req(1, 1)]);
    expect(d.has(req(1, 1))).toBe(false);
    expect(d.size).toBe(0);
  });

  it('holds nothing for the requests of slots removed: its memory follows the slots decided and not executed, not the history', () => {
    const d = new DecidedRequests();
    for (let i = 1; i <= 10_000; i++) {
      d.add([req(1 + (i % 3), i)]);
      if (i > 5) d.remove([req(1 + ((i - 5) % 3), i - 5)]);
    }
    expect(d.size).toBe(5);
    expect(d.entriesHeld).toBe(5);
  });

  it('tells requests apart by caller and clientId, as the executed table does', () => {
    const d = new DecidedRequests();
    d.add([req(1, 7)]);
    expect(d.has(req(2, 7))).toBe(false);
    expect(d.has(req(1, 8))).toBe(false);
    expect(d.has(req(1, 7, 'another input'))).toBe(true);
  });

  it('ignores removing what it does not count', () => {
    const d = new DecidedRequests();
    d.remove([req(1, 1)]);
    d.add([req(1, 2)]);
    d.remove([req(1, 1)]);
    expect(d.size).toBe(1);
    expect(d.has(req(1, 2))).toBe(true);
  });
});
