/**
 * Structured logs: one JSON object per line on standard error, with `t` (ISO time), `level`,
 * `node` and `event`, so that lines from several processes can be merged and filtered with
 * ordinary tools. Quiet by default (lifecycle lines and problems: info and above);
 * `--verbose` adds debug lines. A repeated problem is said at most once per interval, with
 * how many times it happened since (`throttled`): a flood of bad frames or a cluster stuck for
 * an hour must not fill a disk.
 */
export type Level = 'debug' | 'info' | 'warn' | 'error';
const RANK: Record<Level, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export interface LoggerOptions {
  readonly node?: number;
  readonly verbose?: boolean;
  readonly write?: (line: string) => void;
  readonly now?: () => number;
}

export class Logger {
  private readonly threshold: number;
  private readonly write: (line: string) => void;
  private readonly now: () => number;
  /** key -> when it was last said, and how often it happened since. */
  private readonly lastSaid = new Map<string, { at: number; suppressed: number }>();

  constructor(private readonly options: LoggerOptions = {}) {
    this.threshold = RANK[options.verbose ? 'debug' : 'info'];
    this.write = options.write ?? ((line) => process.stderr.write(line + '\n'));
    this.now = options.now ?? Date.now;
  }

  log(level: Level, event: string, fields: Record<string, unknown> = {}): void {
    if (RANK[level] < this.threshold) return;
    const line: Record<string, unknown> = { t: new Date(this.now()).toISOString(), level };
    if (this.options.node !== undefined) line.node = this.options.node;
    line.event = event;
    for (const [k, v] of Object.entries(fields)) if (v !== undefined && !(k in line)) line[k] = v;
    this.write(JSON.stringify(line));
  }

  debug(event: string, fields?: Record<string, unknown>): void { this.log('debug', event, fields); }
  info(event: string, fields?: Record<string, unknown>): void { this.log('info', event, fields); }
  warn(event: string, fields?: Record<string, unknown>): void { this.log('warn', event, fields); }
  error(event: string, fields?: Record<string, unknown>): void { this.log('error', event, fields); }

  /** Logs under `key` at most once per `intervalMs`; the next line says how many were held back. */
  throttled(key: string, intervalMs: number, level: Level, event: string, fields: Record<string, unknown> = {}): void {
    const now = this.now();
    const seen = this.lastSaid.get(key);
    if (seen !== undefined && now - seen.at < intervalMs) {
      seen.suppressed++;
      return;
    }
    this.log(level, event, seen !== undefined && seen.suppressed > 0 ? { ...fields, repeated: seen.suppressed } : fields);
    this.lastSaid.set(key, { at: now, suppressed: 0 });
    // Bounded: a key per (reason, peer) at most, but an attacker can vary peers; forget old ones.
    if (this.lastSaid.size > 1024) {
      for (const [k, v] of this.lastSaid) if (now - v.at >= intervalMs) this.lastSaid.delete(k);
    }
  }

  /** Forgets `key`, so that the next problem under it is said at once (e.g. after a recovery). */
  reset(key: string): void {
    this.lastSaid.delete(key);
  }

  /** A line from a component that logs JSON itself (the transport): re-emitted with our fields. */
  relayJson(level: Level, line: string): void {
    let fields: Record<string, unknown>;
    try {
      const parsed = JSON.parse(line) as unknown;
      fields = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? parsed as Record<string, unknown> : { message: line };
    } catch {
      fields = { message: line };
    }
    const event = typeof fields.event === 'string' ? fields.event : 'log';
    const { event: _e, node: _n, ...rest } = fields;
    void _e; void _n;
    this.log(level, event, rest);
  }
}
