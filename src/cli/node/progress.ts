/**
 * Says why a node cannot make progress. Every `checkEveryMs` it looks at what it can see
 * locally: is the node still joining, are client requests waiting while none is answered,
 * which peers it heard from lately, whether its own acceptor promised a ballot above its
 * scout's. The cheap signals are read every time; the node's spec state (O(its log) to build)
 * only once the node is stuck, so a healthy node with a long log pays nothing for this. A stuck node gets a reason (no quorum reachable, promise refused by a higher
 * ballot, leader silent, not a member yet), logged at most once per interval per reason, and
 * shown as `health` by `paxos status`; recovery is logged once too.
 */
import { ballotLess, type Ballot } from '../../protocol/values.js';
import type { Logger } from '../log.js';

export interface ProgressView {
  readonly aBallot: Ballot;
  readonly lBallot: Ballot;
  readonly lActive: boolean;
  readonly scoutBallot: Ballot | null;
  readonly slotOut: number;
}

export interface ProgressInputs {
  readonly self: number;
  readonly peers: readonly number[];
  /** The roles the node hosts (cheap). */
  roles(): readonly string[];
  /** Client requests answered so far (cheap): the progress signal. */
  answered(): number;
  /** The node's ballots and slot (costs O(its state): read only when stuck). */
  view(): ProgressView;
  /** Envelopes received from each peer so far, and whether the link to it is open. */
  peer(id: number): { received: number; open: boolean } | undefined;
  /** Client requests waiting, and how long the oldest has waited. */
  waiting(): { count: number; oldestMs: number };
}

export interface ProgressOptions {
  readonly checkEveryMs?: number;
  /** A request waiting this long with no slot executed means the node is stuck. */
  readonly stuckAfterMs?: number;
  /** Joining for this long without a Welcome is a problem worth saying. */
  readonly joinGraceMs?: number;
  /** The same reason is logged at most once per this interval. */
  readonly logIntervalMs?: number;
  readonly now?: () => number;
}

export interface Health {
  readonly health: 'ok' | 'joining' | 'no-quorum' | 'preempted' | 'leader-silent' | 'stalled';
  readonly problem: string | null;
}

const show = (b: Ballot): string => `(${b.num}, ${b.leader})`;

export class ProgressMonitor {
  private timer: NodeJS.Timeout | undefined;
  private last: Health = { health: 'ok', problem: null };
  private lastAnswered = -1;
  private answeredChangedAt: number;
  private joiningSince: number | undefined;
  private readonly heardAt = new Map<number, { received: number; at: number }>();
  private readonly settings: Required<ProgressOptions>;

  constructor(private readonly inputs: ProgressInputs, private readonly logger: Logger, options: ProgressOptions = {}) {
    this.settings = {
      checkEveryMs: options.checkEveryMs ?? 1_000,
      stuckAfterMs: options.stuckAfterMs ?? 3_000,
      joinGraceMs: options.joinGraceMs ?? 5_000,
      logIntervalMs: options.logIntervalMs ?? 10_000,
      now: options.now ?? Date.now,
    };
    this.answeredChangedAt = this.settings.now();
  }

  get health(): Health {
    return this.last;
  }

  start(): void {
    this.timer = setInterval(() => this.check(), this.settings.checkEveryMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** One look (public for tests): updates `health` and logs a change. */
  check(): Health {
    const now = this.settings.now();
    const next = this.assess(now);
    if (next.health !== 'ok') {
      this.logger.throttled(`stuck:${next.health}`, this.settings.logIntervalMs, 'warn', 'no-progress', { health: next.health, reason: next.problem });
    } else if (this.last.health !== 'ok') {
      this.logger.info('progress-resumed', { after: this.last.health });
      this.logger.reset(`stuck:${this.last.health}`);
    }
    this.last = next;
    return next;
  }

  private assess(now: number): Health {
    const heard = this.peersHeard(now);
    const answered = this.inputs.answered();
    if (answered !== this.lastAnswered) { this.lastAnswered = answered; this.answeredChangedAt = now; }
    const roles = this.inputs.roles();
    const joining = roles.includes('Bootstrap') || roles.includes('Seed');
    if (!joining) this.joiningSince = undefined;
    else this.joiningSince ??= now;
    if (this.joiningSince !== undefined && now - this.joiningSince >= this.settings.joinGraceMs) {
      return { health: 'joining', problem: `not a member yet: no node answered its Join for ${Math.round((now - this.joiningSince) / 1000)} s (is a majority of the cluster down?)` };
    }
    const { count, oldestMs } = this.inputs.waiting();
    const stuck = count > 0 && oldestMs >= this.settings.stuckAfterMs && now - this.answeredChangedAt >= this.settings.stuckAfterMs;
    if (!stuck) return { health: 'ok', problem: null };
    const v = this.inputs.view();
    const cluster = this.inputs.peers.length;
    const majority = Math.floor(cluster / 2) + 1;
    if (heard.length + 1 < majority) {
      return { health: 'no-quorum', problem: `no quorum reachable: heard from nodes [${heard.join(', ')}] of [${this.inputs.peers.filter((p) => p !== this.inputs.self).join(', ')}] lately; a majority is ${majority} of ${cluster}` };
    }
    if (v.scoutBallot !== null && ballotLess(v.scoutBallot, v.aBallot)) {
      return { health: 'preempted', problem: `promise refused by a higher ballot: this node's scout runs ballot ${show(v.scoutBallot)}, node ${v.aBallot.leader} holds promises for ${show(v.aBallot)}` };
    }
    const leader = v.aBallot.leader;
    if (!v.lActive && leader !== 0 && leader !== this.inputs.self && !heard.includes(leader)) {
      return { health: 'leader-silent', problem: `its leader, node ${leader}, has been silent: waiting for a leader to be elected` };
    }
    return { health: 'stalled', problem: `${count} requests waiting (oldest ${Math.round(oldestMs / 1000)} s), none answered lately; executed up to slot ${v.slotOut - 1}, leader ${leader === 0 ? 'none yet' : `node ${leader}`}, ballot ${show(v.aBallot)}` };
  }

  /** Peers whose link is open or that sent something within the last two stuck intervals. */
  private peersHeard(now: number): number[] {
    const heard: number[] = [];
    for (const id of this.inputs.peers) {
      if (id === this.inputs.self) continue;
      const p = this.inputs.peer(id);
      if (p === undefined) continue;
      const before = this.heardAt.get(id);
      // When its count last changed (a first look at a non-zero count: assumed recent).
      if (before === undefined || p.received !== before.received) this.heardAt.set(id, { received: p.received, at: p.received > 0 ? now : -Infinity });
      if (p.open || now - this.heardAt.get(id)!.at < 2 * this.settings.stuckAfterMs) heard.push(id);
    }
    return heard;
  }
}
