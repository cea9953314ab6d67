/**
 * Idempotent client requests: a node maps each (client id, request id) to ONE Member.invoke
 * and answers every copy of that request from this table, so a client that lost a reply can
 * send the request again without the command running twice.
 *
 * The table is in memory: a restarted node has no record of what its predecessor took. A
 * request marked `retry` (the client sent it before, here or elsewhere) that the node does
 * not know is therefore answered `Unknown` (indeterminate: it ran once or not at all) instead
 * of being invoked again, which could run it twice. A client that never got its request onto
 * a connection (the connect failed) sends it again unmarked, anywhere.
 */
import { DeadlineExceededError, InvokeRefusedError, MemberStateError, MemberStoppedError } from '../../member/errors.js';
import type { InvokeErrorCode } from '../client/protocol.js';

export type InvokeOutcome =
  | { readonly ok: true; readonly output: unknown }
  | { readonly ok: false; readonly error: InvokeErrorCode; readonly message: string; readonly indeterminate: boolean };

export interface RequestTableLimits {
  /** Answered requests remembered, oldest forgotten first: a retry after that many later
   * requests is answered Unknown. 100,000 answers of a few hundred bytes: tens of MB at most. */
  readonly remembered: number;
  /** Requests in flight at once, all clients together (the node queues at most 1,000). */
  readonly inFlight: number;
}

export const DEFAULT_REQUEST_TABLE_LIMITS: RequestTableLimits = Object.freeze({ remembered: 100_000, inFlight: 1_000 });

interface Entry {
  readonly text: string;
  readonly outcome: Promise<InvokeOutcome>;
  readonly startedAt: number;
  settled: boolean;
}

export class RequestTable {
  private readonly entries = new Map<string, Entry>();
  private pending = 0;
  /** Requests answered so far (the progress monitor's signal). */
  answered = 0;

  constructor(
    private readonly invoke: (command: unknown) => Promise<unknown>,
    private readonly limits: RequestTableLimits = DEFAULT_REQUEST_TABLE_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Requests invoked and not answered yet. */
  get inFlight(): number {
    return this.pending;
  }

  /** How long the oldest request in flight has waited (0: none). */
  oldestWaitMs(): number {
    for (const e of this.entries.values()) if (!e.settled) return this.now() - e.startedAt;
    return 0;
  }

  submit(client: number, request: number, command: unknown, retry: boolean): Promise<InvokeOutcome> {
    const key = `${client}:${request}`;
    let text: string;
    try {
      text = JSON.stringify(command);
    } catch {
      return Promise.resolve(failed('BadRequest', 'the command is not JSON'));
    }
    const known = this.entries.get(key);
    if (known !== undefined) {
      if (known.text !== text) return Promise.resolve(failed('BadRequest', `request ${request} was sent before with another command; a request id names one command`));
      return known.outcome;
    }
    if (retry) {
      return Promise.resolve(failed('Unknown', 'this node has no record of the request (it restarted since, or the request went to another node): it took effect once or not at all'));
    }
    if (this.pending >= this.limits.inFlight) return Promise.resolve(failed('Busy', `${this.pending} requests are in flight on this node; send it again later`));
    this.pending++;
    const entry: Entry = {
      text,
      startedAt: this.now(),
      settled: false,
      outcome: this.invoke(command).then(
        (output): InvokeOutcome => ({ ok: true, output }),
        (e: unknown): InvokeOutcome => outcomeOfError(e),
      ).finally(() => {
        entry.settled = true;
        this.pending--;
        this.answered++;
        this.forgetOldest();
      }),
    };
    this.entries.set(key, entry);
    return entry.outcome;
  }

  private forgetOldest(): void {
    if (this.entries.size <= this.limits.remembered) return;
    for (const [key, e] of this.entries) {
      if (this.entries.size <= this.limits.remembered) return;
      if (e.settled) this.entries.delete(key);
    }
  }
}

function failed(error: InvokeErrorCode, message: string): InvokeOutcome {
  return { ok: false, error, message, indeterminate: error === 'DeadlineExceeded' || error === 'Stopped' || error === 'Unknown' };
}

function outcomeOfError(e: unknown): InvokeOutcome {
  if (e instanceof DeadlineExceededError) return failed('DeadlineExceeded', `${e.message}; it may still take effect, once`);
  if (e instanceof MemberStoppedError || e instanceof MemberStateError) return failed('Stopped', `the node stopped with the command in flight: it took effect once or not at all`);
  if (e instanceof InvokeRefusedError) return failed('Refused', e.message);
  if (e instanceof TypeError || e instanceof RangeError) return failed('BadRequest', e.message);
  return failed('Stopped', `the node failed with the command in flight (${e instanceof Error ? e.message : String(e)}): it took effect once or not at all`);
}
