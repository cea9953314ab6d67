/**
 * Argument parsing shared by every command: node:util's parseArgs in strict mode, plus the
 * conversions the commands need (whole numbers, the peer list). Every problem is a
 * UsageError with one line that says what is wrong; main.ts prints it and exits with 2.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Where a node listens for its peers. */
export interface PeerEntry {
  readonly id: number;
  readonly host: string;
  readonly port: number;
}

/** Node ids are 1..N: the trace format and the spec name nodes 1..N, and a Node accepts at most 64. */
export const MAX_CLUSTER_NODES = 64;

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export interface Parsed {
  readonly values: Record<string, string | boolean | undefined>;
  readonly positionals: string[];
}

/** Strict parse: an unknown option, a missing value or a stray positional is a UsageError. */
export function parseCommand(command: string, argv: readonly string[], options: OptionSpec, positionals: { min: number; max: number; name?: string }): Parsed {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: { ...options, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: positionals.max > 0 });
  } catch (e) {
    throw new UsageError(`${command}: ${conciseParseError((e as Error).message)}`);
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  if (values.help === true) return { values, positionals: parsed.positionals };
  const n = parsed.positionals.length;
  if (n < positionals.min) throw new UsageError(`${command}: missing ${positionals.name ?? 'argument'}`);
  if (n > positionals.max) throw new UsageError(`${command}: unexpected argument ${JSON.stringify(parsed.positionals[positionals.max])}`);
  return { values, positionals: parsed.positionals };
}

/** parseArgs' messages carry advice about "--" that does not help here; keep the first sentence. */
function conciseParseError(message: string): string {
  return message.split('. ')[0]!.replace(/\.$/, '');
}

export function stringOption(p: Parsed, name: string): string | undefined {
  const v = p.values[name];
  return typeof v === 'string' ? v : undefined;
}

export function requiredString(command: string, p: Parsed, name: string): string {
  const v = stringOption(p, name);
  if (v === undefined || v === '') throw new UsageError(`${command}: --${name} is required`);
  return v;
}

export function intOption(command: string, p: Parsed, name: string, range: { min: number; max: number }, fallback?: number): number {
  const text = stringOption(p, name);
  if (text === undefined) {
    if (fallback === undefined) throw new UsageError(`${command}: --${name} is required`);
    return fallback;
  }
  const n = /^[0-9]+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < range.min || n > range.max) {
    throw new UsageError(`${command}: --${name} must be a whole number in ${range.min}..${range.max}, got ${JSON.stringify(text)}`);
  }
  return n;
}

export function enumOption<T extends string>(command: string, p: Parsed, name: string, allowed: readonly T[], fallback: T): T {
  const v = stringOption(p, name);
  if (v === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(v)) throw new UsageError(`${command}: --${name} must be one of ${allowed.join(', ')}, got ${JSON.stringify(v)}`);
  return v as T;
}

/**
 * `1=127.0.0.1:7001,2=127.0.0.1:7002,...`: every node of the cluster, ids exactly 1..N
 * (any order). An IPv6 host is written in brackets: `1=[::1]:7001`.
 */
export function parsePeers(command: string, text: string): PeerEntry[] {
  const entries: PeerEntry[] = [];
  for (const item of text.split(',')) {
    const m = /^\s*(\d+)=(\[[0-9a-fA-F:.]+\]|[^:\s]+):(\d+)\s*$/.exec(item);
    if (!m) throw new UsageError(`${command}: --peers entry ${JSON.stringify(item)} is not id=host:port`);
    const id = Number(m[1]);
    const port = Number(m[3]);
    const host = m[2]!.startsWith('[') ? m[2]!.slice(1, -1) : m[2]!;
    if (port < 1 || port > 65_535) throw new UsageError(`${command}: --peers: port ${m[3]} of node ${m[1]} is not in 1..65535`);
    if (entries.some((e) => e.id === id)) throw new UsageError(`${command}: --peers names node ${id} twice`);
    entries.push({ id, host, port });
  }
  entries.sort((a, b) => a.id - b.id);
  if (entries.length > MAX_CLUSTER_NODES) throw new UsageError(`${command}: --peers lists ${entries.length} nodes; at most ${MAX_CLUSTER_NODES}`);
  entries.forEach((e, i) => {
    if (e.id !== i + 1) throw new UsageError(`${command}: --peers node ids must be 1..${entries.length} (the spec's nodes), missing ${i + 1}`);
  });
  return entries;
}

export function formatPeers(peers: readonly PeerEntry[]): string {
  return peers.map((p) => `${p.id}=${p.host.includes(':') ? `[${p.host}]` : p.host}:${p.port}`).join(',');
}

/** The usage text of a command, and what `--help` prints. */
export interface CommandHelp {
  readonly usage: string;
  readonly summary: string;
  readonly options: readonly (readonly [string, string])[];
  readonly notes?: readonly string[];
}

export function helpText(h: CommandHelp): string {
  const width = Math.max(...h.options.map(([o]) => o.length), 10);
  const lines = [`usage: ${h.usage}`, '', h.summary, ''];
  for (const [o, d] of h.options) lines.push(`  ${o.padEnd(width)}  ${d}`);
  if (h.notes && h.notes.length > 0) lines.push('', ...h.notes);
  return lines.join('\n');
}
