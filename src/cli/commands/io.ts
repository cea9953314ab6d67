/**
 * What a command talks to: standard output for results, standard error for messages and log
 * lines, and the process's stop signals. Injected so that tests run commands in-process.
 */
export interface CommandIo {
  /** A result line (stdout). */
  out(text: string): void;
  /** A message for the person at the terminal (stderr). */
  err(text: string): void;
  /** A JSON log line (stderr). */
  log(line: string): void;
  /** Calls `handler` on SIGINT and SIGTERM. */
  onSignals(handler: (signal: NodeJS.Signals) => void): void;
}

export const processIo: CommandIo = {
  out: (text) => { process.stdout.write(text + '\n'); },
  err: (text) => { process.stderr.write(text + '\n'); },
  log: (line) => { process.stderr.write(line + '\n'); },
  onSignals: (handler) => {
    process.on('SIGINT', () => handler('SIGINT'));
    process.on('SIGTERM', () => handler('SIGTERM'));
  },
};
