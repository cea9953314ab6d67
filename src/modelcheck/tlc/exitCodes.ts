/**
 * What TLC's exit code and its failure messages say when a run ends without a verdict.
 *
 * Exit codes are TLC's `EC.ExitStatus` (tlatools/org.lamport.tlatools/src/tlc2/output/EC.java,
 * read at tlaplus commit cc6b616): `errorConstantToExitStatus` maps the error TLC ended with to
 * one of them, and every error it does not list (running out of memory, disk I/O, a stack
 * overflow, a TLC bug) becomes 255. Codes 1 and 128+n come from java itself: an exception that
 * escaped `main` (a java.lang.OutOfMemoryError on the main thread exits 1) and death by signal n.
 */
import type { ErrorKind, Verdict } from '../shared/types.js';

export interface ExitMeaning {
  verdict: Verdict;
  kind?: ErrorKind;
  /** One line for the report. */
  text: string;
}

/** EC.ExitStatus, one entry per constant (152 is declared but TLC does not return it at cc6b616). */
const EXIT_STATUS: Record<number, ExitMeaning> = {
  10: { verdict: 'error', kind: 'assumption', text: 'an ASSUME or POSTCONDITION is false or cannot be evaluated (VIOLATION_ASSUMPTION)' },
  11: { verdict: 'deadlock', text: 'deadlock reached (VIOLATION_DEADLOCK)' },
  12: { verdict: 'invariant', text: 'an invariant is violated (VIOLATION_SAFETY)' },
  13: { verdict: 'property', text: 'a temporal or action property is violated (VIOLATION_LIVENESS)' },
  14: { verdict: 'error', kind: 'assert', text: 'an Assert failed (VIOLATION_ASSERT)' },
  75: { verdict: 'error', kind: 'evaluation', text: 'the next-state relation could not be evaluated (FAILURE_SPEC_EVAL)' },
  76: { verdict: 'error', kind: 'evaluation', text: 'an invariant could not be evaluated (FAILURE_SAFETY_EVAL)' },
  77: { verdict: 'error', kind: 'evaluation', text: 'a temporal property could not be evaluated (FAILURE_LIVENESS_EVAL)' },
  150: { verdict: 'parse-error', kind: 'spec', text: 'the spec does not parse (ERROR_SPEC_PARSE)' },
  151: { verdict: 'parse-error', kind: 'cfg', text: 'the model\'s cfg is wrong (ERROR_CONFIG_PARSE)' },
  152: { verdict: 'error', kind: 'state-space', text: 'the state space is too large (ERROR_STATESPACE_TOO_LARGE)' },
  153: { verdict: 'error', kind: 'crash', text: 'system error (ERROR_SYSTEM)' },
  255: { verdict: 'error', kind: 'crash', text: 'TLC failed (ERROR: out of memory, disk, a TLC bug, ...; its messages say which)' },
};

const SIGNALS: Record<number, string> = { 1: 'SIGHUP', 2: 'SIGINT', 6: 'SIGABRT', 9: 'SIGKILL', 15: 'SIGTERM' };

/** The meaning of an exit code alone; undefined for 0 and for codes TLC never uses. */
export function exitCodeMeaning(code: number | undefined): ExitMeaning | undefined {
  if (code === undefined || code === 0) return undefined;
  const known = EXIT_STATUS[code];
  if (known) return known;
  if (code === 1) return { verdict: 'error', kind: 'crash', text: 'java exited with 1 (an exception escaped TLC\'s main thread)' };
  if (code > 128 && code < 160) {
    const sig = SIGNALS[code - 128] ?? `signal ${code - 128}`;
    // The kernel's out-of-memory killer sends SIGKILL; so does a user's `kill -9`.
    const hint = code - 128 === 9 ? ' (SIGKILL: often the kernel\'s out-of-memory killer)' : '';
    return { verdict: 'error', kind: 'killed', text: `TLC was killed by ${sig}${hint}` };
  }
  return { verdict: 'error', kind: 'crash', text: `TLC exited with code ${code}, which TLC does not define` };
}

/** TLC message codes (EC.java) that say why a run failed. */
const FAILURE_MESSAGES: Record<number, ErrorKind> = {
  1001: 'out-of-memory', // SYSTEM_OUT_OF_MEMORY
  1002: 'out-of-memory', // SYSTEM_OUT_OF_MEMORY_TOO_MANY_INIT
  1003: 'out-of-memory', // SYSTEM_OUT_OF_MEMORY_LIVENESS
  1005: 'stack-overflow', // SYSTEM_STACK_OVERFLOW
  2127: 'disk', // SYSTEM_ERROR_WRITING_POOL
  2129: 'disk', // SYSTEM_DISKGRAPH_ACCESS
  2161: 'disk', // SYSTEM_DISK_IO_ERROR_FOR_FILE
  2175: 'disk', // SYSTEM_ERROR_WRITING_STATES
  2172: 'state-space', // TLC_TOO_MNY_POSSIBLE_STATES
  2282: 'state-space', // TLC_TRACE_TOO_LONG
};

export function failureKindOfMessage(code: number): ErrorKind | undefined {
  return FAILURE_MESSAGES[code];
}

/** Java's own words for the same failures, wherever they appear (stderr, a TLC message body). */
export function failureKindOfText(text: string): ErrorKind | undefined {
  if (/java\.lang\.OutOfMemoryError|Java ran out of memory|Out Of Memory/.test(text)) return 'out-of-memory';
  if (/No space left on device|Disk quota exceeded/.test(text)) return 'disk';
  if (/java\.lang\.StackOverflowError/.test(text)) return 'stack-overflow';
  return undefined;
}
