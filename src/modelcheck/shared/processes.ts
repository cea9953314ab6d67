/**
 * Every process and worker thread the driver starts, so that all of them stop when check-spec is
 * stopped. TLC runs in its own process group (so that a timeout can stop java and anything it
 * started), which also means a signal sent to check-spec's group (Ctrl-C, `timeout`, a CI
 * runner cancelling the job) never reaches it: check-spec has to pass the signal on.
 */
import type { ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import type { Worker } from 'node:worker_threads';

const children = new Set<ChildProcess>();
const workers = new Set<Worker>();

/** Registers a child started with `detached: true` (its own process group) until it exits. */
export function trackChild(child: ChildProcess): void {
  children.add(child);
  child.once('exit', () => children.delete(child));
  child.once('error', () => children.delete(child));
}

export function trackWorker(worker: Worker): void {
  workers.add(worker);
  worker.once('exit', () => workers.delete(worker));
}

/** Signals a child's whole process group (java and whatever it started); false if it is gone. */
export function signalGroup(child: ChildProcess, signal: NodeJS.Signals): boolean {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, signal);
    else child.kill(signal);
    return true;
  } catch {
    return false; // already gone
  }
}

export function runningChildren(): number {
  return children.size;
}

/** How long TLC gets to exit after SIGTERM before it is killed (it only removes its scratch files). */
export const STOP_GRACE_MS = 2000;

/** Sends SIGTERM to every tracked child, SIGKILL to those still running after `graceMs`, and ends every worker thread. */
export async function stopAll(graceMs = STOP_GRACE_MS): Promise<void> {
  const running = [...children];
  for (const c of running) signalGroup(c, 'SIGTERM');
  await Promise.all([...workers].map((w) => w.terminate().catch(() => undefined)));
  const deadline = Date.now() + graceMs;
  while (children.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  for (const c of running) signalGroup(c, 'SIGKILL');
}

const STOP_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Makes SIGINT, SIGTERM and SIGHUP stop every tracked process and thread, then exit with
 * 128 + the signal's number, as a process killed by it would. For the command-line entry point
 * only: a library must not take over its host's signals.
 */
export function stopAllOnSignals(say: (line: string) => void = (l) => process.stderr.write(l)): void {
  let stopping = false;
  for (const signal of STOP_SIGNALS) {
    process.on(signal, () => {
      if (stopping) return; // a second Ctrl-C while stopping changes nothing
      stopping = true;
      const n = children.size;
      say(`check-spec: ${signal}: stopping ${n} process${n === 1 ? '' : 'es'} and the worker threads it started\n`);
      void stopAll().finally(() => process.exit(128 + (constants.signals[signal] ?? 15)));
    });
  }
}
