/**
 * A cluster of `paxos node` processes on one machine: `paxos cluster`, the chaos run and the
 * tests start, kill and restart nodes through this. Each node is a child process of its
 * own (a SIGKILL takes exactly one node), listening on `basePort + i - 1` for peers and
 * `+ CLIENT_PORT_OFFSET` for clients, with its data in `<dataDir>/node<i>`.
 *
 * A node counts as up once its client port answers an authenticated open. A node that died
 * other than by a clean stop gets a crash line in its trace part (recordCrash), so a run
 * that ends with it dead still checks.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatPeers, type PeerEntry } from '../args.js';
import { type ClientAddress, ClientConnection } from '../client/connection.js';
import { CLIENT_ID_MIN, CLIENT_PORT_OFFSET } from '../client/protocol.js';
import { partPath, recordCrash } from '../../trace/format/partFile.js';
import { META_FILE } from '../../storage/meta.js';
import { EXIT_ADDRESS_IN_USE } from '../exitCodes.js';
import { defaultRunId } from '../runId.js';

export interface LocalClusterOptions {
  readonly nodes: number;
  readonly host: string;
  readonly basePort: number;
  readonly dataDir: string;
  readonly keyFile: string;
  readonly key: Buffer;
  readonly app: 'bank' | 'kv';
  readonly traceDir?: string;
  readonly runId?: string;
  readonly verbose?: boolean;
  /** Each line a node writes (its JSON log lines), with its id. */
  readonly onLine?: (node: number, line: string) => void;
  /** A node exited without being asked to (code or signal). */
  readonly onUnexpectedExit?: (node: number, how: string) => void;
  /** How long a node may take to come up (default 60 s: tsx compiles on a loaded machine). */
  readonly startTimeoutMs?: number;
  /** More `paxos node` options for every node (e.g. `--window 64`). */
  readonly nodeArgs?: readonly string[];
  /** Options of the node runtime itself for every node process (e.g. `--cpu-prof`, for profiling). */
  readonly execArgv?: readonly string[];
}

interface Child {
  readonly process: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  expectExit: boolean;
  /** Until it serves clients: an exit then fails start(). */
  starting: boolean;
  /** This process's last output lines, quoted when it fails (a CI log may be all there is). */
  readonly lastLines: string[];
}

/** Output lines of a child kept for its failure report. */
const KEPT_LINES = 4;
/** Starts again of a node whose port was in use (see start). */
const PORT_RETRIES = 3;

/** A node process that exited before it served clients. */
export class StartFailure extends Error {
  override readonly name = 'StartFailure';
  constructor(message: string, readonly portInUse: boolean) {
    super(message);
  }
}

/** bin/paxos.mjs of this package, found from this file (src/ with tsx, or dist/). */
export function paxosBin(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'bin', 'paxos.mjs');
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new Error('cannot find bin/paxos.mjs above src/cli/cluster');
}

export class LocalCluster {
  readonly peers: PeerEntry[];
  /** The run id every node's trace part carries. */
  readonly runId: string;
  private readonly children = new Map<number, Child>();

  constructor(private readonly options: LocalClusterOptions) {
    this.peers = Array.from({ length: options.nodes }, (_, i) => ({ id: i + 1, host: options.host, port: options.basePort + i }));
    this.runId = options.runId ?? defaultRunId(options.key, this.peers);
  }

  clientAddress(id: number): ClientAddress {
    return { host: this.options.host, port: this.options.basePort + id - 1 + CLIENT_PORT_OFFSET };
  }

  dataDirOf(id: number): string {
    return join(this.options.dataDir, `node${id}`);
  }

  isRunning(id: number): boolean {
    return this.children.has(id);
  }

  /** The process id of node `id` while it runs (benchmarks read its CPU time). */
  pid(id: number): number | undefined {
    return this.children.get(id)?.process.pid;
  }

  /**
   * Starts node `id` (new if its data directory holds no node yet) and waits until it serves
   * clients. A node whose port is in use is started again, up to PORT_RETRIES times a second
   * apart: while it was down, the kernel may have lent its port to a connection for a moment.
   */
  async start(id: number): Promise<{ isNew: boolean }> {
    if (this.children.has(id)) throw new Error(`node ${id} is already running`);
    const isNew = !this.holdsNode(id);
    for (let attempt = 1; ; attempt++) {
      try {
        // A new node that failed to listen may have made its data directory: it restarts from it.
        await this.spawnNode(id, !this.holdsNode(id));
        return { isNew };
      } catch (e) {
        if (!(e instanceof StartFailure) || !e.portInUse || attempt > PORT_RETRIES) throw e;
        this.options.onLine?.(id, JSON.stringify({ level: 'warn', node: id, event: 'port-in-use', attempt, note: 'starting it again in 1 s' }));
        await new Promise((r) => setTimeout(r, 1_000));
      }
    }
  }

  private holdsNode(id: number): boolean {
    return existsSync(join(this.dataDirOf(id), META_FILE));
  }

  private async spawnNode(id: number, isNew: boolean): Promise<void> {
    const args = [
      paxosBin(), 'node', '--id', String(id), '--peers', formatPeers(this.peers), '--data-dir', this.dataDirOf(id),
      '--key-file', resolve(this.options.keyFile), '--app', this.options.app,
      ...(isNew ? ['--new'] : []),
      ...(this.options.traceDir !== undefined ? ['--trace-dir', this.options.traceDir] : []),
      '--run-id', this.runId,
      ...(this.options.verbose ? ['--verbose'] : []),
      ...(this.options.nodeArgs ?? []),
    ];
    const child = spawn(process.execPath, [...(this.options.execArgv ?? []), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    // 'close', not 'exit': its output is all read then, so a node that fails to start has
    // said why before anyone reports it (a chaos run once lost that line).
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => {
      child.once('close', (code, signal) => done({ code, signal }));
    });
    const entry: Child = { process: child, exited, expectExit: false, starting: true, lastLines: [] };
    this.children.set(id, entry);
    for (const stream of [child.stdout!, child.stderr!]) {
      forwardLines(stream, (line) => {
        entry.lastLines.push(line);
        if (entry.lastLines.length > KEPT_LINES) entry.lastLines.shift();
        this.options.onLine?.(id, line);
      });
    }
    void exited.then(({ code, signal }) => {
      if (this.children.get(id) === entry) this.children.delete(id);
      if (!entry.expectExit) {
        this.recordCrash(id, `exited unexpectedly (${signal ?? `code ${code}`})`);
        // An exit while starting is start()'s failure to report (or retry), not a crash.
        if (!entry.starting) this.options.onUnexpectedExit?.(id, `${signal ?? `exit code ${code}`}${lastWords(entry)}`);
      }
    });
    try {
      await this.waitUp(id, entry);
    } finally {
      entry.starting = false;
    }
  }

  async startAll(): Promise<void> {
    // One at a time: starting five tsx processes at once on two cores only makes each slower.
    for (const p of this.peers) await this.start(p.id);
  }

  /** Kills node `id` with `signal` (default SIGKILL) and waits for it to be gone. */
  async kill(id: number, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.children.get(id);
    if (child === undefined) return;
    child.expectExit = true;
    child.process.kill(signal);
    await child.exited;
    this.children.delete(id);
    // The killed process could not say it died: the supervisor does, in its trace part.
    if (signal === 'SIGKILL') this.recordCrash(id, `killed with ${signal}`);
  }

  /** A clean stop (SIGTERM): the node syncs its log and ends its trace part; SIGKILL after `graceMs`. */
  async stop(id: number, graceMs = 15_000): Promise<void> {
    const child = this.children.get(id);
    if (child === undefined) return;
    child.expectExit = true;
    child.process.kill('SIGTERM');
    const timer = setTimeout(() => child.process.kill('SIGKILL'), graceMs);
    const { signal } = await child.exited;
    clearTimeout(timer);
    this.children.delete(id);
    if (signal === 'SIGKILL') this.recordCrash(id, 'did not stop within the grace period: killed');
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.children.keys()].map((id) => this.stop(id)));
  }

  private recordCrash(id: number, note: string): void {
    if (this.options.traceDir === undefined) return;
    try {
      recordCrash(partPath(this.options.traceDir, this.runId, id), note);
    } catch (e) {
      this.options.onLine?.(id, JSON.stringify({ level: 'error', node: id, event: 'crash-not-recorded', error: (e as Error).message }));
    }
  }

  private async waitUp(id: number, entry: Child): Promise<void> {
    const deadline = Date.now() + (this.options.startTimeoutMs ?? 60_000);
    let gone: string | undefined;
    let portInUse = false;
    void entry.exited.then(({ code, signal }) => { gone = signal ?? `exit code ${code}`; portInUse = code === EXIT_ADDRESS_IN_USE; });
    for (;;) {
      if (gone !== undefined) {
        throw new StartFailure(`node ${id} exited while starting (${gone})${lastWords(entry)}`, portInUse);
      }
      try {
        const c = await ClientConnection.open({ address: this.clientAddress(id), key: this.options.key, clientId: CLIENT_ID_MIN + id, timeoutMs: 2_000 });
        c.close();
        return;
      } catch {
        if (Date.now() > deadline) throw new Error(`node ${id} did not come up within ${this.options.startTimeoutMs ?? 60_000} ms`);
        await new Promise((r) => setTimeout(r, 150));
      }
    }
  }
}

/** The child's last output lines, for a failure message: ", its last output: ...". */
function lastWords(entry: Child): string {
  return entry.lastLines.length === 0 ? '; it wrote nothing' : `; its last output:\n      ${entry.lastLines.join('\n      ')}`;
}

function forwardLines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let partial = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop()!;
    for (const line of parts) if (line.length > 0) onLine(line);
  });
  stream.on('end', () => { if (partial.length > 0) onLine(partial); });
}
