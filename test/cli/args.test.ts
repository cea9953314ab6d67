/**
 * Bad arguments: every command answers with ONE line on stderr and exit code 2, and --help
 * prints usage with exit code 0. Most cases run `main` in-process; two run the real binary
 * (bin/paxos.mjs), so the launcher's exit code is checked too.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { intOption, parsePeers, UsageError } from '../../src/cli/args.js';
import { parseTiming, PROCESS_TIMING } from '../../src/cli/node/timing.js';
import { clientSetup } from '../../src/cli/commands/clientOptions.js';
import { checkRunId, defaultRunId } from '../../src/cli/runId.js';
import { captureIo, runPaxos } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'cli-args-'));
const KEY = join(dir, 'cluster.key');
writeFileSync(KEY, `${'ab'.repeat(32)}\n`, { mode: 0o600 });
const PEERS = '1=127.0.0.1:7001,2=127.0.0.1:7002,3=127.0.0.1:7003';
/** A key file that does not exist: a node whose arguments all pass stops there (exit 1), before any port or directory. */
const NO_KEY = join(dir, 'absent.key');

async function usage(argv: string[]): Promise<string> {
  const io = captureIo();
  const code = await main(argv, io);
  expect(code, `paxos ${argv.join(' ')}: ${io.stderr.join(' | ')}`).toBe(2);
  expect(io.stderr).toHaveLength(1);
  expect(io.stderr[0]).not.toMatch(/\n/);
  expect(io.stdout).toEqual([]);
  return io.stderr[0]!;
}

describe('paxos command line arguments', () => {
  it.each([
    [['frobnicate'], /unknown command "frobnicate"/],
    [['node', '--id', '1', '--data-dir', dir, '--key-file', KEY], /--peers is required/],
    [['node', '--peers', PEERS, '--data-dir', dir, '--key-file', KEY], /--id is required/],
    [['node', '--id', '4', '--peers', PEERS, '--data-dir', dir, '--key-file', KEY], /--id must be a whole number in 1\.\.3, got "4"/],
    [['node', '--id', 'two', '--peers', PEERS, '--data-dir', dir, '--key-file', KEY], /--id must be a whole number/],
    [['node', '--id', '1', '--peers', '1=a:1,3=b:2', '--data-dir', dir, '--key-file', KEY], /node ids must be 1\.\.2 \(the spec.s nodes\), missing 2/],
    [['node', '--id', '1', '--peers', '1=a:99999', '--data-dir', dir, '--key-file', KEY], /port 99999 of node 1 is not in 1\.\.65535/],
    [['node', '--id', '1', '--peers', PEERS, '--data-dir', dir, '--key-file', KEY, '--app', 'chess'], /--app must be one of bank, kv/],
    [['node', '--id', '1', '--peers', PEERS, '--data-dir', dir, '--key-file', KEY, '--timing', 'warpMs=3'], /--timing entry "warpMs=3"/],
    [['node', '--id', '1', '--peers', PEERS, '--data-dir', dir, '--key-file', KEY, '--window', '0'], /--window must be a whole number in 1\.\.10000, got "0"/],
    [['node', '--id', '1', '--peers', PEERS, '--data-dir', dir, '--key-file', KEY, '--run-id', '../x'], /--run-id: a run id is/],
    [['node', '--id', '1', '--peers', PEERS, '--data-dir', dir, '--key-file', KEY, '--colour'], /node: Unknown option '--colour'/],
    [['node', '--id', '1', '--peers', PEERS, 'extra'], /node: Unexpected argument 'extra'|unexpected argument "extra"/],
    // Three refusals checked with no key file: were the argument let by, the node would fail on the key (exit 1) instead.
    // A peer port whose client port would be above 65535 needs --client-port (else the node fails binding it, exit 1).
    [['node', '--id', '1', '--peers', '1=127.0.0.1:64536', '--data-dir', dir, '--key-file', NO_KEY], /node: --client-port is required/],
    // A run id names a trace part file: nothing after the allowed characters, no path.
    [['node', '--id', '1', '--peers', PEERS, '--data-dir', dir, '--key-file', NO_KEY, '--run-id', 'run/../../escaped'], /--run-id: a run id is/],
    // A leader timeout equal to the heartbeat: followers would suspect a leader between two of its heartbeats.
    [['node', '--id', '1', '--peers', PEERS, '--data-dir', dir, '--key-file', NO_KEY, '--timing', 'heartbeatMs=3000'], /--timing leaderTimeoutMs must exceed heartbeatMs/],
    [['cluster', '--nodes', '0'], /--nodes must be a whole number in 1\.\.64, got "0"/],
    [['cluster', '--nodes', '3', '--base-port', '65000'], /--base-port must be a whole number in 1\.\./],
    // The last node's client port is base + nodes - 1 + 1000: one past 65535 is refused (a bound one too high would start
    // the node, which then refuses its client port: exit 1, not 2).
    [['cluster', '--nodes', '1', '--base-port', '64536', '--data-dir', join(dir, 'never')], /--base-port must be a whole number in 1\.\.64535, got "64536"/],
    // A node's client port is its peer port + 1000 unless --clients says otherwise: one above 65535 is a bad argument.
    [['invoke', '--peers', '1=127.0.0.1:65000', '--key-file', KEY, '{}'], /invoke: --peers: node 1's client port would be 66000 \(its port \+ 1000\), above 65535: give the client ports with --clients/],
    [['status', '--peers', '1=127.0.0.1:7001,2=127.0.0.1:64536', '--key-file', KEY], /status: --peers: node 2's client port would be 65536/],
    [['invoke', '--peers', PEERS, '--key-file', KEY], /missing command \(JSON\)/],
    [['invoke', '--peers', PEERS, '--key-file', KEY, '{op:open}'], /the command is not JSON/],
    [['invoke', '--peers', PEERS, '--key-file', KEY, '--client-id', '5', '{}'], /--client-id must be a whole number in 65536\.\./],
    [['status', '--key-file', KEY], /--peers is required/],
    [['keygen'], /missing key file/],
    [['chaos', '--nodes', '2'], /--nodes must be a whole number in 3\.\.9/],
    [['soak', '--shape', 'x'], /soak: --shape must be one of two-down-5, two-down-3, no-checkpoints, loaded-3, got "x"/],
    [['soak', '--minutes', '0'], /soak: --minutes must be a whole number in 1\.\.1440, got "0"/],
  ])('paxos %j: one line, exit 2', async (argv, message) => {
    expect(await usage(argv as string[])).toMatch(message as RegExp);
  });

  it.each(['node', 'cluster', 'invoke', 'status', 'keygen', 'chaos', 'soak'])('paxos %s --help prints its usage and exits 0', async (command) => {
    const io = captureIo();
    expect(await main([command, '--help'], io)).toBe(0);
    expect(io.stdout.join('\n')).toMatch(new RegExp(`^usage: paxos ${command}`));
    expect(io.stdout.join('\n')).toMatch(/-h, --help/);
  });

  it('paxos with no command prints the command list and exits 2; --help exits 0', async () => {
    const io = captureIo();
    expect(await main([], io)).toBe(2);
    expect(io.stdout.join('\n')).toMatch(/node .*\n.*cluster/s);
    expect(await main(['--help'], captureIo())).toBe(0);
  });

  it('arguments at their inclusive bounds pass: client port 65535, a 64-character run id, a leader timeout one above the heartbeat', async () => {
    // Every argument good, the node reads its key next: the missing key file is the one problem named (exit 1, not 2).
    const io = captureIo();
    const argv = ['node', '--id', '1', '--peers', '1=127.0.0.1:64535,2=127.0.0.1:7002', '--data-dir', join(dir, 'never'), '--key-file', NO_KEY,
      '--run-id', `r${'-'.repeat(62)}9`, '--timing', 'heartbeatMs=2999'];
    expect(await main(argv, io), io.stderr.join(' | ')).toBe(1);
    expect(io.stderr).toEqual([expect.stringMatching(/cluster key file .*absent\.key does not exist/)]);
  });

  it('a missing key file is a runtime error (exit 1), named in one line', async () => {
    const io = captureIo();
    expect(await main(['status', '--peers', PEERS, '--key-file', join(dir, 'none.key')], io)).toBe(1);
    expect(io.stderr).toEqual([expect.stringMatching(/cluster key file .*none\.key does not exist/)]);
  });

  it('a port already in use is exit 3 (start again later), named in one line; another listen failure stays exit 1', async () => {
    const squatter = createServer();
    await new Promise<void>((r) => squatter.listen(0, '127.0.0.1', r));
    const port = (squatter.address() as AddressInfo).port;
    try {
      const io = captureIo();
      const data = mkdtempSync(join(dir, 'busy-'));
      expect(await main(['node', '--id', '1', '--peers', `1=127.0.0.1:${port},2=127.0.0.1:1`, '--data-dir', data, '--key-file', KEY, '--new'], io)).toBe(3);
      expect(io.stderr).toEqual([expect.stringMatching(new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: EADDRINUSE`))]);
    } finally {
      squatter.close();
    }
    const other = captureIo();
    // 192.0.2.1 (TEST-NET-1) is no address of this machine: EADDRNOTAVAIL, not worth retrying.
    expect(await main(['node', '--id', '1', '--peers', '1=192.0.2.1:7001,2=127.0.0.1:1', '--data-dir', mkdtempSync(join(dir, 'far-')), '--key-file', KEY, '--new'], other)).toBe(1);
    expect(other.stderr).toEqual([expect.stringMatching(/cannot listen on 192\.0\.2\.1:7001: EADDRNOTAVAIL/)]);
  });

  it('the real binary exits 2 with one line on a bad argument, and 0 with usage on --help', async () => {
    const bad = await runPaxos(['node', '--id', 'x', '--peers', PEERS]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stdout).toBe('');
    const help = await runPaxos(['invoke', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: paxos invoke/);
  }, 60_000);
});

describe('argument conversions', () => {
  it('parsePeers sorts by id, accepts bracketed IPv6 hosts, and refuses duplicates', () => {
    expect(parsePeers('t', '2=b:2,1=[::1]:7001')).toEqual([{ id: 1, host: '::1', port: 7001 }, { id: 2, host: 'b', port: 2 }]);
    expect(() => parsePeers('t', '1=a:1,1=b:2')).toThrow(UsageError);
    expect(() => parsePeers('t', '1=a:1,1=b:2')).toThrow(/names node 1 twice/);
  });

  // Unit tests, not runs of main: with these parsing bugs a command would start nodes.
  it('a whole number is decimal digits only: Number() would read 1e3, 0x10, " 10", "1.0" and "+5"', () => {
    const parsed = (text: string) => ({ values: { n: text }, positionals: [] });
    expect(intOption('t', parsed('42'), 'n', { min: 1, max: 100_000 })).toBe(42);
    for (const text of ['1e3', '0x10', ' 10', '10 ', '1.0', '+5', '', '0b11']) {
      expect(() => intOption('t', parsed(text), 'n', { min: 1, max: 100_000 }), JSON.stringify(text)).toThrow(`t: --n must be a whole number in 1..100000, got ${JSON.stringify(text)}`);
    }
  });

  it('an empty value is no number where 0 is allowed either (--checkpoint-every "" read as 0 turned checkpoints off)', () => {
    const parsed = (text: string) => ({ values: { n: text }, positionals: [] });
    expect(intOption('t', parsed('0'), 'n', { min: 0, max: 9 })).toBe(0);
    expect(() => intOption('t', parsed(''), 'n', { min: 0, max: 9 })).toThrow('t: --n must be a whole number in 0..9, got ""');
  });

  it('parsePeers refuses port 0 and a port above 65535', () => {
    expect(() => parsePeers('t', '1=a:0')).toThrow(/port 0 of node 1 is not in 1\.\.65535/);
    expect(() => parsePeers('t', '1=a:65536')).toThrow(/port 65536 of node 1 is not in 1\.\.65535/);
    expect(parsePeers('t', '1=a:1,2=a:65535').map((p) => p.port)).toEqual([1, 65535]);
  });

  it('parsePeers takes at most 64 nodes (a Node accepts no more), and exactly that many', () => {
    const peers = (n: number) => Array.from({ length: n }, (_, i) => `${i + 1}=h:${7001 + i}`).join(',');
    expect(parsePeers('t', peers(64))).toHaveLength(64);
    expect(() => parsePeers('t', peers(65))).toThrow(/--peers lists 65 nodes; at most 64/);
  });

  it('parseTiming overrides the process defaults and keeps the leader timeout above the heartbeat', () => {
    expect(parseTiming('t', undefined)).toEqual(PROCESS_TIMING);
    expect(parseTiming('t', 'heartbeatMs=100,gapMs=900')).toMatchObject({ heartbeatMs: 100, gapMs: 900, leaderTimeoutMs: PROCESS_TIMING.leaderTimeoutMs });
    expect(() => parseTiming('t', 'leaderTimeoutMs=100')).toThrow(/must exceed heartbeatMs/);
    // Exceed, not reach: equal timers are refused, one millisecond more is taken.
    expect(() => parseTiming('t', 'leaderTimeoutMs=500,heartbeatMs=500')).toThrow(/must exceed heartbeatMs/);
    expect(parseTiming('t', 'leaderTimeoutMs=501,heartbeatMs=500')).toMatchObject({ leaderTimeoutMs: 501, heartbeatMs: 500 });
  });

  it('a client port is its peer port + 1000 up to 65535 inclusive (paxos node takes that port too)', () => {
    const parsed = (peers: string) => ({ values: { peers, 'key-file': KEY }, positionals: [] });
    expect(clientSetup('t', parsed('1=127.0.0.1:64535,2=127.0.0.1:7002')).nodes.get(1)).toEqual({ host: '127.0.0.1', port: 65_535 });
    expect(() => clientSetup('t', parsed('1=127.0.0.1:64536'))).toThrow(/node 1's client port would be 65536/);
  });

  it('a run id is 1..64 of letters, digits, ".", "_", "-", starting with a letter or digit, and nothing else: it names a file', () => {
    for (const good of ['a', 'cluster-0123456789ab', 'R.1_x-2', `a${'b'.repeat(63)}`]) expect(checkRunId(good), good).toBeUndefined();
    for (const bad of ['', '-a', '.x', '../x', 'a/b', 'a/../../x', 'a b', 'a\nb', 'run:1', `a${'b'.repeat(64)}`]) expect(checkRunId(bad), JSON.stringify(bad)).toMatch(/a run id is/);
    // The default every node derives is one too.
    expect(checkRunId(defaultRunId(Buffer.alloc(32, 7), parsePeers('t', PEERS)))).toBeUndefined();
  });
});
