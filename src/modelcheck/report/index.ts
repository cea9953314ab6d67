/**
 * What check-spec prints: table.ts the results table and counterexamples, coverageReport.ts the
 * action coverage table and per-module summary, coverageNames.ts the naming of TLC's located
 * coverage entries (and of counterexample steps TLC labels "Next").
 */
export { formatCounterexample, formatResultsTable, verdictText } from './table.js';
export { formatCoverageTable, formatModuleCoverage, reachedBy, type ModuleCoverage } from './coverageReport.js';
export { actionInSpan, nameCoverage, spanText } from './coverageNames.js';
