/** TLC's message codes and the wording of the messages whose numbers the driver reads. */

/** Codes used below (TLC's EC/MP numbering, tlc2/output/EC.java). */
export const MSG = {
  version: 2262,
  invariantViolated: 2110,
  invariantViolatedInitial: 2107,
  deadlock: 2114,
  temporalViolated: 2116,
  actionPropertyViolated: 2112,
  behaviorUpTo: 2121,
  state: 2217,
  lassoEnd: 2218,
  backToState: 2122,
  success: 2193,
  progress: 2200,
  finalCounts: 2199,
  depth: 2194,
  finished: 2186,
  parseFailed: 3002,
  coverageValue: 2221,
  coverageInit: 2772,
  coverageNext: 2773,
  simulationMode: 2188,
  simulationProgress: 2209,
  simulationCounts: 2210,
  distributedServerRunning: 7000,
  distributedWorkerRegistered: 7001,
} as const;

export interface TlcMessage {
  code: number;
  /** 0 info, 1 error, 2 TLC bug, 3 warning, 4 state printout (TLC's own numbering). */
  severity: number;
  body: string;
}

/** A progress report: model checking gives depth, counts and queue; simulation gives traces and states. */
export interface TlcProgress {
  statesGenerated: number;
  depth?: number;
  distinctStates?: number;
  queue?: number;
  traces?: number;
}


export function num(s: string): number {
  return Number(s.replace(/,/g, ''));
}

/** Parses "N states generated, M distinct states found, Q states left on queue." */
export function parseCounts(text: string): { statesGenerated: number; distinctStates: number; queue: number } | undefined {
  const m = /([\d,]+) states generated.*?([\d,]+) distinct states found.*?([\d,]+) states left on queue/s.exec(text);
  if (!m) return undefined;
  return { statesGenerated: num(m[1]!), distinctStates: num(m[2]!), queue: num(m[3]!) };
}

export function parseProgress(text: string): Required<Pick<TlcProgress, 'depth' | 'statesGenerated' | 'distinctStates' | 'queue'>> | undefined {
  const d = /Progress\((\d+)\)/.exec(text);
  const c = parseCounts(text);
  if (!d || !c) return undefined;
  return { depth: num(d[1]!), ...c };
}

/**
 * A simulation progress report: with -tool, "Progress(T) at ...: S states generated, -1 distinct
 * states found, -1 states left on queue." where T counts traces (TLC reuses the model-checking
 * wording, MP.java); without -tool, "Progress: S states checked, T traces generated (...)".
 */
export function parseSimulationProgress(text: string): { traces: number; statesGenerated: number } | undefined {
  const tool = /Progress\((\d+)\) at [^:]*:\d+:\d+: ([\d,]+) states generated/.exec(text)
    ?? /Progress\((\d+)\).*?: ([\d,]+) states generated/.exec(text);
  if (tool) return { traces: num(tool[1]!), statesGenerated: num(tool[2]!) };
  const plain = /Progress: ([\d,]+) states checked, ([\d,]+) traces generated/.exec(text);
  if (plain) return { traces: num(plain[2]!), statesGenerated: num(plain[1]!) };
  return undefined;
}

