/**
 * A FaultSchedule is plain JSON data: network fault rates plus timed faults. Together with
 * a seed it fixes a simulated run, so a failing run can be replayed from its printed
 * `--seed` and `--schedule`. `parseSchedule` validates untrusted JSON (from a command
 * line) and names the offending field.
 */

/** Per-message network behaviour; every rate is a probability in [0, MAX_RATE]. */
export interface NetworkFaults {
  /** A message copy is dropped. */
  readonly loss: number;
  /** A message is delivered twice (the copy gets its own delay). */
  readonly duplicate: number;
  /** A message gets an extra delay up to `reorderMs`, so later messages overtake it. */
  readonly reorder: number;
  readonly reorderMs: number;
  /** Base one-way delay, uniform in [minMs, maxMs] (the jitter). */
  readonly delay: { readonly minMs: number; readonly maxMs: number };
}

/** Nodes in different groups cannot talk from `at` until `heal`; unlisted nodes form one more group. */
export interface PartitionFault { readonly kind: 'partition'; readonly at: number; readonly heal: number; readonly groups: readonly (readonly number[])[] }
/** `node` crashes at `at`; with `restart` it comes back then (a fresh Node over the same storage). */
export interface CrashFault { readonly kind: 'crash'; readonly at: number; readonly node: number; readonly restart: number | null }
/** At `at`, crash whichever node is the active leader (the lowest id if several think so). */
export interface KillLeaderFault { readonly kind: 'killLeader'; readonly at: number; readonly restart: number | null }
/** At `at`, cut the active leader off from every other node until `heal`. */
export interface IsolateLeaderFault { readonly kind: 'isolateLeader'; readonly at: number; readonly heal: number }
/** From `at` until `until`, the loss rate is `loss` instead of the network's. */
export interface LossBurstFault { readonly kind: 'lossBurst'; readonly at: number; readonly until: number; readonly loss: number }

export type Fault = PartitionFault | CrashFault | KillLeaderFault | IsolateLeaderFault | LossBurstFault;
export type FaultKind = Fault['kind'];
export const FAULT_KINDS: readonly FaultKind[] = ['partition', 'crash', 'killLeader', 'isolateLeader', 'lossBurst'];

export interface FaultSchedule {
  readonly network: NetworkFaults;
  readonly faults: readonly Fault[];
}

/** Rates above this would make progress hopeless; the property tests stay below it. */
export const MAX_RATE = 0.9;
/** Most faults one schedule may hold (keeps a replay command line printable). */
export const MAX_FAULTS = 200;
/** Longest delay or fault time accepted, in virtual ms. */
export const MAX_TIME_MS = 10_000_000;

export const RELIABLE_NETWORK: NetworkFaults = Object.freeze({
  loss: 0,
  duplicate: 0,
  reorder: 0,
  reorderMs: 0,
  delay: Object.freeze({ minMs: 1, maxMs: 5 }),
});

export function scheduleOf(network: Partial<NetworkFaults> = {}, faults: readonly Fault[] = []): FaultSchedule {
  return { network: { ...RELIABLE_NETWORK, ...network }, faults };
}

export class ScheduleError extends Error {
  override readonly name = 'ScheduleError';
}

function isObj(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function num(o: Record<string, unknown>, key: string, where: string, lo: number, hi: number, integer = false): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi || (integer && !Number.isInteger(v))) {
    throw new ScheduleError(`${where}.${key} must be ${integer ? 'an integer' : 'a number'} in [${lo}, ${hi}], got ${JSON.stringify(v)}`);
  }
  return v;
}

function nodeId(v: unknown, where: string, nodes: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > nodes) {
    throw new ScheduleError(`${where} must be a node id in 1..${nodes}, got ${JSON.stringify(v)}`);
  }
  return v;
}

function restartTime(o: Record<string, unknown>, where: string, at: number): number | null {
  if (o.restart === null || o.restart === undefined) return null;
  return num(o, 'restart', where, at, MAX_TIME_MS);
}

function parseFault(x: unknown, where: string, nodes: number): Fault {
  if (!isObj(x)) throw new ScheduleError(`${where} must be an object`);
  const at = num(x, 'at', where, 0, MAX_TIME_MS);
  switch (x.kind) {
    case 'partition': {
      const heal = num(x, 'heal', where, at, MAX_TIME_MS);
      if (!Array.isArray(x.groups) || x.groups.length === 0) throw new ScheduleError(`${where}.groups must be a non-empty array of node-id arrays`);
      const seen = new Set<number>();
      const groups = x.groups.map((g, i) => {
        if (!Array.isArray(g)) throw new ScheduleError(`${where}.groups[${i}] must be an array of node ids`);
        return g.map((n, j) => {
          const id = nodeId(n, `${where}.groups[${i}][${j}]`, nodes);
          if (seen.has(id)) throw new ScheduleError(`${where}.groups: node ${id} is in two groups`);
          seen.add(id);
          return id;
        });
      });
      return { kind: 'partition', at, heal, groups };
    }
    case 'crash':
      return { kind: 'crash', at, node: nodeId(x.node, `${where}.node`, nodes), restart: restartTime(x, where, at) };
    case 'killLeader':
      return { kind: 'killLeader', at, restart: restartTime(x, where, at) };
    case 'isolateLeader':
      return { kind: 'isolateLeader', at, heal: num(x, 'heal', where, at, MAX_TIME_MS) };
    case 'lossBurst':
      return { kind: 'lossBurst', at, until: num(x, 'until', where, at, MAX_TIME_MS), loss: num(x, 'loss', where, 0, MAX_RATE) };
    default:
      throw new ScheduleError(`${where}.kind must be one of ${FAULT_KINDS.join(', ')}, got ${JSON.stringify(x.kind)}`);
  }
}

/** Validates a schedule for a cluster of `nodes` nodes; throws ScheduleError naming the bad field. */
export function parseSchedule(x: unknown, nodes: number): FaultSchedule {
  if (!isObj(x)) throw new ScheduleError('schedule must be an object {network, faults}');
  const n = x.network;
  if (!isObj(n)) throw new ScheduleError('schedule.network must be an object');
  if (!isObj(n.delay)) throw new ScheduleError('schedule.network.delay must be an object {minMs, maxMs}');
  const minMs = num(n.delay, 'minMs', 'schedule.network.delay', 0, MAX_TIME_MS);
  const maxMs = num(n.delay, 'maxMs', 'schedule.network.delay', minMs, MAX_TIME_MS);
  const network: NetworkFaults = {
    loss: num(n, 'loss', 'schedule.network', 0, MAX_RATE),
    duplicate: num(n, 'duplicate', 'schedule.network', 0, MAX_RATE),
    reorder: num(n, 'reorder', 'schedule.network', 0, MAX_RATE),
    reorderMs: num(n, 'reorderMs', 'schedule.network', 0, MAX_TIME_MS),
    delay: { minMs, maxMs },
  };
  if (!Array.isArray(x.faults)) throw new ScheduleError('schedule.faults must be an array');
  if (x.faults.length > MAX_FAULTS) throw new ScheduleError(`schedule.faults has ${x.faults.length} faults; at most ${MAX_FAULTS}`);
  const faults = x.faults.map((f, i) => parseFault(f, `schedule.faults[${i}]`, nodes));
  return { network, faults };
}
