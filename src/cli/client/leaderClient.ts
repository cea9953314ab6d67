/**
 * A client that sends its requests to the leader, as a client library should: it opens a
 * connection to any node, moves to the node that connection names as leader (the hints of
 * protocol.ts), and moves again when an answer names a new one. Requests already sent stay
 * where they went: the old connection is closed once its last answer is in, and nothing is
 * ever sent twice, so following a hint can cost a hop but never a second execution.
 *
 * A hint that names a node this client does not know, or one it cannot reach, is ignored:
 * the node it talks to still serves every request (its replica forwards them).
 */
import { ClientConnection, type ClientAddress } from './connection.js';
import type { InvokeOutcome } from '../node/requestTable.js';

export interface LeaderClientOptions {
  /** Every node's client port. */
  readonly nodes: ReadonlyMap<number, ClientAddress>;
  readonly key: Buffer;
  readonly clientId: number;
  /** The node asked first (any node: it names the leader). */
  readonly first: number;
  /** Connect, authenticate and open within this long (default 5 s). */
  readonly timeoutMs?: number;
  /** Told of each move (from, to) and of each hint it could not follow (why). */
  readonly note?: (message: string) => void;
}

export class LeaderClient {
  /** Moves to another node so far. */
  moves = 0;
  private moving = false;
  /** After a hint it could not follow, the client stays put this long (ms since the epoch). */
  private holdUntil = 0;

  private constructor(private current: ClientConnection, private readonly options: LeaderClientOptions) {}

  static async open(options: LeaderClientOptions): Promise<LeaderClient> {
    const address = options.nodes.get(options.first);
    if (address === undefined) throw new RangeError(`node ${options.first} is not among the nodes [${[...options.nodes.keys()].join(', ')}]`);
    const client = new LeaderClient(await ClientConnection.open({ ...options, address }), options);
    await client.follow();
    return client;
  }

  /** The node requests go to now. */
  get node(): number {
    return this.current.node;
  }

  /** Sends one command to the current node; its answer may move later requests to a new leader. */
  async invoke(request: number, command: unknown): Promise<InvokeOutcome> {
    const connection = this.current;
    try {
      return await connection.invoke(request, command);
    } finally {
      if (connection !== this.current) this.retireIfIdle(connection);
      else if (connection.leader !== undefined) void this.follow();
    }
  }

  close(): void {
    this.current.close();
  }

  /** Opens a connection to the node the current one names as leader, and sends there from then on. */
  private async follow(): Promise<void> {
    const from = this.current;
    const to = from.leader;
    if (to === undefined || this.moving || Date.now() < this.holdUntil) return;
    const address = this.options.nodes.get(to);
    if (address === undefined) {
      this.options.note?.(`node ${from.node} names node ${to} as its leader, which is not among the nodes: staying with node ${from.node}`);
      this.holdUntil = Date.now() + HOLD_AFTER_UNFOLLOWED_HINT_MS;
      return;
    }
    this.moving = true;
    try {
      const next = await ClientConnection.open({ ...this.options, address });
      if (this.current !== from) { next.close(); return; }
      this.current = next;
      this.moves++;
      this.options.note?.(`moved from node ${from.node} to node ${to}, the leader`);
      this.retireIfIdle(from);
    } catch (e) {
      this.options.note?.(`node ${to}, named as leader by node ${from.node}, cannot be reached (${(e as Error).message}): staying with node ${from.node}`);
      this.holdUntil = Date.now() + HOLD_AFTER_UNFOLLOWED_HINT_MS;
    } finally {
      this.moving = false;
    }
  }

  /** A connection requests no longer go to is closed once every answer it owes has come. */
  private retireIfIdle(connection: ClientConnection): void {
    if (connection !== this.current && connection.inFlight === 0) connection.close();
  }
}

/** Every answer repeats the hint: one that cannot be followed is tried again only after this long. */
const HOLD_AFTER_UNFOLLOWED_HINT_MS = 1_000;
