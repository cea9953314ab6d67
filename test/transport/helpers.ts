/** Shared pieces of the transport tests: a fixed key, envelopes, and a dialer's byte stream. */
import type { Envelope } from '../../src/node/api.js';
import { InboundSession } from '../../src/transport/inboundSession.js';
import { OutboundSession } from '../../src/transport/outboundSession.js';

export const KEY = Buffer.alloc(32, 7);
export const OTHER_KEY = Buffer.alloc(32, 8);
export const MAX_FRAME = 1 << 16;

export function join(from: number, to: number, clock = 0): Envelope {
  return { from, to, clock, message: { type: 'Join', node: from } };
}

/** An acceptor session for node 1 with peers 2 and 3. */
export function acceptor(nonce = Buffer.alloc(32, 1), maxFrameBytes = MAX_FRAME): InboundSession {
  return new InboundSession({ key: KEY, isPeer: (id) => id === 2 || id === 3, maxFrameBytes }, nonce);
}

/** A dialer that has answered `inbound`'s challenge; returns it with its hello bytes. */
export function dialer(inbound: InboundSession, self = 2, key = KEY): { out: OutboundSession; hello: Buffer } {
  const out = new OutboundSession(key, self);
  const answer = out.receive(inbound.challenge());
  if (answer?.type !== 'ready') throw new Error(`test setup: challenge not accepted: ${JSON.stringify(answer)}`);
  return { out, hello: answer.hello };
}

export function dataFrame(out: OutboundSession, value: unknown): Buffer {
  const body = Buffer.from(typeof value === 'string' ? value : JSON.stringify(value), 'utf8');
  return Buffer.concat(out.frame(body));
}

/** The whole byte stream of a dialer that sends `envelopes` to node 1. */
export function stream(inbound: InboundSession, envelopes: readonly unknown[], self = 2): { bytes: Buffer; frameEnds: number[] } {
  const { out, hello } = dialer(inbound, self);
  const frames = [hello, ...envelopes.map((e) => dataFrame(out, e))];
  const frameEnds: number[] = [];
  let end = 0;
  for (const f of frames) frameEnds.push((end += f.length));
  return { bytes: Buffer.concat(frames), frameEnds };
}
