/**
 * A real headless browser for the viewer's tests: Debian's `chromium`, driven by
 * playwright-core (which downloads no browser). When chromium is missing the setup installs
 * it with apt-get if it runs as root and apt is there; otherwise the browser tests are
 * skipped with a message saying what to install. The machine's network is closed, so every
 * flag that would make Chromium reach out is off, and each launch gets a fresh profile.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

function found(): string | null {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv !== undefined && fromEnv !== '' && existsSync(fromEnv)) return fromEnv;
  return CANDIDATES.find((p) => existsSync(p)) ?? null;
}

/** With its recommended packages: fonts-liberation, without which the screenshots' labels have no font. */
function tryApt(): string | null {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = (): void => { execFileSync('apt-get', ['install', '-y', 'chromium'], { env, stdio: 'ignore', timeout: 600_000 }); };
  try {
    install();
  } catch {
    // The package lists may be missing or stale on a fresh machine.
    execFileSync('apt-get', ['update'], { env, stdio: 'ignore', timeout: 300_000 });
    install();
  }
  return found();
}

/** The path of chromium, installing it when possible, or the reason the browser tests cannot run. */
export function ensureChromium(): { path: string } | { skip: string } {
  const path = found();
  if (path !== null) return { path };
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  const apt = existsSync('/usr/bin/apt-get');
  if (!root || !apt) {
    return { skip: `chromium is not installed (${CANDIDATES.join(' or ')}) and this test ${!apt ? 'has no apt-get' : 'is not root'} to install it: run \`apt-get install -y chromium\` (or set CHROMIUM_PATH) to run the viewer's browser tests` };
  }
  try {
    const installed = tryApt();
    if (installed !== null) return { path: installed };
    return { skip: 'apt-get install chromium ran but no chromium binary appeared' };
  } catch (e) {
    return { skip: `apt-get install -y chromium failed (${(e as Error).message.split('\n')[0]}): the viewer's browser tests are skipped` };
  }
}

export interface Browser { context: BrowserContext; close: () => Promise<void> }

/** A browser with a fresh profile directory, removed on close. */
export async function launch(path: string): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'viewer-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: path, headless: true, args: CHROMIUM_ARGS, viewport: { width: 1440, height: 900 },
  });
  return {
    context,
    close: async () => { await context.close(); rmSync(profile, { recursive: true, force: true }); },
  };
}
