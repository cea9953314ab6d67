/**
 * The long run's trace, checked as `check-traces` checks it (schema, the fast spec replay, the
 * client checks), with what issue 11 asks of the checker measured by tenth of the events: its
 * heap after each tenth (after a full GC when node runs with --expose-gc), its rate, the most
 * messages its replay held at once (it forgets the dead ones: src/trace/spec/deadMessages.ts)
 * and the most requests its histories held (it forgets their start: historyWindow.ts).
 */
import { performance } from 'node:perf_hooks';
import { checkTraceSync, formatVerdict } from '../src/trace/replay/check.js';

const fmt = (x: number, digits = 0) => x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

export function checkLongTrace(path: string, events: number): string[] {
  const gc = (globalThis as { gc?: () => void }).gc;
  const tenth = Math.max(1, Math.ceil(events / 10));
  const heap: number[] = [];
  const ms: number[] = [];
  let seen = 0;
  let last = performance.now();
  const t0 = last;
  // Each tenth is measured while the replay still holds its state, the last one too: measured
  // after the verdict, the heap would no longer hold what the checker kept.
  const measure = (): void => {
    const now = performance.now();
    ms.push(now - last);
    gc?.();
    heap.push(process.memoryUsage().heapUsed);
    last = performance.now();
  };
  const v = checkTraceSync({ name: path, files: [path] }, {
    onEvents: (n) => {
      seen += n;
      while (heap.length < 10 && seen >= Math.min(events, (heap.length + 1) * tenth)) measure();
    },
  });
  const now = performance.now();
  if (heap.length < 10) measure();
  const lines = [
    `  check-traces            ${formatVerdict(v).split('\n').join('\n  ')} in ${fmt((now - t0) / 1000, 1)} s`,
    `  checker µs / event by tenth   ${ms.map((x) => fmt((x * 1000) / tenth, 1)).join(' ')}` + (ms.length === 10 ? `; last / first ${fmt(ms[9]! / ms[0]!, 2)}` : ''),
    `  checker heap MiB after tenth  ${heap.map((b) => fmt(b / 2 ** 20, 1)).join(' ')}${gc ? ' (after a full GC)' : ' (no --expose-gc: includes garbage)'}`
      + (heap.length === 10 ? `; last / first ${fmt(heap[9]! / heap[0]!, 2)}; ${fmt((heap[9]! - heap[0]!) / 1024 / (0.9 * events / 1000), 1)} KiB more per 1,000 events` : ''),
  ];
  if (v.messages !== undefined) {
    lines.push(`  checker msgs held       at most ${fmt(v.messages.peak)} at once; ${fmt(v.messages.forgotten)} dead ones forgotten`);
  }
  if (v.history !== undefined) {
    lines.push(`  checker history held    at most ${fmt(v.history.heldPeak)} requests after a sweep (the window); every history's first ${fmt(v.history.forgottenBelow)} forgotten by the end`);
  }
  return lines;
}
