import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { installTlc, InstallError, MIN_JAR_BYTES, TLC_JAR_URL } from '../../src/modelcheck/tlc/install.js';
import { FAKE_JAVA, FIXTURES } from './helpers.js';

// No test reaches the network: fetch is injected, or points at a closed local port.
const dest = () => join(mkdtempSync(join(tmpdir(), 'tlc-install-unit-')), '.tlc', 'tla2tools.jar');
const reply = (body: Uint8Array, status = 200) => (async () => new Response(body, { status })) as unknown as typeof fetch;

describe('tlc:install', () => {
  it('pins the v1.8.0 release of tlaplus/tlaplus', () => {
    expect(TLC_JAR_URL).toBe('https://github.com/tlaplus/tlaplus/releases/download/v1.8.0/tla2tools.jar');
  });

  it('fails fast offline (connection refused) with a clear InstallError', async () => {
    const d = dest();
    const t0 = Date.now();
    const err = await installTlc({ dest: d, url: 'http://127.0.0.1:2/tla2tools.jar' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InstallError);
    expect((err as Error).message).toMatch(/^could not download http:\/\/127\.0\.0\.1:2\/tla2tools\.jar: .*ECONNREFUSED.*Are you offline\?/);
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(existsSync(d)).toBe(false);
  });

  it('rejects an HTTP error and a body that is not a jar', async () => {
    await expect(installTlc({ dest: dest(), fetchImpl: reply(new Uint8Array(0), 404) })).rejects.toThrow(/HTTP 404/);
    await expect(installTlc({ dest: dest(), fetchImpl: reply(new TextEncoder().encode('<html>rate limited</html>')) })).rejects.toThrow(/did not return a jar \(25 bytes\)/);
  });

  it('writes a zip-looking download of plausible size (java check skipped without java)', async () => {
    const body = new Uint8Array(MIN_JAR_BYTES + 10);
    body[0] = 0x50; // "PK": zip magic
    body[1] = 0x4b;
    const d = dest();
    const logs: string[] = [];
    const r = await installTlc({ dest: d, fetchImpl: reply(body), log: (s) => logs.push(s) });
    expect(r).toEqual({ path: d, bytes: MIN_JAR_BYTES + 10 });
    expect(readFileSync(d).length).toBe(MIN_JAR_BYTES + 10);
    expect(logs.join('')).toContain('java not found: the jar was not test-run');
  });

  it('test-runs the jar with java and keeps it only if it prints a TLC version line', async () => {
    const body = new Uint8Array(MIN_JAR_BYTES);
    body[0] = 0x50;
    body[1] = 0x4b;
    const bad = dest();
    delete process.env.FAKE_TLC_TRANSCRIPT; // the fake java then prints nothing
    await expect(installTlc({ dest: bad, fetchImpl: reply(body), java: FAKE_JAVA })).rejects.toThrow(/does not run as TLC/);
    expect(existsSync(bad)).toBe(false);
    expect(existsSync(`${bad}.part`)).toBe(false);
    process.env.FAKE_TLC_TRANSCRIPT = join(FIXTURES, 'ok-tool.out'); // prints TLC's version banner
    try {
      const good = dest();
      const r = await installTlc({ dest: good, fetchImpl: reply(body), java: FAKE_JAVA });
      expect(r.version).toBe('TLC2 Version 2026.04.29.170100 (rev: cc6b616)');
      expect(existsSync(good)).toBe(true);
    } finally {
      delete process.env.FAKE_TLC_TRANSCRIPT;
    }
  });
});
