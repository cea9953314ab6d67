/** The deterministic simulator's public surface. */
export { Simulator } from './simulator.js';
export type { Ack, ClientSpec, NodeFactory, SimConfig, SimResult, SimStats, StopReason } from './types.js';
export { Prng } from './prng.js';
export {
  type Fault, type FaultKind, type FaultSchedule, type NetworkFaults, FAULT_KINDS, RELIABLE_NETWORK, ScheduleError,
  parseSchedule, scheduleOf,
} from './schedule.js';
export { type Scenario, type ScenarioRun, type RunExtras, runScenario, replayCommand, describeFailure, PROBE_INPUT } from './scenario.js';
export { checkAll } from './checks.js';
export { type AppName, type WorkloadShape, generateWorkload, transferWorkload } from './workload.js';
export { type BankDemoOptions, type BankDemoSummary, runBankDemo } from './demo.js';
