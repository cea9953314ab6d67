/**
 * Issue 11's newcomer test, automated: three members as separate processes over UDP with file
 * storage, 5,000 commands, the leader killed with SIGKILL. Before checkpoints, a Promise (every
 * accepted pvalue) and a Welcome (the whole log) outgrew a 64 KB datagram after about 500
 * commands: no new leader was elected when the surviving acceptors held many pvalues, and the
 * restarted node never rejoined (its Welcomes were dropped as oversize). With a snapshot every
 * 200 slots a Promise holds the slots from the acceptor's mark, and a large Welcome leaves in
 * fragments under the message limit.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const SCRIPT = fileURLToPath(new URL('./nodeProcess.ts', import.meta.url));
const COMMANDS = 5_000;
/**
 * How soon progress must resume after the kill. Alone, 1.5-2.3 s (a 600 ms leader timeout, an
 * election, the client's retry); under npm test's other worker it once took 3.03 s (2026-12-05),
 * over the 3 s bound this had. The bug this test is for never elected a leader at all.
 */
const RESUME_BOUND_MS = 5_000;
/**
 * Slots between two replica snapshots, and the receive buffer each node asks of the OS. 200: a
 * Promise stays far below 64 KB. 3,000: at the kill, acceptors hold some 2,000 pvalues above
 * their mark, and the new leader's Promises come in parts of up to 59,000 bytes. Sent as a burst,
 * they overflowed the OS's default receive buffer (212,992 bytes on Linux): the kernel dropped
 * 3,286 datagrams and no progress came in 60 s. UdpTransport now asks for 4 MiB (the second
 * case), which the OS may cap at net.core.rmem_max; and it paces large datagrams (pacer.ts), so
 * the third case, with the default buffer, passes too (it made no progress without the pace).
 * `paces`: some datagram must wait for the pacer. With 200 slots, whether any does depends on
 * timing: 0 to 3 in four runs, and a CI run failed on 0 (2026-12-06). With 3,000 slots and a
 * 4 MiB buffer, 16-46 did in most runs and none in one CI run (2026-12-06: how many pvalues
 * lie above the mark at the kill depends on how requests were batched into slots), so only the
 * default buffer's case asserts it, where the pace is what lets the burst through (33-139).
 */
const CASES: ReadonlyArray<{ every: number; receiveBuffer?: number; paces: boolean; label: string }> = [
  { every: 200, paces: false, label: 'a snapshot every 200 slots' },
  { every: 3_000, paces: false, label: 'a snapshot every 3,000 slots' },
  { every: 3_000, receiveBuffer: 212_992, paces: true, label: "a snapshot every 3,000 slots and the OS's default receive buffer" },
];

interface Child { readonly id: number; readonly proc: ChildProcess; readonly port: number; readonly inbox: Record<string, unknown>[] }

const children = new Map<number, Child>();
let root = '';

afterEach(async () => {
  for (const c of children.values()) c.proc.kill('SIGKILL');
  children.clear();
  if (root !== '') await rm(root, { recursive: true, force: true });
  root = '';
});

async function startNode(id: number, mode: 'new' | 'join', checkpointEvery: number, receiveBuffer?: number): Promise<Child> {
  const extra = receiveBuffer !== undefined ? [String(receiveBuffer)] : [];
  const proc = spawn(process.execPath, ['--import', 'tsx', SCRIPT, String(id), join(root, String(id)), mode, String(checkpointEvery), ...extra], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const inbox: Record<string, unknown>[] = [];
  proc.on('message', (m) => inbox.push(m as Record<string, unknown>));
  const first = await waitFor(inbox, 'port', 60_000);
  const child = { id, proc, port: first.port as number, inbox };
  children.set(id, child);
  return child;
}

/** The next message from a child that carries `key` (removed from its inbox). */
async function waitFor(inbox: Record<string, unknown>[], key: string, timeoutMs: number): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const error = inbox.find((m) => m.error !== undefined);
    if (error !== undefined) throw new Error(`child failed: ${String(error.error)}`);
    const i = inbox.findIndex((m) => m[key] !== undefined);
    if (i >= 0) return inbox.splice(i, 1)[0]!;
    if (Date.now() > deadline) throw new Error(`no "${key}" from a child within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function ask(c: Child, request: object, key: string, timeoutMs = 60_000): Promise<Record<string, unknown>> {
  c.proc.send(request);
  return (await waitFor(c.inbox, key, timeoutMs))[key] as Record<string, unknown>;
}

function tellPeers(): void {
  const peers = Object.fromEntries([...children.values()].map((c) => [c.id, c.port]));
  for (const c of children.values()) c.proc.send({ peers });
}

interface Ran { ok: number; failed: number; firstOkAt: number; lastOkAt: number }
type Status = { ballot?: { num: number; leader: number }; slotOut: number; paced: number; dropped: { oversize: number; paceQueueFull: number } };

describe('three processes over UDP: kill the leader after 5,000 commands', () => {
  for (const { every, receiveBuffer, paces, label } of CASES) it(`with ${label}: elects a new leader within 5 s, and the restarted node rejoins and catches up`, async () => {
    root = await mkdtemp(join(tmpdir(), 'paxos-udp-'));
    for (const id of [1, 2, 3]) await startNode(id, 'new', every, receiveBuffer);
    tellPeers();
    for (const c of children.values()) c.proc.send({ start: true });
    expect(await ask(children.get(1)!, { open: true }, 'opened')).toMatchObject({ ok: true });

    const runs = await Promise.all([1, 2].map((id) => ask(children.get(id)!, { run: COMMANDS / 2, concurrency: 16 }, 'ran', 240_000)));
    let acknowledged = runs.reduce((n, r) => n + (r as unknown as Ran).ok, 0);
    expect(acknowledged).toBe(COMMANDS);

    const statuses = await Promise.all([...children.values()].map(async (c) => [c.id, (await ask(c, { status: true }, 'status')) as unknown as Status] as const));
    const leader = statuses.find(([, s]) => s.ballot !== undefined)?.[0];
    expect(leader).toBeDefined();
    const survivors = [...children.values()].filter((c) => c.id !== leader);

    children.get(leader!)!.proc.kill('SIGKILL');
    children.delete(leader!);
    const killedAt = Date.now();
    const after = (await ask(survivors[0]!, { run: 20, concurrency: 1 }, 'ran', 60_000)) as unknown as Ran;
    expect(after.ok).toBe(20);
    const resumedMs = after.firstOkAt - killedAt;
    console.log(`progress resumed ${resumedMs} ms after the leader (node ${leader}) was killed`);
    expect(resumedMs).toBeLessThan(RESUME_BOUND_MS);
    acknowledged += after.ok;

    const restarted = await startNode(leader!, 'join', every, receiveBuffer);
    tellPeers();
    restarted.proc.send({ start: true });
    const more = (await ask(survivors[1]!, { run: 200, concurrency: 8 }, 'ran', 60_000)) as unknown as Ran;
    expect(more.ok).toBe(200);
    acknowledged += more.ok;

    const target = Math.max(...(await Promise.all(survivors.map(async (c) => ((await ask(c, { status: true }, 'status')) as unknown as Status).slotOut))));
    const deadline = Date.now() + 30_000;
    let caughtUp = 0;
    while (Date.now() < deadline) {
      caughtUp = ((await ask(restarted, { status: true }, 'status')) as unknown as Status).slotOut;
      if (caughtUp >= target) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    if (caughtUp < target) {
      for (const c of children.values()) console.log(`node ${c.id}: ${JSON.stringify(await ask(c, { status: true }, 'status'))}`);
    }
    expect(caughtUp).toBeGreaterThanOrEqual(target);

    // Every message fitted in a datagram: a state transfer larger than the limit left in fragments.
    const finals = await Promise.all([...children.values()].map(async (c) => (await ask(c, { status: true }, 'status')) as unknown as Status));
    for (const st of finals) expect(st.dropped).toMatchObject({ oversize: 0, paceQueueFull: 0 });
    // The survivors' large datagrams (Promise and Welcome parts) were paced.
    console.log(`datagrams paced: ${finals.map((st) => st.paced).join(', ')}`);
    if (paces) expect(finals.reduce((n, st) => n + st.paced, 0)).toBeGreaterThan(0);

    // Every acknowledged deposit is in the balance every node reports (deposits that timed out may also be).
    for (const c of children.values()) {
      const out = (await ask(c, { balance: true }, 'balance')) as { ok: boolean; balance: number };
      expect(out.ok).toBe(true);
      expect(out.balance).toBeGreaterThanOrEqual(acknowledged);
      expect(out.balance).toBeLessThanOrEqual(acknowledged + runs.reduce((n, r) => n + (r as unknown as Ran).failed, 0) + after.failed + more.failed);
    }
  }, 600_000);
});
