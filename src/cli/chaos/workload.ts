/**
 * The chaos run's clients: each sends bank transfers, one at a time, through the node it is
 * connected to, and records what it was told. Every transfer carries a unique `ref` (the
 * bank ignores unknown fields), so the final history says which transfers ran and how often.
 *
 * A client never sends a request to a second node: when its node dies with a transfer in
 * flight, that transfer is recorded as indeterminate (it may have run, once) and the client
 * moves on to another node with new transfers. Nothing is retried under a new request id,
 * so a transfer that runs twice is a bug of the cluster, not of the workload.
 */
import { type ClientAddress, ClientConnection, ConnectionLostError } from '../client/connection.js';
import type { InvokeOutcome } from '../node/requestTable.js';

export interface TransferOp {
  readonly ref: string;
  readonly client: number;
  readonly request: number;
  readonly node: number;
  readonly command: { op: 'transfer'; from: string; to: string; amount: number; ref: string };
  /** ack: an output came back; indeterminate: it may have run (once); failed: it did not run. */
  outcome: 'ack' | 'indeterminate' | 'failed' | 'pending';
  output?: unknown;
  error?: string;
}

export interface WorkloadOptions {
  readonly nodes: ReadonlyMap<number, ClientAddress>;
  readonly key: Buffer;
  readonly accounts: readonly string[];
  /** Whether node k is expected to be up (clients skip nodes that are down). */
  readonly isUp: (node: number) => boolean;
  readonly random: () => number;
  /** Longest wait for one answer before the transfer is called indeterminate. */
  readonly answerTimeoutMs?: number;
  /** Least time between two transfers of one client (0: back to back). */
  readonly intervalMs?: number;
}

export class WorkloadClient {
  readonly ops: TransferOp[] = [];
  private connection: ClientConnection | undefined;
  private nextRequest = 1;

  constructor(readonly clientId: number, private node: number, private readonly o: WorkloadOptions) {}

  /** Sends transfers until `stop()` says so. */
  async run(stop: () => boolean): Promise<void> {
    while (!stop()) {
      const connection = await this.connect(stop);
      if (connection === undefined) return;
      const began = performance.now();
      const op = this.nextTransfer();
      this.ops.push(op);
      try {
        settle(op, await withTimeout(connection.invoke(op.request, op.command), this.o.answerTimeoutMs ?? 20_000));
      } catch (e) {
        op.outcome = 'indeterminate';
        op.error = e instanceof ConnectionLostError ? `connection to node ${op.node} lost` : (e as Error).message;
        this.drop();
      }
      const rest = (this.o.intervalMs ?? 0) - (performance.now() - began);
      if (rest > 0 && !stop()) await new Promise((r) => setTimeout(r, rest));
    }
    this.drop();
  }

  close(): void {
    this.drop();
  }

  private nextTransfer(): TransferOp {
    const accounts = this.o.accounts;
    const from = accounts[Math.floor(this.o.random() * accounts.length)]!;
    let to = from;
    while (to === from) to = accounts[Math.floor(this.o.random() * accounts.length)]!;
    const request = this.nextRequest++;
    const ref = `c${this.clientId}-${request}`;
    return {
      ref, client: this.clientId, request, node: this.node, outcome: 'pending',
      command: { op: 'transfer', from, to, amount: 1 + Math.floor(this.o.random() * 50), ref },
    };
  }

  /** The open connection, or one to the first node up from ours on; undefined once stopped. */
  private async connect(stop: () => boolean): Promise<ClientConnection | undefined> {
    if (this.connection !== undefined && !this.connection.closed) return this.connection;
    const ids = [...this.o.nodes.keys()];
    for (let attempt = 0; !stop(); attempt++) {
      const node = ids[(ids.indexOf(this.node) + attempt) % ids.length]!;
      if (!this.o.isUp(node)) {
        await new Promise((r) => setTimeout(r, 20));
        continue;
      }
      try {
        this.connection = await ClientConnection.open({ address: this.o.nodes.get(node)!, key: this.o.key, clientId: this.clientId, timeoutMs: 3_000 });
        this.node = node;
        return this.connection;
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    return undefined;
  }

  private drop(): void {
    this.connection?.close();
    this.connection = undefined;
  }
}

function settle(op: TransferOp, outcome: InvokeOutcome): void {
  if (outcome.ok) {
    op.outcome = 'ack';
    op.output = outcome.output;
  } else {
    op.outcome = outcome.indeterminate ? 'indeterminate' : 'failed';
    op.error = `${outcome.error}: ${outcome.message}`;
  }
}

export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => { timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms); }),
  ]).finally(() => clearTimeout(timer));
}
