/**
 * The package as a dependent gets it: `npm pack` (which runs `prepare`, building dist/ from
 * src/ only) gives a tarball holding the library and the message schemas it reads at run time,
 * and `import { Member, bank } from 'paxos-reference'` runs a 3-member in-memory cluster from
 * it. Nothing is downloaded: the tarball is unpacked into a temporary node_modules and the
 * runtime dependencies its package.json names are linked from this repository's.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const CLUSTER_SCRIPT = `
import { Member, InMemoryNetwork, bank } from 'paxos-reference';
const net = new InMemoryNetwork();
const peers = [1, 2, 3];
const members = peers.map((id) => new Member(bank, net.transport(id), peers, { id }));
members.forEach((m) => m.start());
const outputs = [
  await members[0].invoke({ op: 'open', account: 'alice' }),
  await members[1].invoke({ op: 'deposit', account: 'alice', amount: 100 }),
  await members[2].invoke({ op: 'balance', account: 'alice' }),
];
members.forEach((m) => m.stop());
console.log(JSON.stringify(outputs));
`;

describe('npm package', () => {
  it('packs the library only, and a dependent imports it and runs a cluster', () => {
    const dir = mkdtempSync(join(tmpdir(), 'paxos-pack-'));
    const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', dir], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })) as
      { filename: string; files: { path: string }[] }[];
    const files = packed[0]!.files.map((f) => f.path);
    expect(files).toContain('dist/index.js');
    expect(files).toContain('dist/index.d.ts');
    expect(files).toContain('traces/schemas/messages/Prepare.schema.json');
    // The library, the schemas it reads at run time, the `paxos` command's launcher; no tests, scripts or sources.
    expect(files.filter((f) => !/^(dist\/|bin\/|traces\/schemas\/|package\.json$|README\.md$|LICENSE)/.test(f))).toEqual([]);
    expect(files.some((f) => f.startsWith('dist/test/') || f.startsWith('dist/scripts/') || f.startsWith('dist/src/'))).toBe(false);

    const app = join(dir, 'app');
    const pkg = join(app, 'node_modules', 'paxos-reference');
    mkdirSync(pkg, { recursive: true });
    execFileSync('tar', ['xzf', join(dir, packed[0]!.filename), '-C', pkg, '--strip-components=1']);
    // The runtime dependencies the package names; theirs resolve through the links' real paths.
    const deps = Object.keys((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies);
    expect(deps).toContain('ajv');
    for (const dep of deps) symlinkSync(join(ROOT, 'node_modules', dep), join(app, 'node_modules', dep));
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', type: 'module', private: true }));
    writeFileSync(join(app, 'cluster.mjs'), CLUSTER_SCRIPT);
    const out = execFileSync(process.execPath, ['cluster.mjs'], { cwd: app, encoding: 'utf8', timeout: 30_000 });
    expect(JSON.parse(out)).toEqual([
      { ok: true, op: 'open', account: 'alice' },
      { ok: true, op: 'deposit', account: 'alice', balance: 100 },
      { ok: true, op: 'balance', account: 'alice', balance: 100 },
    ]);
  }, 120_000);
});
