/**
 * The compact log of a simulated run: one short line per delivery, drop, timer, crash,
 * restart, fault, invoke and result, prefixed by the virtual time. Two runs with the same
 * seed and schedule must produce byte-identical logs (the reproducibility test).
 * Disabled, it records nothing (the benchmark runs without it).
 */
export class EventLog {
  readonly lines: string[] = [];

  /** Callers on the hot path test this before building a line, so a disabled log costs nothing. */
  constructor(readonly enabled: boolean) {}

  add(time: number, line: string): void {
    if (this.enabled) this.lines.push(`${time.toFixed(3)} ${line}`);
  }
}
