/**
 * `npm run tlc:install`: downloads tla2tools.jar (TLC) into .tlc/. The v1.8.0 release of
 * tlaplus/tlaplus is rebuilt in place upstream, so no checksum can be pinned; instead the
 * download must be a zip of plausible size, and, when java is present, must run and print
 * TLC's version line.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export const TLC_JAR_URL = 'https://github.com/tlaplus/tlaplus/releases/download/v1.8.0/tla2tools.jar';
/** Give up on a download that takes longer than this. */
export const DOWNLOAD_TIMEOUT_MS = 120_000;
/** A real tla2tools.jar is several MB; anything under this is an error page, not the jar. */
export const MIN_JAR_BYTES = 1_000_000;

export class InstallError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InstallError';
  }
}

export interface InstallOptions {
  dest: string;
  url?: string;
  fetchImpl?: typeof fetch;
  timeoutMs?: number;
  /** java used to check the jar runs; undefined skips that check. */
  java?: string;
  log?: (s: string) => void;
}

function describe(e: unknown): string {
  const err = e as { message?: string; cause?: { code?: string; message?: string }; name?: string };
  if (err?.name === 'TimeoutError' || err?.name === 'AbortError') return 'timed out';
  const cause = err?.cause?.code ?? err?.cause?.message;
  return cause ? `${err.message ?? 'failed'} (${cause})` : (err?.message ?? String(e));
}

export async function installTlc(opts: InstallOptions): Promise<{ path: string; bytes: number; version?: string }> {
  const url = opts.url ?? TLC_JAR_URL;
  const log = opts.log ?? (() => {});
  const doFetch = opts.fetchImpl ?? fetch;
  log(`downloading ${url}\n`);
  let body: Buffer;
  try {
    const res = await doFetch(url, { redirect: 'follow', signal: AbortSignal.timeout(opts.timeoutMs ?? DOWNLOAD_TIMEOUT_MS) });
    if (!res.ok) throw new InstallError(`download of ${url} failed: HTTP ${res.status}`);
    body = Buffer.from(await res.arrayBuffer());
  } catch (e) {
    if (e instanceof InstallError) throw e;
    throw new InstallError(`could not download ${url}: ${describe(e)}. Are you offline? Download tla2tools.jar by hand and set TLA2TOOLS_JAR, or put it at ${opts.dest}`);
  }
  if (body.length < MIN_JAR_BYTES || body[0] !== 0x50 || body[1] !== 0x4b) {
    throw new InstallError(`${url} did not return a jar (${body.length} bytes)`);
  }
  mkdirSync(dirname(opts.dest), { recursive: true });
  const tmp = `${opts.dest}.part`;
  writeFileSync(tmp, body);
  let version: string | undefined;
  if (opts.java) {
    const r = spawnSync(opts.java, ['-cp', tmp, 'tlc2.TLC', '-h'], { encoding: 'utf8', timeout: 60_000 });
    version = /TLC2 Version[^\n]*/.exec(`${r.stdout ?? ''}${r.stderr ?? ''}`)?.[0];
    if (version === undefined) {
      rmSync(tmp, { force: true });
      throw new InstallError(`the downloaded jar does not run as TLC (java -cp jar tlc2.TLC -h printed no "TLC2 Version" line)`);
    }
  } else {
    log('java not found: the jar was not test-run (install a JDK 11+ to use TLC)\n');
  }
  renameSync(tmp, opts.dest);
  return { path: opts.dest, bytes: body.length, ...(version ? { version } : {}) };
}
