/**
 * Distributed TLC: first with a fake java that replays recorded server and worker output (no
 * jar needed), then for real on loopback with two workers when TLA2TOOLS_JAR names a jar.
 */
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkModel } from '../../src/modelcheck/check.js';
import { checkTlcDistributed, UNUSABLE_BUILD_MESSAGE } from '../../src/modelcheck/tlc/distributed.js';
import { parseCfg } from '../../src/modelcheck/cfg/cfg.js';
import { nameCounterexample } from '../../src/modelcheck/tlc/counterexampleNaming.js';
import { findJava } from '../../src/modelcheck/tlc/setup.js';
import { parseTlcTranscript } from '../../src/modelcheck/tlc/output.js';
import { FAKE_JAR, FIXTURES, fixture, SLOTS } from './helpers.js';

const MULTIPAXOS_DIR = join(FIXTURES, 'multipaxos');
const FAKE_JAVA_DISTRIBUTED = join(FIXTURES, 'fake-java-distributed.sh');

/** A port nobody listens on now (the OS picks it), so parallel runs do not collide on TLC's 10997. */
function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => done(port));
    });
  });
}

const request = (cfgFile: string, java: string, jar: string, extra: Partial<Parameters<typeof checkTlcDistributed>[0]> = {}) => {
  const cfgText = fixture(`multipaxos/${cfgFile}`);
  return {
    model: cfgFile.replace('.cfg', ''), moduleName: 'MultiPaxos', moduleText: fixture('multipaxos/MultiPaxos.tla'), specDir: MULTIPAXOS_DIR,
    cfgText, cfg: parseCfg(cfgText), setup: { java, jar }, localWorkers: 2, workerHosts: [], fpSets: false, workerThreads: '1', ...extra,
  };
};

describe('distributed TLC with a fake java (recorded output)', () => {
  let dir = '';
  beforeAll(() => {
    chmodSync(FAKE_JAVA_DISTRIBUTED, 0o755);
    dir = mkdtempSync(join(tmpdir(), 'tlc-distributed-'));
  });
  const withEnv = async <T>(env: Record<string, string>, f: () => Promise<T>): Promise<T> => {
    Object.assign(process.env, env);
    try {
      return await f();
    } finally {
      for (const k of Object.keys(env)) delete process.env[k];
    }
  };

  it('starts a server and two workers, and reads the server\'s result into the usual row', async () => {
    const argsDir = mkdtempSync(join(dir, 'args-'));
    const r = await withEnv({
      FAKE_TLC_SERVER_TRANSCRIPT: join(FIXTURES, 'distributed-server-tool.out'), FAKE_TLC_WORKER_LOG: join(FIXTURES, 'distributed-worker.log'), FAKE_TLC_ARGS_DIR: argsDir, FAKE_TLC_EXPECT_WORKERS: '2',
    }, () => checkTlcDistributed(request('ci-normal.cfg', FAKE_JAVA_DISTRIBUTED, FAKE_JAR, { port: 4711 })));
    expect(r).toMatchObject({ engine: 'tlc', mode: 'distributed', verdict: 'pass', distinctStates: 6_739, statesGenerated: 43_869, depth: 24 });
    const server = readFileSync(join(argsDir, 'server.args'), 'utf8').trim().split('\n');
    expect(server).toEqual(expect.arrayContaining(['tlc2.tool.distributed.TLCServer', '-deadlock', '-Dtlc2.tool.distributed.TLCServer.port=4711', '-Djava.rmi.server.hostname=127.0.0.1']));
    const workers = readdirSync(argsDir).filter((f) => f.startsWith('worker-'));
    expect(workers).toHaveLength(2);
    expect(readFileSync(join(argsDir, workers[0]!), 'utf8').trim().split('\n').slice(-2)).toEqual(['tlc2.tool.distributed.TLCWorker', '127.0.0.1']);
  });

  it('names the invariant the server\'s counterexample violates (distributed TLC does not)', async () => {
    const r = await withEnv({
      FAKE_TLC_SERVER_TRANSCRIPT: join(FIXTURES, 'distributed-violation-server-tool.out'), FAKE_TLC_WORKER_LOG: join(FIXTURES, 'distributed-worker.log'),
    }, () => checkModel({
      moduleName: 'MultiPaxos', cfgText: fixture('multipaxos/ci-normal-mutant.cfg'), engine: 'tlc', specDir: MULTIPAXOS_DIR,
      tlc: { java: FAKE_JAVA_DISTRIBUTED, jar: FAKE_JAR }, distributed: { localWorkers: 2, workerHosts: [], fpSets: false, port: 4712 },
    }));
    expect(r).toMatchObject({ verdict: 'invariant', violated: 'TypeOK', mode: 'distributed' });
    expect(r.message).toMatch(/named by evaluating its last state on the embedded engine/);
    expect(r.counterexample!.states.map((s) => s.action)).toEqual([undefined, 'RequesterInvoke', 'ReplicaReceiveInvoke']);
  });

  it('a TLC build whose workers cannot take the server\'s fingerprint set: stopped, with the reason', async () => {
    // The server is ready and waits; both workers fail as the jar built from TLC's current sources does.
    const ready = fixture('distributed-server-tool.out');
    const upToReady = ready.slice(0, ready.indexOf('@!@!@ENDMSG 7000 @!@!@') + '@!@!@ENDMSG 7000 @!@!@\n'.length);
    const serverFile = join(dir, 'server-waiting.out');
    writeFileSync(serverFile, upToReady);
    const t0 = Date.now();
    const r = await withEnv({
      FAKE_TLC_SERVER_TRANSCRIPT: serverFile, FAKE_TLC_SERVER_HANG: '1', FAKE_TLC_WORKER_LOG: join(FIXTURES, 'distributed-worker-notserializable.log'),
    }, () => checkTlcDistributed(request('ci-normal.cfg', FAKE_JAVA_DISTRIBUTED, FAKE_JAR, { port: 4713, workersGoneGraceMs: 300 })));
    expect(r).toMatchObject({ verdict: 'error', errorKind: 'distributed', message: UNUSABLE_BUILD_MESSAGE });
    expect(Date.now() - t0).toBeLessThan(10_000);
  });
});

describe('naming a counterexample TLC did not name', () => {
  const cex = (transcript: string) => parseTlcTranscript(fixture(transcript)).outcome.counterexample!;
  it('the first invariant false in the last state; a deadlock when none is and nothing follows', () => {
    expect(nameCounterexample(SLOTS, parseCfg(fixture('violation.cfg')), cex('violation-tool.out'))).toEqual({ named: true, verdict: 'invariant', violated: 'OneValuePerSlot' });
    expect(nameCounterexample(SLOTS, parseCfg(fixture('deadlock.cfg')), cex('deadlock-tool.out'))).toEqual({ named: true, verdict: 'deadlock' });
    // The same deadlocked state under a cfg that does not check deadlock: nothing to name.
    const unnamed = nameCounterexample(SLOTS, { ...parseCfg(fixture('deadlock.cfg')), checkDeadlock: false }, cex('deadlock-tool.out'));
    expect(unnamed).toMatchObject({ named: false, why: expect.stringMatching(/every invariant holds/) });
  });
});

/** The jar TLA2TOOLS_JAR names, if it exists, and java. */
const jar = process.env.TLA2TOOLS_JAR !== undefined && existsSync(process.env.TLA2TOOLS_JAR) ? resolve(process.env.TLA2TOOLS_JAR) : undefined;
const java = findJava();
const realTitle = jar !== undefined && java !== undefined
  ? 'distributed TLC for real on loopback (TLA2TOOLS_JAR)'
  : 'distributed TLC for real on loopback: SKIPPED, set TLA2TOOLS_JAR=/path/to/tla2tools.jar (and have java) to run it';

describe.skipIf(jar === undefined || java === undefined)(realTitle, () => {
  it('ci-normal with two workers finds the same distinct states as plain TLC', async (ctx) => {
    const setup = { java: java!, jar: jar! };
    const plain = await checkModel({ moduleName: 'MultiPaxos', cfgText: fixture('multipaxos/ci-normal.cfg'), engine: 'tlc', specDir: MULTIPAXOS_DIR, tlc: setup, tlcWorkers: '1', timeoutMs: 300_000 });
    expect(plain).toMatchObject({ verdict: 'pass', distinctStates: 6_739 });
    const port = await freePort();
    const r = await checkTlcDistributed({ ...request('ci-normal.cfg', java!, jar!, { port }), timeoutMs: 300_000 });
    if (r.errorKind === 'distributed' && r.message === UNUSABLE_BUILD_MESSAGE) ctx.skip(`${jar} cannot run distributed TLC: ${UNUSABLE_BUILD_MESSAGE}`);
    expect(r).toMatchObject({ verdict: 'pass', mode: 'distributed', distinctStates: plain.distinctStates });
  }, 600_000);

  it('the same with distributed fingerprint sets, and with workers started through ssh (a local stand-in for ssh)', async (ctx) => {
    // The stand-in drops ssh's options and host and runs the remote command here.
    const bin = mkdtempSync(join(tmpdir(), 'fake-ssh-'));
    writeFileSync(join(bin, 'ssh'), '#!/bin/sh\nwhile [ "$1" = "-o" ]; do shift 2; done\nshift\nexec sh -c "$1"\n');
    chmodSync(join(bin, 'ssh'), 0o755);
    const port = await freePort();
    const r = await checkTlcDistributed({
      ...request('ci-normal.cfg', java!, jar!, { port, localWorkers: 0, workerHosts: ['localhost', '127.0.0.1'], serverHost: '127.0.0.1', fpSets: true, ssh: join(bin, 'ssh') }),
      timeoutMs: 300_000,
    });
    if (r.errorKind === 'distributed' && r.message === UNUSABLE_BUILD_MESSAGE) ctx.skip(`${jar} cannot run distributed TLC: ${UNUSABLE_BUILD_MESSAGE}`);
    expect(r).toMatchObject({ verdict: 'pass', mode: 'distributed', distinctStates: 6_739 });
  }, 600_000);
});
