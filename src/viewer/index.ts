/**
 * Pictures of runs: `npm run view-trace -- <trace | part files | counterexample.itf.json>`
 * writes one self-contained HTML page with a space-time diagram of the run.
 *
 * Design, in the order the data flows:
 *
 * 1. Reading (Node). A trace is read as the checker replays it: one file in file order, or
 *    per-node part files merged by (Lamport clock, node, seq) exactly as the checker's merge
 *    does (readTrace.ts), so the file:line the checker rejects is the event drawn. Unlike the
 *    checker, reading goes past bad lines (they become notes on the page). A counterexample
 *    (ITF, readItf.ts) becomes one event per state: the spec's TypeScript encoding finds
 *    which node took each step and what it received. Every event keeps its line as written,
 *    so event kinds the viewer does not know are drawn as plain labelled dots and shown whole.
 * 2. Arrows (arrows.ts). A receive names its message and sender; it is matched to the
 *    sender's earlier event whose `sent` holds an equal message, the Lamport clock choosing
 *    among retransmissions.
 * 3. Rejection (rejection.ts). The page points at the event check-traces rejects, found by
 *    running the checker's fast oracle (or given as --reject-line), with the checker's
 *    message and spec-versus-trace difference; for a counterexample, the last state.
 * 4. Layout (layout.ts). Rows in replay order, consecutive independent events of different
 *    nodes sharing a row (happens-before always points down); marks for leader changes,
 *    ballots, crashes and unknown actions; a one-line summary per event.
 * 5. The page (pageData.ts, html.ts). Drawing data as integer columns (plain JSON, parsed at
 *    once: all the first paint needs); the event lines gzipped and base64-encoded (the bulk,
 *    decompressed by the browser after the first paint and parsed one event at a time).
 *    Style, script and data are inline: the page opens from disk with no network.
 * 6. The browser (page/*.js: plain JavaScript with JSDoc types, checked by
 *    page/tsconfig.json against the DOM). The diagram is SVG rebuilt for the rows in view on
 *    every scroll (windowing: a few hundred elements whatever the run's length), with an
 *    overview strip of the whole run; clicking an event shows what it received and from
 *    whom, its parameters, what it sent and who received it, and the node's state after the
 *    step, expanded from compact deltas (with checkpoints, so a click deep into a long run
 *    replays a few hundred deltas, not all of them).
 *
 * Tested in Debian's chromium through playwright-core (test/viewer/browser.test.ts).
 */
export { runViewTraceCli, resolveInput, USAGE } from './cli.js';
export { readTrace, mergeByClock, MAX_EVENTS } from './readTrace.js';
export { readItf, findStep } from './readItf.js';
export { matchArrows, type Arrow, type ArrowMatch } from './arrows.js';
export { packRows, eventFlags, FLAG } from './layout.js';
export { buildPage, type PageData } from './pageData.js';
export { renderHtml } from './html.js';
export { checkForRejection, highlightFromFailure, highlightFromLine } from './rejection.js';
export type { ViewEvent, ViewRun, Highlight } from './types.js';
export { ViewerInputError } from './types.js';
