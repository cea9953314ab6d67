/**
 * TLA+ values outside the checkers: tlaValue.ts parses values as TLC and tla-checker print them,
 * itf.ts is the Informal Trace Format counterexamples are saved in, tlaLiteral.ts writes JSON
 * values back as TLA+ literals.
 */
export { counterexampleToItf, embeddedJsonToItf, formatItf, tlcJsonToItf, type ItfDocument, type ItfValue } from './itf.js';
export { parseStateText, parseTlaValue } from './tlaValue.js';
export { tlaString, tlaValueLiteral } from './tlaLiteral.js';
