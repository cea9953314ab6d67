/**
 * Runs one java process of TLC in its own process group, feeding its stdout to a consumer as it
 * streams, and stops it (and anything it started) at a time limit or when asked.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { constants as osConstants } from 'node:os';
import { signalGroup, trackChild } from '../shared/processes.js';

export interface JavaRun {
  /** The exit code, or 128 + n for a process killed by signal n (as a shell reports it). */
  code: number | undefined;
  stderr: string;
  timedOut: boolean;
  /** java could not be started at all. */
  spawnError?: string;
}

export interface JavaProcess {
  child: ChildProcess;
  /** Resolves when the process has exited and its output is read. */
  done: Promise<JavaRun>;
  /** SIGTERM to the process group, SIGKILL after `graceMs` if it is still there. */
  stop: (graceMs?: number) => void;
}

/** Keep this much of stderr: enough for java's complaint, bounded for a runaway process. */
const STDERR_KEPT_CHARS = 64_000;

export function startJava(java: string, args: string[], opts: { cwd: string; onStdout: (chunk: string) => void; timeoutMs?: number }): JavaProcess {
  // Own process group, so stopping it stops TLC and anything it started.
  const child = spawn(java, args, { cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  trackChild(child);
  let stderr = '';
  let timedOut = false;
  let exited = false;
  const stop = (graceMs = 2000) => {
    if (exited) return;
    signalGroup(child, 'SIGTERM');
    setTimeout(() => { if (!exited) signalGroup(child, 'SIGKILL'); }, graceMs).unref();
  };
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', opts.onStdout);
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (c: string) => { if (stderr.length < STDERR_KEPT_CHARS) stderr += c; });
  const done = new Promise<JavaRun>((resolve) => {
    const timer = opts.timeoutMs !== undefined && opts.timeoutMs > 0
      ? setTimeout(() => { timedOut = true; stop(); }, opts.timeoutMs)
      : undefined;
    child.on('error', (e) => {
      exited = true;
      if (timer) clearTimeout(timer);
      resolve({ code: undefined, stderr, timedOut, spawnError: e.message });
    });
    child.on('close', (code, signal) => {
      exited = true;
      if (timer) clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 + (osConstants.signals[signal] ?? 0) : undefined), stderr, timedOut });
    });
  });
  return { child, done, stop };
}
