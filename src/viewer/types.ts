/** What the viewer draws: a run as events in replay order, whatever it was read from. */

/**
 * One event: a trace line, or one step of a counterexample. `raw` is the event as written
 * (or, for a counterexample, as a trace event would be written): the details panel shows it
 * whole, so fields the viewer does not know (new event kinds) are still shown.
 */
export interface ViewEvent {
  /** The acting node (its lane); null when the line names no node (drawn on a lane of its own). */
  node: number | null;
  clock: number | null;
  seq: number | null;
  action: string;
  raw: Record<string, unknown>;
  /** The original line, when there is one (the page embeds it as is: no second stringify). */
  text?: string;
  /** Where it came from: index into ViewRun.files and line number (1-based). */
  file?: number;
  line?: number;
  /** A fixed row (a counterexample's state index); trace events are packed into rows instead. */
  row?: number;
}

/** What to point at: the event a checker rejected, or the state that violates a property. */
export interface Highlight {
  /** Index into ViewRun.events, or null when the problem is not an event (a header, an unreadable line). */
  event: number | null;
  title: string;
  /** The explanation: the checker's message and its spec-versus-trace difference, line by line. */
  lines: string[];
}

export interface ViewRun {
  kind: 'trace' | 'counterexample';
  title: string;
  files: string[];
  /** Lane ids in order: the cluster's nodes, then any other node an event names. */
  nodes: number[];
  events: ViewEvent[];
  /** Each node's state before its first event (compact traces give deltas from it). */
  initialStates: Record<number, unknown>;
  /** Problems met while reading (unreadable lines, events dropped over the limit). */
  notes: string[];
  highlight?: Highlight;
  /** Extra text for the page's header (the header line's run id and seed, a counterexample's description). */
  subtitle?: string;
}

/** Bad input (a file that is not a trace, a folder of several runs): a message, never a stack trace. */
export class ViewerInputError extends Error {}
