/**
 * The frame codec without sockets: length-prefix splitting, the handshake, and every reason
 * the accepting side rejects bytes for. Property tests feed random and cut streams.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  CHALLENGE_BYTES, DATA_HEADER_BYTES, KIND_DATA, KIND_HELLO, MAC_BYTES, SEQ_BYTES, challengePayload, helloPayload, parseChallenge,
} from '../../src/transport/frameAuth.js';
import { FrameSplitter, LENGTH_PREFIX_BYTES, encodeFrame, lengthPrefix } from '../../src/transport/frameSplitter.js';
import type { InboundEvent } from '../../src/transport/inboundSession.js';
import { OutboundSession } from '../../src/transport/outboundSession.js';
import { KEY, MAX_FRAME, OTHER_KEY, acceptor, dataFrame, dialer, join, stream } from './helpers.js';

const rejected = (events: InboundEvent[]) => events.filter((e) => e.type === 'rejected').map((e) => e.type === 'rejected' && [e.reason, e.fatal]);
afterEach(() => { vi.restoreAllMocks(); });
const envelopes = (events: InboundEvent[]) => events.flatMap((e) => (e.type === 'envelope' ? [e.value] : []));

describe('FrameSplitter', () => {
  it('splits frames however the stream is chunked', () => {
    const payloads = [Buffer.from('a'), Buffer.alloc(0), Buffer.alloc(70_000, 9), Buffer.from('last')];
    const bytes = Buffer.concat(payloads.map(encodeFrame));
    for (const chunkSize of [1, 3, 4, 5, 1000, bytes.length]) {
      const splitter = new FrameSplitter(100_000);
      const got: Buffer[] = [];
      let failures = 0;
      for (let i = 0; i < bytes.length; i += chunkSize) {
        const r = splitter.push(bytes.subarray(i, i + chunkSize));
        if (!r.ok) failures++;
        got.push(...r.payloads);
      }
      expect(failures).toBe(0);
      // Compared as hex: deep equality walks a 70 KB Buffer element by element, slowly.
      expect(got.map((p) => p.toString('hex'))).toEqual(payloads.map((p) => p.toString('hex')));
      expect(splitter.pendingBytes).toBe(0);
    }
  });

  it('rejects a length prefix above the limit and reads nothing after it', () => {
    const splitter = new FrameSplitter(10);
    const r = splitter.push(Buffer.concat([encodeFrame(Buffer.from('ok')), encodeFrame(Buffer.alloc(11)), encodeFrame(Buffer.from('x'))]));
    expect(r).toMatchObject({ ok: false, reason: 'oversize', payloads: [Buffer.from('ok')] });
    expect(splitter.push(encodeFrame(Buffer.from('y')))).toEqual({ ok: true, payloads: [] });
  });

  it('copies a frame that arrives in many chunks once, not once per chunk', () => {
    // A 1 MiB Welcome part arrives in about 64 socket reads: joining the chunks at every read
    // copied 32 MiB for it (quadratic in the frame), where joining them once copies 1 MiB.
    const payload = Buffer.alloc(1 << 20, 7);
    const bytes = encodeFrame(payload);
    const splitter = new FrameSplitter(2 << 20);
    let copied = 0;
    const concat = Buffer.concat.bind(Buffer);
    vi.spyOn(Buffer, 'concat').mockImplementation((list, total) => { const out = concat(list, total); copied += out.length; return out; });
    const got: Buffer[] = [];
    const step = Math.ceil(bytes.length / 64);
    for (let i = 0; i < bytes.length; i += step) got.push(...splitter.push(bytes.subarray(i, i + step)).payloads);
    expect(got).toEqual([payload]);
    expect(copied).toBeLessThanOrEqual(bytes.length);
  });

  it('accepts a frame of exactly the limit', () => {
    expect(new FrameSplitter(10).push(encodeFrame(Buffer.alloc(10)))).toMatchObject({ ok: true, payloads: [Buffer.alloc(10)] });
  });
});

describe('handshake', () => {
  it('a dialer answers a challenge with a hello that the acceptor authenticates', () => {
    const inbound = acceptor();
    const { hello } = dialer(inbound);
    expect(inbound.receive(hello)).toEqual([{ type: 'authenticated', peer: 2 }]);
    expect(inbound.peer).toBe(2);
  });

  it('the dialer refuses anything but one well-formed challenge', () => {
    const nonce = Buffer.alloc(32, 5);
    expect(parseChallenge(challengePayload(nonce))).toEqual({ ok: true, nonce });
    const wrongVersion = challengePayload(nonce);
    wrongVersion[1] = 99;
    expect(parseChallenge(wrongVersion)).toMatchObject({ ok: false, detail: expect.stringContaining('version 99') });
    expect(parseChallenge(challengePayload(nonce).subarray(0, CHALLENGE_BYTES - 1)).ok).toBe(false);
    expect(new OutboundSession(KEY, 2).receive(encodeFrame(Buffer.alloc(CHALLENGE_BYTES + 1)))).toMatchObject({ reason: 'badChallenge' });
    const trailing = Buffer.concat([encodeFrame(challengePayload(nonce)), Buffer.from([0])]);
    expect(new OutboundSession(KEY, 2).receive(trailing)).toMatchObject({ reason: 'badChallenge', detail: 'bytes after the challenge' });
    const ready = new OutboundSession(KEY, 2);
    expect(ready.receive(encodeFrame(challengePayload(nonce)))?.type).toBe('ready');
    expect(ready.receive(Buffer.from([1]))).toMatchObject({ reason: 'badChallenge' });
  });

  it('the dialer refuses a length prefix above a challenge\'s at once, before buffering its body', () => {
    // Whoever answers on a peer's address needs no key to send a prefix: a dialer that waited
    // for the body would buffer up to 4 GiB before the challenge is even parsed.
    for (const length of [CHALLENGE_BYTES + 1, 0xffff_ffff]) {
      expect(new OutboundSession(KEY, 2).receive(lengthPrefix(length)), `prefix ${length}`).toMatchObject({ type: 'rejected', reason: 'badChallenge' });
    }
    // A challenge's own prefix waits for its body.
    expect(new OutboundSession(KEY, 2).receive(lengthPrefix(CHALLENGE_BYTES))).toBeUndefined();
  });

  it('the dialer cannot frame data before the challenge', () => {
    expect(() => new OutboundSession(KEY, 2).frame(Buffer.from('{}'))).toThrow(/before the challenge/);
  });
});

describe('InboundSession accepts', () => {
  it('envelopes in order, split across any chunks', () => {
    const sent = [join(2, 1, 1), join(2, 1, 2), join(2, 1, 3)];
    const { bytes } = stream(acceptor(), sent);
    for (const chunkSize of [1, 7, 64, bytes.length]) {
      const inbound = acceptor();
      const events: InboundEvent[] = [];
      for (let i = 0; i < bytes.length; i += chunkSize) events.push(...inbound.receive(bytes.subarray(i, i + chunkSize)));
      expect(envelopes(events)).toEqual(sent);
      expect(inbound.end()).toEqual([]);
    }
  });
});

describe('InboundSession rejects', () => {
  function authenticated() {
    const inbound = acceptor();
    const { out, hello } = dialer(inbound);
    expect(inbound.receive(hello)).toHaveLength(1);
    return { inbound, out };
  }

  it('oversize: a length prefix above the frame limit (fatal)', () => {
    const { inbound } = authenticated();
    const prefix = Buffer.alloc(LENGTH_PREFIX_BYTES);
    prefix.writeUInt32BE(MAX_FRAME + 1);
    expect(rejected(inbound.receive(prefix))).toEqual([['oversize', true]]);
  });

  it('truncated: the connection closes mid-frame', () => {
    const { inbound, out } = authenticated();
    const frame = dataFrame(out, join(2, 1));
    expect(inbound.receive(frame.subarray(0, frame.length - 1))).toEqual([]);
    expect(rejected(inbound.end())).toEqual([['truncated', true]]);
  });

  it('missingMac: a bare JSON frame, a data frame shorter than its header, a hello of the wrong length', () => {
    for (const payload of [
      Buffer.from(JSON.stringify(join(2, 1))),
      Buffer.concat([Buffer.from([KIND_DATA]), Buffer.alloc(DATA_HEADER_BYTES - 2)]),
      Buffer.alloc(0),
    ]) {
      expect(rejected(authenticated().inbound.receive(encodeFrame(payload)))).toEqual([['missingMac', true]]);
    }
    const hello = helloPayload(KEY, acceptor().nonce, 2);
    expect(rejected(acceptor().receive(encodeFrame(Buffer.concat([hello, Buffer.from([0])]))))).toEqual([['missingMac', true]]);
  });

  it('badMac: a flipped MAC bit, an altered body, another key, a forged hello', () => {
    const flipMac = (frame: Buffer) => { frame[LENGTH_PREFIX_BYTES + 1 + 6]! ^= 1; return frame; };
    const flipBody = (frame: Buffer) => { frame[frame.length - 2]! ^= 1; return frame; };
    for (const corrupt of [flipMac, flipBody]) {
      const { inbound, out } = authenticated();
      expect(rejected(inbound.receive(corrupt(dataFrame(out, join(2, 1)))))).toEqual([['badMac', true]]);
    }
    const inbound = acceptor();
    expect(rejected(inbound.receive(dialer(inbound, 2, OTHER_KEY).hello))).toEqual([['badMac', true]]);
    const forged = Buffer.from(dialer(acceptor()).hello);
    forged.writeUInt32BE(3, forged.length - 4); // node 2's hello, rewritten to claim node 3
    expect(rejected(acceptor().receive(forged))).toEqual([['badMac', true]]);
  });

  it('badMac: a data or batch frame whose sequence number was rewritten (the MAC covers it)', () => {
    // Both sessions answer the same nonce with the same key, so a frame of one is byte for
    // byte the frame the other would send: the unmodified copy is the control.
    const nonce = Buffer.alloc(32, 5);
    const session = () => {
      const inbound = acceptor(nonce);
      const { out, hello } = dialer(inbound);
      expect(inbound.receive(hello)).toEqual([{ type: 'authenticated', peer: 2 }]);
      return { inbound, out };
    };
    const SEQ_AT = LENGTH_PREFIX_BYTES + 1; // after the length prefix and the kind byte
    const withSeq = (frame: Buffer, seq: number) => {
      const copy = Buffer.from(frame);
      copy.writeUIntBE(seq, SEQ_AT, SEQ_BYTES);
      return copy;
    };
    const kinds = {
      data: (out: OutboundSession) => dataFrame(out, join(2, 1)),
      batch: (out: OutboundSession) => Buffer.concat(out.frameBatch([Buffer.from(JSON.stringify(join(2, 1)))])),
    };
    for (const [kind, frameOf] of Object.entries(kinds)) {
      const frame = frameOf(session().out);
      expect(frame.readUIntBE(SEQ_AT, SEQ_BYTES), kind).toBe(1);
      const tampered = withSeq(frame, 2);
      expect(tampered.length, kind).toBe(frame.length);
      expect(Buffer.compare(tampered.subarray(SEQ_AT + SEQ_BYTES), frame.subarray(SEQ_AT + SEQ_BYTES)), kind).toBe(0);

      // The frame as sent is accepted...
      expect(envelopes(session().inbound.receive(frame)), kind).toEqual([join(2, 1)]);
      // ...relabelled frame 2 it is a forgery, not merely out of order...
      const events = session().inbound.receive(tampered);
      expect(rejected(events), kind).toEqual([['badMac', true]]);
      expect(envelopes(events), kind).toEqual([]);
      // ...and an attacker cannot deliver frame 1 twice by relabelling its copy as the next frame.
      const replay = session();
      expect(envelopes(replay.inbound.receive(frame)), kind).toEqual([join(2, 1)]);
      const again = replay.inbound.receive(tampered);
      expect(rejected(again), kind).toEqual([['badMac', true]]);
      expect(envelopes(again), kind).toEqual([]);
    }
  });

  it('noHello: a data frame before the handshake', () => {
    const inbound = acceptor();
    const { out } = dialer(inbound);
    expect(rejected(inbound.receive(dataFrame(out, join(2, 1))))).toEqual([['noHello', true]]);
  });

  it('unknownSender: an authentic hello from a node that is not a peer', () => {
    const inbound = acceptor();
    expect(rejected(inbound.receive(dialer(inbound, 9).hello))).toEqual([['unknownSender', true]]);
    expect(inbound.peer).toBeUndefined();
  });

  it('replayed: a repeated or skipped sequence number, a hello from another connection, a second hello', () => {
    const repeat = authenticated();
    const first = dataFrame(repeat.out, join(2, 1));
    expect(envelopes(repeat.inbound.receive(first))).toHaveLength(1);
    expect(rejected(repeat.inbound.receive(first))).toEqual([['replayed', true]]);

    const skip = authenticated();
    dataFrame(skip.out, join(2, 1)); // frame 1, never delivered
    expect(rejected(skip.inbound.receive(dataFrame(skip.out, join(2, 1))))).toEqual([['replayed', true]]);

    const earlier = acceptor(Buffer.alloc(32, 1));
    const later = acceptor(Buffer.alloc(32, 2));
    expect(rejected(later.receive(dialer(earlier).hello))).toEqual([['replayed', true]]);

    const twice = acceptor();
    const { hello } = dialer(twice);
    expect(rejected(twice.receive(Buffer.concat([hello, hello])))).toEqual([['replayed', true]]);
  });

  it('a data frame from an earlier connection fails the MAC on a new one (its nonce differs)', () => {
    const earlier = acceptor(Buffer.alloc(32, 1));
    const old = dialer(earlier);
    const oldFrame = dataFrame(old.out, join(2, 1));
    const later = acceptor(Buffer.alloc(32, 2));
    const fresh = dialer(later);
    expect(later.receive(fresh.hello)).toHaveLength(1);
    expect(rejected(later.receive(oldFrame))).toEqual([['badMac', true]]);
  });

  it('notJson and wrongFrom drop that frame only: the authentic stream goes on', () => {
    const { inbound, out } = authenticated();
    const events = inbound.receive(Buffer.concat([
      dataFrame(out, '{"from": 2, '),
      dataFrame(out, Buffer.from([0xff, 0xfe]).toString('latin1')),
      dataFrame(out, join(3, 1)),
      dataFrame(out, 'null'),
      dataFrame(out, join(2, 1, 4)),
    ]));
    expect(rejected(events)).toEqual([['notJson', false], ['notJson', false], ['wrongFrom', false], ['wrongFrom', false]]);
    expect(envelopes(events)).toEqual([join(2, 1, 4)]);
  });

  it('invalid UTF-8 is notJson, even where a lenient decoder would produce valid JSON', () => {
    const { inbound, out } = authenticated();
    const body = Buffer.concat([Buffer.from('"'), Buffer.from([0xc3]), Buffer.from('"')]);
    expect(rejected(inbound.receive(Buffer.concat(out.frame(body))))).toEqual([['notJson', false]]);
  });

  it('reads nothing more after a fatal rejection', () => {
    const { inbound, out } = authenticated();
    const good = dataFrame(out, join(2, 1));
    expect(rejected(inbound.receive(encodeFrame(Buffer.from('x'))))).toEqual([['missingMac', true]]);
    expect(inbound.receive(good)).toEqual([]);
    expect(inbound.end()).toEqual([]);
  });
});

describe('InboundSession properties', () => {
  const bytes = fc.uint8Array({ maxLength: 600 }).map((a) => Buffer.from(a));

  it('random bytes, before or after a valid hello, never throw and never yield an envelope', () => {
    fc.assert(fc.property(fc.boolean(), fc.array(bytes, { maxLength: 5 }), fc.boolean(), (afterHello, chunks, close) => {
      const inbound = acceptor();
      const events: InboundEvent[] = [];
      if (afterHello) events.push(...inbound.receive(dialer(inbound).hello));
      for (const c of chunks) events.push(...inbound.receive(c));
      if (close) events.push(...inbound.end());
      expect(envelopes(events)).toEqual([]);
    }));
  });

  it('random bytes shaped like frames (right kinds and lengths, random MACs) never yield an envelope', () => {
    const frameLike = fc.record({ kind: fc.constantFrom(KIND_HELLO, KIND_DATA), rest: fc.uint8Array({ minLength: MAC_BYTES, maxLength: 200 }) })
      .map(({ kind, rest }) => encodeFrame(Buffer.concat([Buffer.from([kind]), Buffer.from(rest)])));
    fc.assert(fc.property(fc.array(frameLike, { maxLength: 6 }), (frames) => {
      const inbound = acceptor();
      const events = [...inbound.receive(dialer(inbound).hello), ...inbound.receive(Buffer.concat(frames))];
      expect(envelopes(events)).toEqual([]);
    }));
  });

  it('a valid stream cut anywhere yields exactly the frames before the cut, and a truncation iff the cut is mid-frame', () => {
    const sent = [join(2, 1, 1), join(2, 1, 2), join(2, 1, 3)];
    const { bytes: whole, frameEnds } = stream(acceptor(), sent);
    fc.assert(fc.property(fc.integer({ min: 0, max: whole.length }), (cut) => {
      const inbound = acceptor();
      const events = [...inbound.receive(whole.subarray(0, cut)), ...inbound.end()];
      const complete = frameEnds.filter((e) => e <= cut).length;
      expect(envelopes(events)).toEqual(sent.slice(0, Math.max(0, complete - 1)));
      const midFrame = cut > 0 && !frameEnds.includes(cut);
      expect(rejected(events)).toEqual(midFrame ? [['truncated', true]] : []);
    }));
  });

  it('a valid stream with one byte changed never yields an envelope that was not sent', () => {
    const sent = [join(2, 1, 1), join(2, 1, 2)];
    const { bytes: whole } = stream(acceptor(), sent);
    fc.assert(fc.property(fc.integer({ min: 0, max: whole.length - 1 }), fc.integer({ min: 1, max: 255 }), (at, xor) => {
      const corrupted = Buffer.from(whole);
      corrupted[at]! ^= xor;
      const inbound = acceptor();
      const got = envelopes(inbound.receive(corrupted));
      expect(got.length).toBeLessThan(sent.length);
      expect(got).toEqual(sent.slice(0, got.length));
    }));
  });
});
