/** Prints the bank demo: a simulated 5-node cluster under faults (see src/sim/demo.ts). */
import { runBankDemo } from '../src/sim/demo.js';

const summary = runBankDemo();
process.exitCode = summary.balancesEqual && summary.totalsConserved && summary.violations.length === 0 ? 0 : 1;
