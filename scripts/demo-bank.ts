/** Prints the bank demo: a simulated 5-node cluster under faults (see src/sim/demo.ts). */
import { runBankDemo } from '../src/sim/demo.js';
import { noArguments } from './commandLine.js';

noArguments('demo-bank', 'usage: npx tsx scripts/demo-bank.ts (no options: the bank demo, seed 2026)');

const summary = runBankDemo();
process.exitCode = summary.balancesEqual && summary.totalsConserved && summary.violations.length === 0 ? 0 : 1;
