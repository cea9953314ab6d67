/**
 * What a trace exercised that a check can only test where it happens. A check of a path no
 * run takes passes whatever the code does there: an off-by-one in the batch bound passed 60
 * seeded runs in which no replica ever had more requests waiting than a batch holds, and a
 * wrong answer to a retried request passed runs in which no request was retried after it ran.
 * scripts/validate-sim-traces.ts counts these over its runs and fails when one is missing.
 */
import type { Ballot, TraceEvent } from '../format/types.js';
import { ballotEq, reqsOf, type NodeSpec } from '../spec/specState.js';
import { hasRivalTie, hasRivalValues } from './leaderChanges.js';

export interface TraceCoverage {
  /**
   * Retried requests answered from the replica's table of executed requests: a
   * ReplicaReceiveInvoke that sends an Invoked (the client-level checks compare its index and
   * output with the history's).
   */
  retryAnswers: number;
  /**
   * Batches of BatchMax requests (BatchMax > 1) proposed while more requests waited: where a
   * bound that lets one more in would show (the checker refuses a batch over BatchMax).
   */
  fullBatchesWithMoreWaiting: number;
  /**
   * Batches of two or more but fewer than BatchMax requests proposed while more requests
   * waited: the replica fills a batch oldest first until a bound stops it, so here the input
   * bound did, where a wrong sum would show (the checker holds batches to cluster.batchMaxInput).
   */
  batchesCutByInput: number;
  /**
   * Parts of a Promise sent in parts (maxPromiseBytes) that a scout received: where a scout
   * that counts an acceptor before it holds every part, and so loses pvalues, would show.
   */
  promisePartsReceived: number;
  /**
   * Welcomes sent in parts (maxWelcomeBytes) that a replica installed: where a replica that
   * installs before it holds every part, or joins the parts' state text wrongly, would show.
   */
  welcomesFromParts: number;
  /**
   * Refusals that a live commander (Accepted) or scout (Promise) received: answers naming its
   * ballot from an acceptor that had promised a higher one. Only there would a commander or
   * scout that counts every answer to its ballot as a vote show; runs with one leader at a
   * time and rising ballots send none (the churn scenarios of src/mutants/catalogue.ts did not).
   */
  acceptRefusals: number;
  promiseRefusals: number;
  /**
   * Adoptions (LeaderReceiveAdopted) whose pvalues hold two values for one slot: the only
   * adoptions where a leader that takes any but the highest ballot's value (pmax) shows.
   */
  rivalAdoptions: number;
  /**
   * Of those, adoptions with the two values at one ballot number (hasRivalTie): where a leader
   * that orders ballots by their number alone, not by the leader id after it, shows.
   */
  rivalTies: number;
}

export const noCoverage = (): TraceCoverage => ({
  retryAnswers: 0, fullBatchesWithMoreWaiting: 0, batchesCutByInput: 0, promisePartsReceived: 0, welcomesFromParts: 0, acceptRefusals: 0, promiseRefusals: 0,
  rivalAdoptions: 0, rivalTies: 0,
});

const refusal = (m: { ballot: Ballot; promised: Ballot }): boolean => !ballotEq(m.promised, m.ballot);

/** Counts what event `ev`, which the replay accepted, exercised; `after` is the acting node's spec state after it. */
export function noteCoverage(c: TraceCoverage, ev: TraceEvent, after: NodeSpec, batchMax: number): void {
  if (ev.action === 'ReplicaReceiveInvoke') {
    if (ev.sent.some((m) => m.type === 'Invoked')) c.retryAnswers++;
  } else if (ev.action === 'ScoutReceivePromise') {
    const m = ev.params.message;
    if (m?.type === 'Promise' && (m.parts ?? 1) > 1) c.promisePartsReceived++;
    if (m?.type === 'Promise' && refusal(m)) c.promiseRefusals++;
  } else if (ev.action === 'CommanderReceiveAccepted') {
    const m = ev.params.message;
    if (m?.type === 'Accepted' && refusal(m)) c.acceptRefusals++;
  } else if (ev.action === 'LeaderReceiveAdopted') {
    const m = ev.params.message;
    if (m?.type === 'Adopted' && hasRivalValues(m.pvalues)) {
      c.rivalAdoptions++;
      if (hasRivalTie(m.pvalues)) c.rivalTies++;
    }
  } else if (ev.action === 'ReplicaReceiveWelcome') {
    const m = ev.params.message;
    if (m?.type === 'Welcome' && (m.parts ?? 1) > 1) c.welcomesFromParts++;
  } else if (ev.action === 'ReplicaPropose' && batchMax > 1 && ev.params.proposal !== undefined) {
    const k = reqsOf(ev.params.proposal).length;
    if (after.rRequests.size > 0) {
      if (k === batchMax) c.fullBatchesWithMoreWaiting++;
      else if (k >= 2) c.batchesCutByInput++;
    }
  }
}

export function addCoverage(into: TraceCoverage, c: TraceCoverage): void {
  into.retryAnswers += c.retryAnswers;
  into.fullBatchesWithMoreWaiting += c.fullBatchesWithMoreWaiting;
  into.batchesCutByInput += c.batchesCutByInput;
  into.promisePartsReceived += c.promisePartsReceived;
  into.welcomesFromParts += c.welcomesFromParts;
  into.acceptRefusals += c.acceptRefusals;
  into.promiseRefusals += c.promiseRefusals;
  into.rivalAdoptions += c.rivalAdoptions;
  into.rivalTies += c.rivalTies;
}
