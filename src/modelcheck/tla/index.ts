/**
 * Reading TLA+ modules as text, for both engines: flatten.ts inlines the user modules a module
 * EXTENDS (tla-checker reads one module), nextActions.ts finds the actions of Next,
 * moduleStructure.ts makes the structural checks SANY makes and tla-checker does not.
 */
export { blankComments, flattenModule, FlattenError, STANDARD_MODULES, type Flattened, type LineOrigin } from './flatten.js';
export { declaredActions, declaredActionsOfModel, exploreCfg, initName, nextName, topLevelDefinitions } from './nextActions.js';
export { checkModuleStructure, withoutTrailer, type StructureError } from './moduleStructure.js';
