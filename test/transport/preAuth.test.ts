/**
 * What a dialer without the key can make an acceptor buffer: its first frame must be the
 * hello, so a length prefix far above a hello's is refused at once (oversize, fatal) instead
 * of the acceptor buffering up to maxFrameBytes per connection before any MAC is checked.
 * After the hello, frames up to the full limit pass as before.
 */
import { describe, expect, it } from 'vitest';
import { HELLO_BYTES } from '../../src/transport/frameAuth.js';
import { FrameSplitter, encodeFrame, lengthPrefix } from '../../src/transport/frameSplitter.js';
import { type InboundEvent, MAX_FIRST_FRAME_BYTES } from '../../src/transport/inboundSession.js';
import { MAX_FRAME, acceptor, dataFrame, dialer } from './helpers.js';

const rejected = (events: InboundEvent[]) => events.filter((e) => e.type === 'rejected').map((e) => e.type === 'rejected' && [e.reason, e.fatal]);

describe('the first frame of a connection', () => {
  it('FrameSplitter applies the first-frame limit to the first frame only', () => {
    const s = new FrameSplitter(100, 10);
    expect(s.push(Buffer.concat([encodeFrame(Buffer.alloc(10)), encodeFrame(Buffer.alloc(100))])))
      .toMatchObject({ ok: true, payloads: [Buffer.alloc(10), Buffer.alloc(100)] });
    expect(new FrameSplitter(100, 10).push(lengthPrefix(11))).toMatchObject({ ok: false, reason: 'oversize', detail: 'length prefix 11 exceeds the 10-byte frame limit of a first frame' });
  });

  it('an acceptor refuses a first length prefix above MAX_FIRST_FRAME_BYTES at once, before buffering the frame', () => {
    expect(HELLO_BYTES).toBeLessThan(MAX_FIRST_FRAME_BYTES);
    expect(MAX_FIRST_FRAME_BYTES).toBeLessThan(MAX_FRAME);
    const inbound = acceptor();
    expect(rejected(inbound.receive(lengthPrefix(MAX_FRAME)))).toEqual([['oversize', true]]);
  });

  it('after the hello, a frame up to the full limit is accepted', () => {
    const inbound = acceptor();
    const { out, hello } = dialer(inbound);
    const big = { from: 2, to: 1, clock: 0, message: { type: 'Join', node: 2, pad: 'x'.repeat(MAX_FRAME - 200) } };
    const events = inbound.receive(Buffer.concat([hello, dataFrame(out, big)]));
    expect(events.map((e) => e.type)).toEqual(['authenticated', 'envelope']);
  });
});
