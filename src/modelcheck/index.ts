/** Programmatic API of the model-checking driver behind `npm run check-spec`. */
export type { Counterexample, CounterexampleState, Engine, ModelResult, Progress, Verdict } from './types.js';
export { checkModel, defaultEngine, defaultSpecDir, repoRoot, type CheckModelOptions } from './check.js';
export { listModels, loadModel, selectModels, UnknownModel, type ModelInfo } from './models.js';
export { formatResultsTable, formatCounterexample, verdictText } from './table.js';
export { declaredActions } from './nextActions.js';
export { parseCfg, printCfg, withConstants, CfgError, type TlcConfig, type ModelMeta } from './cfg.js';
export { flattenModule, FlattenError, STANDARD_MODULES } from './flatten.js';
export { counterexampleToItf, formatItf, type ItfDocument, type ItfValue } from './itf.js';
export { parseTlaValue } from './tlaValue.js';
export { parseTlcTranscript, TlcOutputReader } from './tlcOutput.js';
export { EngineUnavailable, findJar, findJava, requireTlc } from './tlcSetup.js';
export { formatCoverageTable, formatModuleCoverage, type ModuleCoverage } from './coverageReport.js';
export { listWitnesses, readWitness, replayWitness, evalInState, WitnessError, type Witness } from './witness.js';
