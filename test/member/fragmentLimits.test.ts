/**
 * The message-size limits counted in bytes, not UTF-16 units: an envelope of non-ASCII text
 * that is short in characters but over the limit in UTF-8 leaves in fragments (Fragmenter)
 * or is refused (UdpTransport); and the Reassembler's bound on envelopes in progress per
 * sender evicts the oldest, so the newest still completes.
 */
import { describe, expect, it } from 'vitest';
import { Fragmenter, MAX_PARTIAL_PER_SENDER, Reassembler, type FragmentWire } from '../../src/member/fragments.js';
import { MAX_DATAGRAM_BYTES, UdpTransport } from '../../src/member/udpTransport.js';
import type { Envelope } from '../../src/node/api.js';

const envelope = (pad: string, clock = 7): Envelope => ({ from: 2, to: 1, clock, message: { type: 'Join', node: 2, pad } as never });

describe('Fragmenter counts bytes', () => {
  it('splits an envelope under the limit in characters but over it in UTF-8 bytes', () => {
    const limit = 2_000;
    const e = envelope('€'.repeat(1_200)); // about 1,260 characters, 3,660 bytes
    expect(JSON.stringify(e).length).toBeLessThan(limit);
    expect(Buffer.byteLength(JSON.stringify(e))).toBeGreaterThan(limit);
    const pieces = new Fragmenter(limit).split(e) as FragmentWire[];
    expect(pieces.length).toBeGreaterThan(1);
    for (const p of pieces) expect(Buffer.byteLength(JSON.stringify(p))).toBeLessThanOrEqual(limit);
    const r = new Reassembler(1, [1, 2, 3]);
    expect(pieces.map((p) => r.accept(p)).at(-1)).toEqual({ kind: 'whole', value: e });
  });
});

describe('Reassembler bound per sender', () => {
  it('a new envelope beyond the bound evicts the oldest in progress, and the newest completes', () => {
    const f = new Fragmenter(2_000);
    const split = (clock: number) => f.split(envelope('é'.repeat(5_000), clock)) as FragmentWire[];
    const envelopes = Array.from({ length: MAX_PARTIAL_PER_SENDER + 1 }, (_, i) => split(i));
    const r = new Reassembler(1, [1, 2, 3]);
    // The first fragment of each, oldest first: one too many in progress.
    for (const pieces of envelopes) expect(r.accept(pieces[0]!)).toEqual({ kind: 'pending' });
    expect(r.pendingEnvelopes).toBe(MAX_PARTIAL_PER_SENDER);
    const newest = envelopes.at(-1)!;
    const got = newest.slice(1).map((p) => r.accept(p));
    expect(got.at(-1)).toEqual({ kind: 'whole', value: envelope('é'.repeat(5_000), MAX_PARTIAL_PER_SENDER) });
    // The second oldest is still in progress and completes too; the oldest was evicted.
    const second = envelopes[1]!;
    expect(second.slice(1).map((p) => r.accept(p)).at(-1)).toEqual({ kind: 'whole', value: envelope('é'.repeat(5_000), 1) });
    expect(r.pendingEnvelopes).toBe(0);
  });
});

describe('Reassembler bound per envelope', () => {
  it('counts every fragment against the bytes its envelope declares: the one that overflows them drops the envelope at once', () => {
    // Each piece alone fits what the (lying) fragments declare, two together do not. Without
    // the running total a peer could make a node buffer count x 45 KB for an envelope that
    // declares a few bytes: the bound MAX_REASSEMBLED_BYTES would mean nothing.
    const pieces = new Fragmenter(2_000).split(envelope('é'.repeat(5_000))) as FragmentWire[];
    const first = Buffer.from(pieces[0]!.fragment.data, 'base64').length;
    const declared = first + 10;
    expect(pieces.length).toBeLessThanOrEqual(declared); // a count the shape check admits
    const lying = pieces.map((p) => ({ ...p, fragment: { ...p.fragment, bytes: declared } }));
    const r = new Reassembler(1, [1, 2, 3]);
    expect(r.accept(lying[0])).toEqual({ kind: 'pending' });
    expect(r.accept(lying[1])).toMatchObject({ kind: 'dropped', reason: expect.stringMatching(new RegExp(`exceed the ${declared} bytes it declares`)) });
    expect(r.pendingEnvelopes).toBe(0);
  });
});

describe('UdpTransport counts bytes', () => {
  it('refuses an envelope over the datagram limit in UTF-8 bytes though under it in characters', async () => {
    const [a, b] = await Promise.all([UdpTransport.bind(0), UdpTransport.bind(0)]);
    try {
      a.setPeers(new Map([[2, b.port]]));
      const e: Envelope = { from: 1, to: 2, clock: 0, message: { type: 'Join', node: 1, pad: '€'.repeat(30_000) } as never };
      expect(JSON.stringify(e).length).toBeLessThan(MAX_DATAGRAM_BYTES);
      a.send(e);
      expect(a.stats).toMatchObject({ sent: 0, dropped: { oversize: 1 } });
    } finally {
      a.close();
      b.close();
    }
  });
});

describe('Reassembler attribution', () => {
  it('drops a whole whose envelope names another sender or addressee than its fragments (as wrongFrom does for a frame)', () => {
    const f = new Fragmenter(2_000);
    const claims = (from: number, to: number) => {
      const inner = { ...envelope('é'.repeat(5_000)), from, to };
      // Fragments sent by node 2 to node 1, carrying an envelope that says otherwise.
      return (f.split(inner) as FragmentWire[]).map((p) => ({ ...p, from: 2, to: 1 }));
    };
    for (const [from, to, what] of [[3, 1, /from 3.*fragments from 2/], [2, 3, /to 3/]] as const) {
      const r = new Reassembler(1, [1, 2, 3]);
      const got = claims(from, to).map((p) => r.accept(p));
      expect(got.at(-1)).toMatchObject({ kind: 'dropped', reason: expect.stringMatching(what) });
    }
    const r = new Reassembler(1, [1, 2, 3]);
    expect(claims(2, 1).map((p) => r.accept(p)).at(-1)).toEqual({ kind: 'whole', value: envelope('é'.repeat(5_000)) });
  });
});
