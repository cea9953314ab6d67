/** `paxos soak`: chaos runs longer and harsher than CI's, one after another until a time budget is spent (chaos/soak.ts). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type CommandHelp, enumOption, helpText, intOption, parseCommand, stringOption } from '../args.js';
import { runChaos } from '../chaos/run.js';
import { SOAK_SHAPES, runSoak, soakLine } from '../chaos/soak.js';
import type { CommandIo } from './io.js';

const SHAPE_NAMES = SOAK_SHAPES.map((s) => s.name);

export const SOAK_HELP: CommandHelp = {
  usage: 'paxos soak [--minutes M] [--seed N] [--shape NAME] [--dir DIR]',
  summary: 'Chaos runs longer and harsher than CI\'s (two nodes down at once, no checkpoints, a loaded run), each with a new seed, until the time is spent.',
  options: [
    ['--minutes M', 'time budget; a run starts only if it can finish inside it, and at least one runs (default 10)'],
    ['--seed N', 'seed of the first run; each next run takes the next (default 1)'],
    ['--shape NAME', `run only this shape: ${SHAPE_NAMES.join(', ')} (default: each in turn)`],
    ['--dir DIR', 'where runs go; a run that fails keeps its data, traces and node logs there (default: a temporary directory)'],
    ['-h, --help', 'this text'],
  ],
  notes: [
    ...SOAK_SHAPES.map((s) => `  ${s.name}: ${s.why}`),
    '',
    'Exit status: 0 when every run passed, 1 otherwise (each failed run is named with its directory), 2 on bad arguments.',
  ],
};

const OPTIONS = { minutes: { type: 'string' }, seed: { type: 'string' }, shape: { type: 'string' }, dir: { type: 'string' } } as const;

export async function soakCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  const p = parseCommand('soak', argv, OPTIONS, { min: 0, max: 0 });
  if (p.values.help) { io.out(helpText(SOAK_HELP)); return 0; }
  const minutes = intOption('soak', p, 'minutes', { min: 1, max: 24 * 60 }, 10);
  const firstSeed = intOption('soak', p, 'seed', { min: 0, max: 2 ** 31 }, 1);
  const only = stringOption(p, 'shape') === undefined ? undefined : enumOption('soak', p, 'shape', SHAPE_NAMES, SHAPE_NAMES[0]!);
  const given = stringOption(p, 'dir');
  const dir = resolve(given ?? mkdtempSync(join(tmpdir(), 'paxos-soak-')));
  const started = performance.now();
  const results = await runSoak({
    budgetMs: minutes * 60_000, firstSeed, dir,
    shapes: only === undefined ? SOAK_SHAPES : SOAK_SHAPES.filter((s) => s.name === only),
    progress: (line) => io.out(`[${((performance.now() - started) / 1000).toFixed(0).padStart(5)} s] ${line}`),
  }, runChaos);
  const failed = results.filter((r) => !r.report.ok);
  io.out('');
  io.out(`soak: ${results.length - failed.length} of ${results.length} runs passed in ${((performance.now() - started) / 60_000).toFixed(1)} min`);
  for (const r of results) io.out(`  ${soakLine(r)}`);
  if (failed.length === 0 && given === undefined) rmSync(dir, { recursive: true, force: true });
  return failed.length === 0 ? 0 : 1;
}
