/** Shared by the CLI tests: a captured CommandIo, free loopback ports, and the paxos binary. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { CommandIo } from '../../src/cli/commands/io.js';
import { findFreeBasePort } from '../../src/cli/cluster/ports.js';

export const PAXOS = fileURLToPath(new URL('../../bin/paxos.mjs', import.meta.url));

export interface Captured extends CommandIo {
  readonly stdout: string[];
  readonly stderr: string[];
  readonly logs: string[];
}

export function captureIo(): Captured {
  const stdout: string[] = []; const stderr: string[] = []; const logs: string[] = [];
  return {
    stdout, stderr, logs,
    out: (t) => { stdout.push(t); }, err: (t) => { stderr.push(t); }, log: (l) => { logs.push(l); },
    onSignals: () => undefined,
  };
}

/** A base port whose cluster ports are free now (see src/cli/cluster/ports.ts). */
export const freeBasePort = findFreeBasePort;

export interface Run { code: number | null; stdout: string; stderr: string }

/** Runs `paxos ...args` to completion. */
export function runPaxos(args: readonly string[], timeoutMs = 60_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [PAXOS, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = ''; let stderr = '';
    child.stdout!.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`paxos ${args.join(' ')} did not finish in ${timeoutMs} ms`)); }, timeoutMs);
    child.on('exit', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
  });
}

/** Starts `paxos ...args` and leaves it running; the caller kills it. */
export function startPaxos(args: readonly string[]): { child: ChildProcess; stdout: () => string; stderr: () => string } {
  const child = spawn(process.execPath, [PAXOS, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = ''; let stderr = '';
  child.stdout!.on('data', (d: Buffer) => { stdout += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
  return { child, stdout: () => stdout, stderr: () => stderr };
}

export async function waitFor(what: string, ok: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
