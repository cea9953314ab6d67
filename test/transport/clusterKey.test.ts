/** The cluster key file: generated once, read by every node, every mistake named clearly. */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ClusterKeyError, GENERATED_KEY_BYTES, generateClusterKey, readClusterKey } from '../../src/transport/clusterKey.js';

describe('cluster key file', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'paxos-key-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('generateClusterKey writes 32 random bytes as hex, mode 0600, and readClusterKey reads them back', () => {
    const path = join(dir, 'cluster.key');
    const key = generateClusterKey(path);
    expect(key).toHaveLength(GENERATED_KEY_BYTES);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const warnings: string[] = [];
    expect(readClusterKey(path, { warn: (w) => warnings.push(w) })).toEqual(key);
    expect(warnings).toEqual([]);
    expect(generateClusterKey(join(dir, 'other.key'))).not.toEqual(key);
  });

  it('never overwrites an existing key', () => {
    const path = join(dir, 'cluster.key');
    const key = generateClusterKey(path);
    expect(() => generateClusterKey(path)).toThrow(/already exists/);
    expect(readClusterKey(path)).toEqual(key);
  });

  it('names the problem: missing file, empty, not hex, odd digits, too short, a directory, too large', () => {
    const write = (name: string, text: string) => { const p = join(dir, name); writeFileSync(p, text, { mode: 0o600 }); return p; };
    const cases: [string, RegExp][] = [
      [join(dir, 'absent.key'), /does not exist; create it once \(paxos keygen FILE, or generateClusterKey\(\) from the library\)/],
      [write('empty.key', '  \n'), /is empty/],
      [write('text.key', 'correct horse battery staple'), /must hold the key as hex digits/],
      [write('odd.key', 'a'.repeat(65)), /must hold the key as hex digits/],
      [write('two.key', `${'ab'.repeat(32)}\r\n${'cd'.repeat(32)}`), /must hold the key as hex digits/],
      [write('short.key', 'ab'.repeat(31)), /is 31 bytes; at least 32 are needed \(64 hex digits\)/],
      [(mkdirSync(join(dir, 'sub')), join(dir, 'sub')), /is not a regular file/],
      [write('huge.key', 'ab'.repeat(5000)), /is 10000 bytes; a key file is at most 4096/],
    ];
    for (const [path, message] of cases) {
      expect(() => readClusterKey(path)).toThrow(ClusterKeyError);
      expect(() => readClusterKey(path)).toThrow(message);
    }
  });

  it('accepts surrounding whitespace and upper-case hex; warns (only) when group or others can read the file, group alone included', () => {
    const path = join(dir, 'shared.key');
    writeFileSync(path, `\n  ${'AB'.repeat(32)}  \n`);
    chmodSync(path, 0o644);
    const warnings: string[] = [];
    expect(readClusterKey(path, { warn: (w) => warnings.push(w) })).toEqual(Buffer.alloc(32, 0xab));
    expect(warnings).toEqual([expect.stringMatching(/mode 0644: readable by group or others; chmod 600/)]);
    chmodSync(path, 0o640);
    readClusterKey(path, { warn: (w) => warnings.push(w) });
    expect(warnings[1]).toMatch(/mode 0640: readable by group or others/);
  });
});
