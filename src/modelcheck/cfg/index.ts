/**
 * Models: TLC configuration files (`spec/<model>.cfg`) and the metadata comments check-spec
 * reads on their first lines. cfg.ts parses and prints a cfg.
 */
export { CfgError, parseCfg, parseMeta, printCfg, withConstants, type ConstantEntry, type ModelMeta, type TlcConfig } from './cfg.js';
export { listModels, loadModel, selectModels, UnknownModel, type ModelInfo } from './models.js';
