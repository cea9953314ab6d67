/**
 * What every concern shares: types.ts the result types both engines report in, processes.ts the
 * registry of the processes and worker threads the driver starts (so a signal stops them all).
 */
export * from './types.js';
export { stopAll, stopAllOnSignals, trackChild, trackWorker } from './processes.js';
