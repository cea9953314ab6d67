/**
 * The TLC engine (java, tla2tools.jar). setup.ts finds java and the jar; runner.ts runs
 * `tlc2.TLC` (model checking or -simulate), distributed.ts a TLCServer with TLCWorkers;
 * javaProcess.ts and scratch.ts are what both share. output.ts reads TLC's output as it
 * streams, interpret.ts folds it into an outcome (messages.ts: message codes, exitCodes.ts: exit
 * codes, sanyReport.ts: parse errors), result.ts turns that into a ModelResult,
 * counterexampleNaming.ts names what distributed TLC leaves unnamed. install.ts downloads a jar.
 */
export { DEFAULT_JAR, EngineUnavailable, findJar, findJava, requireTlc, type TlcSetup } from './setup.js';
export { checkTlc, tlcArgs, type SimulateOptions, type TlcRequest } from './runner.js';
export { checkTlcDistributed, TLC_SERVER_DEFAULT_PORT, type DistributedRequest } from './distributed.js';
export { parseTlcTranscript, TlcOutputReader, type TlcMessage, type TlcProgress } from './output.js';
export type { TlcOutcome } from './interpret.js';
export { exitCodeMeaning } from './exitCodes.js';
