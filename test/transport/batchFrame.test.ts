/**
 * Batch frames: a link sends every envelope queued for a peer in one frame with one MAC. The
 * acceptor checks a batch as it checks a data frame (MAC under its own label, the next
 * sequence number, UTF-8 JSON), then each element as an envelope; live, a burst of sends goes
 * out in few writes, in order, and never in a frame above the limit.
 */
import { Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Envelope } from '../../src/node/api.js';
import { DATA_HEADER_BYTES, KIND_BATCH, KIND_DATA, dataHeader } from '../../src/transport/frameAuth.js';
import { lengthPrefix } from '../../src/transport/frameSplitter.js';
import type { InboundEvent } from '../../src/transport/inboundSession.js';
import type { OutboundSession } from '../../src/transport/outboundSession.js';
import { TcpTransport } from '../../src/transport/tcpTransport.js';
import { KEY, acceptor, dataFrame, dialer, join } from './helpers.js';
import { transports, waitFor } from './live.js';

const rejected = (events: InboundEvent[]) => events.filter((e) => e.type === 'rejected').map((e) => e.type === 'rejected' && [e.reason, e.fatal]);
const envelopes = (events: InboundEvent[]) => events.flatMap((e) => (e.type === 'envelope' ? [e.value] : []));

function authenticated() {
  const inbound = acceptor();
  const { out, hello } = dialer(inbound);
  inbound.receive(hello);
  return { inbound, out };
}

function batchFrame(out: OutboundSession, values: readonly unknown[]): Buffer {
  return Buffer.concat(out.frameBatch(values.map((v) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)))));
}

/** The nonce helpers.acceptor() challenges with. */
const ACCEPTOR_NONCE = Buffer.alloc(32, 1);

/** Byte offset of the kind byte in a framed payload (after the 4-byte length prefix). */
const KIND_AT = 4;

describe('batch frames (InboundSession)', () => {
  it('yield their envelopes in order, and share one sequence with data frames', () => {
    const { inbound, out } = authenticated();
    const events = inbound.receive(Buffer.concat([
      batchFrame(out, [join(2, 1, 1), join(2, 1, 2), join(2, 1, 3)]),
      dataFrame(out, join(2, 1, 4)),
      batchFrame(out, [join(2, 1, 5)]),
    ]));
    expect(rejected(events)).toEqual([]);
    expect(envelopes(events)).toEqual([1, 2, 3, 4, 5].map((clock) => join(2, 1, clock)));
  });

  it('a batch and a data frame MAC under different labels: relabelling either is badMac', () => {
    const asData = authenticated();
    const batch = batchFrame(asData.out, [join(2, 1, 1), join(2, 1, 2)]);
    batch[KIND_AT] = KIND_DATA;
    expect(rejected(asData.inbound.receive(batch))).toEqual([['badMac', true]]);

    const asBatch = authenticated();
    const data = dataFrame(asBatch.out, [join(2, 1, 1)]);
    data[KIND_AT] = KIND_BATCH;
    expect(rejected(asBatch.inbound.receive(data))).toEqual([['badMac', true]]);
  });

  it('a batch replayed or out of sequence is rejected like a data frame', () => {
    const { inbound, out } = authenticated();
    const first = batchFrame(out, [join(2, 1, 1), join(2, 1, 2)]);
    expect(envelopes(inbound.receive(first))).toHaveLength(2);
    expect(rejected(inbound.receive(first))).toEqual([['replayed', true]]);
  });

  it('a batch that is not a non-empty JSON array is notJson; a wrong `from` drops that element only', () => {
    const { inbound, out } = authenticated();
    // A batch body crafted by hand (frameBatch always writes an array): MAC'd like a real one, seq 2.
    const body = Buffer.from(JSON.stringify(join(2, 1)));
    const objectBatch = Buffer.concat([lengthPrefix(DATA_HEADER_BYTES + body.length), dataHeader(KEY, ACCEPTOR_NONCE, 2, body, KIND_BATCH), body]);
    const events = inbound.receive(Buffer.concat([
      batchFrame(out, []),
      objectBatch,
      // the dialer's own seq 2 went to nothing: number its next frame after the crafted one
    ]));
    expect(rejected(events)).toEqual([['notJson', false], ['notJson', false]]);
    out.frame(Buffer.from('{}')); // seq 2, taken by the crafted frame
    const mixed = inbound.receive(batchFrame(out, [join(2, 1, 1), join(3, 1, 2), 'null', join(2, 1, 3)]));
    expect(rejected(mixed)).toEqual([['wrongFrom', false], ['wrongFrom', false]]);
    expect(envelopes(mixed)).toEqual([join(2, 1, 1), join(2, 1, 3)]);
  });
});

describe('batch frames (TcpTransport)', () => {
  const open: TcpTransport[] = [];
  afterEach(async () => {
    for (const t of open.splice(0)) t.close();
  });

  /** An envelope numbered by its clock, with `padding` characters of input. */
  const numbered = (clock: number, padding = 0): Envelope =>
    ({ from: 1, to: 2, clock, message: { type: 'Decision', slot: clock + 1, prop: { caller: 1, clientId: clock + 1, input: 'x'.repeat(padding) } } });

  /** Two transports whose link from a to b is open (one envelope, clock 0, went through); what b received. */
  async function openLink(): Promise<{ a: TcpTransport; b: TcpTransport; got: Envelope[] }> {
    const [a, b] = (await transports(2)).list as [TcpTransport, TcpTransport];
    open.push(a, b);
    const got: Envelope[] = [];
    b.onReceive((e) => got.push(e as Envelope));
    a.send(numbered(0));
    await waitFor(() => got.length === 1, 'the first envelope (the link is open)');
    return { a, b, got };
  }

  it('envelopes sent in one turn go out in one write, in order', async () => {
    const { a, b, got } = await openLink();
    const writesBefore = a.stats.writes;
    for (let i = 1; i <= 200; i++) a.send(numbered(i));
    await waitFor(() => got.length === 201, 'the burst');
    expect(got.map((e) => e.clock)).toEqual([...Array(201).keys()]);
    expect(a.stats.writes - writesBefore).toBe(1);
    expect(a.stats).toMatchObject({ sent: 201, received: 0 });
    expect(b.stats.received).toBe(201);
  });

  it('a flush is one system call: the frame\'s header and body go out together (the socket corked)', async () => {
    const { a, got } = await openLink();
    // Every socket write of this process, either side's: the receiver writes nothing back for data.
    let calls = 0;
    const proto = Socket.prototype as unknown as Record<'_write' | '_writev', (...args: unknown[]) => unknown>;
    for (const m of ['_write', '_writev'] as const) {
      const real = proto[m]!;
      vi.spyOn(proto, m).mockImplementation(function (this: unknown, ...args: unknown[]) { calls++; return real.apply(this, args); });
    }
    try {
      for (let i = 1; i <= 3; i++) a.send(numbered(i));
      await waitFor(() => got.length === 4, 'the burst');
    } finally {
      vi.restoreAllMocks();
    }
    expect(calls).toBe(1);
  });

  it('sends from many callbacks of one turn of the event loop go out in one flush', async () => {
    // The link flushes once the turn's I/O callbacks have all run (setImmediate): a flush per
    // callback (a microtask) made a node answering many sockets write once for each.
    const { a, got } = await openLink();
    const writesBefore = a.stats.writes;
    for (let i = 1; i <= 20; i++) setImmediate(() => a.send(numbered(i)));
    await waitFor(() => got.length === 21, 'the sends');
    expect(got.map((e) => e.clock)).toEqual([...Array(21).keys()]);
    expect(a.stats.writes - writesBefore).toBe(1);
  });

  it('a batch never exceeds the frame limit: a burst larger than one frame is cut into several', async () => {
    const maxFrameBytes = 4096;
    const { list: [a, b] } = await transports(2, { maxFrameBytes, maxQueuedBytes: 1 << 20 });
    open.push(a!, b!);
    const got: Envelope[] = [];
    b!.onReceive((e) => got.push(e as Envelope));
    // About 1 KB each: three or four per frame, and one that fills a frame almost alone.
    const burst = [...Array.from({ length: 20 }, (_, i) => numbered(i, 1000)), numbered(20, 3900), numbered(21)];
    for (const e of burst) a!.send(e);
    await waitFor(() => got.length === burst.length, 'the burst');
    expect(got.map((e) => e.clock)).toEqual(burst.map((e) => e.clock));
    expect(b!.stats.rejected.oversize).toBe(0);
  });
});
