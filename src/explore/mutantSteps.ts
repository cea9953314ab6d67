/**
 * The spec's mutants (`CONSTANT Mutant` in spec/MultiPaxos.tla) for the explorer, as a wrapper
 * around the fast encoding: the successors of a state are fastSpec's, except that the actions a
 * mutant changes are replaced by their mutant versions, written here beside the .tla text they
 * mirror. fastSpec itself has no mutants (it is the trace checker's oracle, proved equal to the
 * correct spec); what vouches for these versions is that every counterexample the explorer
 * finds with them is replayed on the embedded engine against the .tla with the same Mutant,
 * step by step (engineReplay.ts; test/explore/checkpointMutants.test.ts).
 *
 * LeaderReceiveAdopted is replaced under every mutant by a version that keeps the .tla's set
 * semantics when two pvalues of one slot share the highest ballot (PMax then names both, and
 * the leader drives both): fastSpec keeps one, which is the same thing in every behaviour of
 * the correct spec (a leader proposes one value per slot and ballot) but not after some bugs.
 */
import type { Ballot, MessageOf, Proposal, PValue, SlotProp, SpecMessage } from '../trace/format/types.js';
import { messageKey, propKey, pvalueKey, slotPropKey } from '../trace/format/keys.js';
import {
  type CommanderSpec, type NodeSpec, type SpecConfig, type SpecState, DECISION_BY_SLOT, ExecSeq, NOOP_KEY,
  acceptedOf, ballotEq, ballotLt, commanderSpecKey, decisionsOf, emptyVolatile, leaderProposalsOf, longBatch, reqsOf,
} from '../trace/spec/specState.js';
import { type ActionName, type Step, allSteps, executeSlot, leaderCompactedTo, replicaReceiveWelcome, unexecuted } from '../trace/spec/fastSpec.js';
import { exploreSuccessors } from './successors.js';
import { promiseAssemblies, promiseParts } from '../trace/spec/promiseParts.js';
import { idsOf } from '../trace/spec/requestIds.js';

export type SuccessorFn = (cfg: SpecConfig, s: SpecState) => Step[];

interface Rules {
  quorum: (N: number, acks: number) => boolean;
  acceptLowerBallot: boolean;
  promiseOmitsAccepted: boolean;
  scoutIgnoresAccepted: boolean;
  executeOwnProposal: boolean;
  reuseBallotAfterRestart: boolean;
  compactUndecided: boolean;
  promiseOmitsAtMark: boolean;
  promiseFromSnapshot: boolean;
  compactThroughMark: boolean;
  proposeBelowMark: boolean;
  snapshotWrongSlot: boolean;
  snapshotKeepsSlotIn: boolean;
  forgetAboveSnapshot: boolean;
  promiseNotRecorded: boolean;
  commanderCountsRejections: boolean;
  restartStaysActive: boolean;
  adoptLowestBallot: boolean;
  executeTwice: boolean;
  dedupeWholeBatch: boolean;
  executeBatchAnyOrder: boolean;
  leaderSplitsBatch: boolean;
  answerBatchLastIndex: boolean;
  answerIndexInBatch: boolean;
  welcomeMixesParts: boolean;
  welcomeMissingPart: boolean;
  scoutCountsPartialPromise: boolean;
  acceptKeepsPromise: boolean;
  welcomeOverProposals: boolean;
  adoptMarkFromSlotIn: boolean;
  restartLosesHistory: boolean;
  commanderIgnoresSlot: boolean;
  promiseHighestBallotOnly: boolean;
  preemptedStaysActive: boolean;
  adoptIgnoresMark: boolean;
  promiseRelabelsBallot: boolean;
  leaderDrivesSlotTwice: boolean;
  scoutKeepsLastMark: boolean;
  scoutSkipsFirstPart: boolean;
  adoptPrefersOwnOverNoOp: boolean;
  commanderRetriesAtLeaderBallot: boolean;
  commanderIgnoresBallot: boolean;
}

const MAJORITY = (N: number, acks: number): boolean => 2 * acks > N;
const CORRECT: Rules = {
  quorum: MAJORITY, acceptLowerBallot: false, promiseOmitsAccepted: false, scoutIgnoresAccepted: false,
  executeOwnProposal: false, reuseBallotAfterRestart: false,
  compactUndecided: false, promiseOmitsAtMark: false, promiseFromSnapshot: false, compactThroughMark: false, proposeBelowMark: false, snapshotWrongSlot: false, snapshotKeepsSlotIn: false, forgetAboveSnapshot: false, promiseNotRecorded: false,
  commanderCountsRejections: false, restartStaysActive: false, adoptLowestBallot: false,
  executeTwice: false, dedupeWholeBatch: false, executeBatchAnyOrder: false, leaderSplitsBatch: false, answerBatchLastIndex: false, answerIndexInBatch: false,
  welcomeMixesParts: false, welcomeMissingPart: false, scoutCountsPartialPromise: false,
  acceptKeepsPromise: false, welcomeOverProposals: false, adoptMarkFromSlotIn: false, restartLosesHistory: false,
  commanderIgnoresSlot: false, promiseHighestBallotOnly: false, preemptedStaysActive: false, adoptIgnoresMark: false, promiseRelabelsBallot: false,
  leaderDrivesSlotTwice: false, scoutKeepsLastMark: false, scoutSkipsFirstPart: false, adoptPrefersOwnOverNoOp: false,
  commanderRetriesAtLeaderBallot: false, commanderIgnoresBallot: false,
};

/** Each mutant: what it changes (the .tla's comment), the rule it sets, and the actions it replaces. */
export const FAST_MUTANTS: Record<string, { bug: string; rules: Partial<Rules>; actions: ActionName[] }> = {
  SmallQuorum: { bug: 'a quorum is one node less than a majority', rules: { quorum: (N, acks) => 2 * acks >= N - 1 }, actions: ['ScoutReceivePromise', 'CommanderReceiveAccepted'] },
  AcceptLowerBallot: { bug: 'an acceptor accepts a ballot below its promise', rules: { acceptLowerBallot: true }, actions: ['AcceptorReceiveAccept'] },
  PromiseOmitsAccepted: { bug: 'a Promise leaves out the accepted pvalues', rules: { promiseOmitsAccepted: true }, actions: ['AcceptorReceivePrepare'] },
  ScoutIgnoresAccepted: { bug: 'a scout drops the pvalues Promises report', rules: { scoutIgnoresAccepted: true }, actions: ['ScoutReceivePromise'] },
  ExecuteOwnProposal: { bug: 'a replica executes what it proposed for a slot instead of what was decided', rules: { executeOwnProposal: true }, actions: ['ReplicaExecute'] },
  ReuseBallotAfterRestart: { bug: 'a restarted leader keeps its old ballot', rules: { reuseBallotAfterRestart: true }, actions: ['NodeRestart'] },
  CompactUndecided: {
    bug: 'an acceptor compacts up to the highest slot it accepted instead of its node\'s snapshot', rules: { compactUndecided: true }, actions: ['AcceptorCompact'],
  },
  PromiseOmitsAtMark: { bug: 'a Promise carries the pvalues strictly above the mark', rules: { promiseOmitsAtMark: true }, actions: ['AcceptorReceivePrepare'] },
  PromiseFromSnapshot: {
    bug: 'a Promise carries the pvalues from its node\'s snapshot slot up, with the acceptor\'s older mark', rules: { promiseFromSnapshot: true }, actions: ['AcceptorReceivePrepare'],
  },
  CompactThroughMark: { bug: 'an acceptor compacting discards the pvalue at its new mark too', rules: { compactThroughMark: true }, actions: ['AcceptorCompact'] },
  ProposeBelowMark: {
    bug: 'a leader proposes below its mark (keeps its proposals there and takes a Propose there)', rules: { proposeBelowMark: true },
    actions: ['LeaderReceivePropose'], // and LeaderReceiveAdopted, replaced under every mutant
  },
  SnapshotWrongSlot: { bug: 'a replica labels its snapshot one slot past what it executed', rules: { snapshotWrongSlot: true }, actions: ['ReplicaSnapshot'] },
  SnapshotKeepsSlotIn: { bug: 'a replica takes a snapshot but keeps its next proposal slot below it', rules: { snapshotKeepsSlotIn: true }, actions: ['ReplicaSnapshot'] },
  ForgetAboveSnapshot: { bug: 'a replica forgets decisions at or above its snapshot slot (even without a snapshot)', rules: { forgetAboveSnapshot: true }, actions: ['ReplicaForget'] },
  PromiseNotRecorded: { bug: 'an acceptor answers a Prepare with a promise it does not record', rules: { promiseNotRecorded: true }, actions: ['AcceptorReceivePrepare'] },
  CommanderCountsRejections: { bug: 'a commander counts an Accepted that names a higher promised ballot as a vote', rules: { commanderCountsRejections: true }, actions: ['CommanderReceiveAccepted'] },
  RestartStaysActive: { bug: 'a restarted leader believes it is still adopted, under its new ballot', rules: { restartStaysActive: true }, actions: ['NodeRestart'] },
  AdoptLowestBallot: { bug: 'an adopted leader takes, for each slot, the pvalue with the lowest ballot', rules: { adoptLowestBallot: true }, actions: ['LeaderReceiveAdopted'] },
  ExecuteTwice: { bug: 'a replica executes a request decided in two slots twice', rules: { executeTwice: true }, actions: ['ReplicaExecute'] },
  // Batches (BatchMax > 1; with batches of one request each is the correct spec).
  DedupeWholeBatch: {
    bug: 'a replica skips a decided batch only if it executed all of its requests before, else it executes them all', rules: { dedupeWholeBatch: true }, actions: ['ReplicaExecute'],
  },
  ExecuteBatchAnyOrder: { bug: 'a replica executes a batch\'s requests in any order, as if the batch were a set', rules: { executeBatchAnyOrder: true }, actions: ['ReplicaExecute'] },
  LeaderSplitsBatch: { bug: 'a leader proposes only the first request of a batch it receives', rules: { leaderSplitsBatch: true }, actions: ['LeaderReceivePropose'] },
  AnswerBatchLastIndex: { bug: 'a replica answers each request of a batch with the index of the batch\'s last request', rules: { answerBatchLastIndex: true }, actions: ['ReplicaExecute'] },
  AnswerIndexInBatch: {
    bug: 'a replica answers each request of a batch with its place in the batch, counting requests of the batch executed before', rules: { answerIndexInBatch: true }, actions: ['ReplicaExecute'],
  },
  // Welcome parts (WelcomeParts > 1; with one part each is the correct spec).
  WelcomeMixesParts: { bug: 'a replica assembles a Welcome from parts of Welcomes at different slots', rules: { welcomeMixesParts: true }, actions: ['ReplicaReceiveWelcome'] },
  WelcomeMissingPart: { bug: 'a replica installs a Welcome once it holds all parts but one', rules: { welcomeMissingPart: true }, actions: ['ReplicaReceiveWelcome'] },
  // Promise parts (PromiseParts > 1; with one part it is the correct spec).
  ScoutCountsPartialPromise: { bug: 'a scout counts an acceptor\'s Promise, and its pvalues, from the one part it received', rules: { scoutCountsPartialPromise: true }, actions: ['ScoutReceivePromise'] },
  // Found by no property until PromiseCoversAccepted and ProposalsAhead were stated (session 41's review).
  AcceptKeepsPromise: { bug: 'an acceptor accepts a higher ballot without raising its promise to it', rules: { acceptKeepsPromise: true }, actions: ['AcceptorReceiveAccept'] },
  WelcomeOverProposals: { bug: 'a replica installs a Welcome while proposals of its own are pending', rules: { welcomeOverProposals: true }, actions: ['ReplicaReceiveWelcome'] },
  AdoptMarkFromSlotIn: {
    bug: 'an adopted leader leaves the slots below its replica\'s next proposal slot, not below its next slot to execute', rules: { adoptMarkFromSlotIn: true },
    actions: ['LeaderReceiveAdopted'],
  },
  // An outside review's (session 55): it passed every CI model until ci-checkpoint checked HistoriesSound.
  RestartLosesHistory: { bug: 'a restarted replica resumes at its snapshot slot with an empty history', rules: { restartLosesHistory: true }, actions: ['NodeRestart'] },
  // An outside review's four (session 55) that passed every CI model: DecisionsChosen, PromisesReport and PhaseOneFirst catch them.
  CommanderIgnoresSlot: { bug: 'a commander counts an Accepted of its ballot for any slot', rules: { commanderIgnoresSlot: true }, actions: ['CommanderReceiveAccepted'] },
  PromiseHighestBallotOnly: {
    bug: 'a Promise carries only the pvalues of the highest ballot its acceptor accepted', rules: { promiseHighestBallotOnly: true }, actions: ['AcceptorReceivePrepare'],
  },
  PreemptedStaysActive: { bug: 'a preempted leader moves to a higher ballot but stays active (skips phase 1)', rules: { preemptedStaysActive: true }, actions: ['LeaderReceivePreempted'] },
  AdoptIgnoresMark: { bug: 'an adopted leader ignores the quorum\'s mark the Adopted reports', rules: { adoptIgnoresMark: true }, actions: ['LeaderReceiveAdopted'] },
  // Written for PromisesReport: a bug its first half (every vote reported) let through.
  PromiseRelabelsBallot: { bug: 'a Promise labels the pvalues it reports with the ballot it promises', rules: { promiseRelabelsBallot: true }, actions: ['AcceptorReceivePrepare'] },
  // Written for OneValuePerBallot (session 57), which catches it at the second Accept; AcceptorMonotonicity a step later.
  LeaderDrivesSlotTwice: { bug: 'a leader takes a Propose for a slot it already drives, and drives that slot twice', rules: { leaderDrivesSlotTwice: true }, actions: ['LeaderReceivePropose'] },
  // A second outside review's (session 57), which passed every CI model: AdoptionsReport catches it (session 58).
  ScoutKeepsLastMark: { bug: 'a scout keeps the mark of the last Promise it counted, not the highest', rules: { scoutKeepsLastMark: true }, actions: ['ScoutReceivePromise'] },
  ScoutSkipsFirstPart: { bug: 'a scout drops the pvalues of part 1 of a Promise in parts', rules: { scoutSkipsFirstPart: true }, actions: ['ScoutReceivePromise'] },
  // Another of that review's: AcceptsAsAdopted catches it (session 58).
  AdoptPrefersOwnOverNoOp: {
    bug: 'an adopted leader keeps its own proposal for a slot where it adopted the no-op', rules: { adoptPrefersOwnOverNoOp: true }, actions: ['LeaderReceiveAdopted'],
  },
  // The last of that review's bugs that passed every CI model (session 60): OneValuePerBallot catches it on ci-race-rescout.
  CommanderRetriesAtLeaderBallot: {
    bug: 'a rejected commander retries its proposal under its leader\'s newer ballot, at which the leader is active', rules: { commanderRetriesAtLeaderBallot: true }, actions: ['CommanderReceiveAccepted'],
  },
  // Written for ci-race-rescout (session 60), where a commander of an older ballot meets its leader's newer one's Accepteds (ci-race-retry catches it too).
  CommanderIgnoresBallot: { bug: 'a commander counts an Accepted for its slot at any ballot', rules: { commanderIgnoresBallot: true }, actions: ['CommanderReceiveAccepted'] },
};

export const isFastMutant = (name: string): boolean => name === 'none' || Object.prototype.hasOwnProperty.call(FAST_MUTANTS, name);

/** The successor function of the spec with `mutant` planted ("none": fastSpec's allSteps, untouched, as successors.ts enumerates them). */
export function successorsFor(mutant: string): SuccessorFn {
  if (mutant === 'none') return exploreSuccessors;
  const entry = FAST_MUTANTS[mutant];
  if (entry === undefined) throw new Error(`the explorer has no mutant ${JSON.stringify(mutant)} (it has: ${Object.keys(FAST_MUTANTS).join(', ')})`);
  const rules: Rules = { ...CORRECT, ...entry.rules };
  const replaced = new Set<ActionName>([...entry.actions, 'LeaderReceiveAdopted']);
  return (cfg, s) => {
    const out = exploreSuccessors(cfg, s).filter((st) => !replaced.has(st.action));
    for (const a of replaced) out.push(...mutantSteps(rules, a, cfg, s));
    return out;
  };
}

type Result = [NodeSpec, SpecMessage[]] | null;

/** The steps of one replaced action, over the same bindings as Next (and fastSpec's allSteps). */
function mutantSteps(r: Rules, action: ActionName, cfg: SpecConfig, s: SpecState): Step[] {
  const out: Step[] = [];
  const push = (n: number, res: Result, param: Step['param'], extra?: Partial<Step>): void => {
    if (res !== null) out.push({ action, n, node: res[0], sent: res[1], ...(param ? { param } : {}), ...extra });
  };
  const onMessages = <T extends SpecMessage['type']>(type: T, nodesOf: (m: MessageOf<T>) => number[], f: (n: number, x: NodeSpec, m: MessageOf<T>) => Result[]): void => {
    for (const m of s.msgs.values()) {
      if (m.type !== type) continue;
      for (const n of nodesOf(m as MessageOf<T>)) for (const res of f(n, s.nodes[n]!, m as MessageOf<T>)) push(n, res, { message: m });
    }
  };
  const everyNode = (): number[] => Array.from({ length: cfg.N }, (_, i) => i + 1);
  const leaderOf = (m: { ballot: Ballot }): number[] => (m.ballot.leader >= 1 && m.ballot.leader <= cfg.N ? [m.ballot.leader] : []);
  switch (action) {
    // \E k \in PromiseParts : AcceptorReceivePrepare(n, m, k)
    case 'AcceptorReceivePrepare': onMessages('Prepare', everyNode, (n, x, m) => [...(cfg.bounds.promiseParts ?? [1])].map((k) => acceptorReceivePrepare(r, n, x, m, s.msgs, k))); break;
    case 'AcceptorReceiveAccept': onMessages('Accept', everyNode, (n, x, m) => [acceptorReceiveAccept(r, n, x, m, s.msgs)]); break;
    case 'ScoutReceivePromise': onMessages('Promise', leaderOf, (n, x, m) => scoutReceivePromise(r, cfg.N, n, x, m, s.msgs)); break;
    case 'CommanderReceiveAccepted': onMessages('Accepted', leaderOf, (n, x, m) => commanderReceiveAccepted(r, cfg.N, n, x, m)); break;
    case 'LeaderReceiveAdopted': onMessages('Adopted', leaderOf, (_n, x, m) => [leaderReceiveAdopted(r, x, m)]); break;
    // \E m \in Msgs("Preempted") : LeaderReceivePreempted(m.leader, m)
    case 'LeaderReceivePreempted': onMessages('Preempted', (m) => (m.leader >= 1 && m.leader <= cfg.N ? [m.leader] : []), (n, x, m) => [leaderReceivePreempted(r, n, x, m)]); break;
    // \E m \in Msgs("Propose") : \E n \in LeaderNodes
    case 'LeaderReceivePropose': onMessages('Propose', () => [...(cfg.bounds.leaderNodes ?? everyNode())], (_n, x, m) => [leaderReceivePropose(r, x, m)]); break;
    case 'ReplicaExecute':
      for (const n of cfg.bounds.replicaNodes ?? everyNode()) for (const res of replicaExecute(r, n, s.nodes[n]!)) push(n, res, {});
      break;
    case 'NodeRestart':
      if (cfg.bounds.maxRestarts !== undefined && s.restarts >= cfg.bounds.maxRestarts) break;
      for (const n of everyNode()) push(n, nodeRestart(r, n, s.nodes[n]!), {}, { restart: true });
      break;
    case 'ReplicaSnapshot':
      for (const n of cfg.bounds.replicaNodes ?? everyNode()) push(n, replicaSnapshot(r, cfg, n, s.nodes[n]!), {});
      break;
    // \E m \in Msgs("Welcome") : ReplicaReceiveWelcome(m.node, m), with the mutant's PartsOf and Installs.
    case 'ReplicaReceiveWelcome':
      onMessages('Welcome', (m) => (m.node >= 1 && m.node <= cfg.N ? [m.node] : []),
        (n, x, m) => welcomeSteps(r, n, x, m, s.msgs));
      break;
    case 'ReplicaForget':
      for (const n of cfg.bounds.replicaNodes ?? everyNode()) for (const res of replicaForget(r, s.nodes[n]!)) push(n, res, {});
      break;
    case 'AcceptorCompact':
      for (const n of everyNode()) push(n, acceptorCompact(r, s.nodes[n]!), {});
      break;
    default: throw new Error(`no mutant version of ${action}`);
  }
  return out;
}

/** A Promise's or Adopted's mark field, left out when 1 as fastSpec writes it (format/keys.ts). */
const withMark = (mark: number): { mark?: number } => (mark === 1 ? {} : { mark });

/*
 * SetAcceptor(n, IF Mutant = "PromiseNotRecorded" THEN aBallot[n] ELSE promised, aAccepted[n]);
 * AcceptorReceivePrepare: mark |-> aMark[n], accepted |-> CASE Mutant = "PromiseOmitsAccepted" -> {}
 *   [] Mutant = "PromiseOmitsAtMark" -> {pv \in aAccepted[n] : pv.slot > aMark[n]}
 *   [] Mutant = "PromiseFromSnapshot" -> {pv \in aAccepted[n] : pv.slot >= rSnap[n].slot}
 *   [] Mutant = "PromiseHighestBallotOnly" -> {pv \in aAccepted[n] : \A q \in aAccepted[n] : ~Less(pv.ballot, q.ballot)}
 *   [] Mutant = "PromiseRelabelsBallot" -> {[pv EXCEPT !.ballot = promised] : pv \in aAccepted[n]} [] OTHER -> aAccepted[n]
 */
function acceptorReceivePrepare(r: Rules, n: number, x: NodeSpec, m: MessageOf<'Prepare'>, msgs: ReadonlyMap<string, SpecMessage>, k: number): Result {
  const aBallot = ballotLt(x.aBallot, m.ballot) ? m.ballot : x.aBallot;
  const held = [...x.aAccepted.values()];
  const highest = (pv: PValue): boolean => held.every((q) => !ballotLt(pv.ballot, q.ballot));
  const kept = r.promiseOmitsAccepted ? [] : held.filter((pv) => (!r.promiseOmitsAtMark || pv.slot > x.aMark) && (!r.promiseFromSnapshot || pv.slot >= x.rSnap.slot)
    && (!r.promiseHighestBallotOnly || highest(pv)));
  // PromiseRelabelsBallot: {[pv EXCEPT !.ballot = promised] : pv \in aAccepted[n]} (a set: relabelled pvalues of one slot and prop merge).
  const accepted = r.promiseRelabelsBallot ? [...new Map(kept.map((pv) => [pvalueKey({ ...pv, ballot: aBallot }), { ...pv, ballot: aBallot }])).values()] : kept;
  const reply = promiseParts(n, m.ballot, aBallot, accepted, x.aMark, k);
  if (reply.every((p) => msgs.has(messageKey(p)))) return null;
  return [{ ...x, aBallot: r.promiseNotRecorded ? x.aBallot : aBallot }, reply];
}

/*
 * AcceptorReceiveAccept: m.slot >= aMark[n]; ok == Mutant = "AcceptLowerBallot" \/ ~Less(m.ballot, aBallot[n]);
 * SetAcceptor(n, IF Mutant = "AcceptKeepsPromise" THEN aBallot[n] ELSE promised, accepted), the reply naming promised.
 */
function acceptorReceiveAccept(r: Rules, n: number, x: NodeSpec, m: MessageOf<'Accept'>, msgs: ReadonlyMap<string, SpecMessage>): Result {
  if (m.slot < x.aMark) return null;
  const ok = r.acceptLowerBallot || !ballotLt(m.ballot, x.aBallot);
  const aBallot = ok ? m.ballot : x.aBallot;
  let accepted = new Map(x.aAccepted);
  if (ok) {
    accepted = new Map([...x.aAccepted].filter(([, pv]) => pv.slot !== m.slot));
    const pv: PValue = { ballot: m.ballot, slot: m.slot, prop: m.prop };
    accepted.set(pvalueKey(pv), pv);
  }
  const changed = accepted.size !== x.aAccepted.size || [...accepted.keys()].some((k) => !x.aAccepted.has(k));
  const reply: SpecMessage = { type: 'Accepted', acceptor: n, ballot: m.ballot, slot: m.slot, promised: aBallot };
  if (msgs.has(messageKey(reply)) && !changed) return null;
  return [{ ...x, aBallot: r.acceptKeepsPromise ? x.aBallot : aBallot, aAccepted: accepted }, [reply]];
}

/*
 * ReplicaReceiveWelcome with the mutant's PartsOf and Installs, and (WelcomeOverProposals) without
 * the guard rProposals[n] = {}: the step of a replica with no proposals, its proposals kept.
 */
function welcomeSteps(r: Rules, n: number, x: NodeSpec, m: MessageOf<'Welcome'>, msgs: Parameters<typeof replicaReceiveWelcome>[3]): Result[] {
  const rules = { mixSlots: r.welcomeMixesParts, missingPart: r.welcomeMissingPart };
  if (!r.welcomeOverProposals || x.rProposals.size === 0) return replicaReceiveWelcome(n, x, m, msgs, rules);
  return replicaReceiveWelcome(n, { ...x, rProposals: new Map() }, m, msgs, rules).map(([y, sent]): Result => [{ ...y, rProposals: x.rProposals }, sent]);
}

/*
 * ScoutReceivePromise, with IsQuorum, ScoutIgnoresAccepted and Counts (ScoutCountsPartialPromise:
 * the received part alone); the scout keeps the highest mark.
 */
function scoutReceivePromise(r: Rules, N: number, n: number, x: NodeSpec, m: MessageOf<'Promise'>, msgs: ReadonlyMap<string, SpecMessage>): Result[] {
  const sc = x.scout;
  if (sc === null || !ballotEq(m.ballot, sc.ballot)) return [];
  if (!ballotEq(m.promised, m.ballot)) return [[{ ...x, scout: null }, [{ type: 'Preempted', leader: n, ballot: m.promised }]]];
  if (sc.acks.has(m.acceptor)) return [];
  const acks = new Set(sc.acks).add(m.acceptor);
  // mark == IF scout[n].mark < m.mark \/ Mutant = "ScoutKeepsLastMark" THEN m.mark ELSE scout[n].mark
  const mark = r.scoutKeepsLastMark ? m.mark ?? 1 : Math.max(sc.mark, m.mark ?? 1);
  return promiseAssemblies(m, msgs.values(), r.scoutCountsPartialPromise).map((w): Result => {
    const pvalues = new Map(sc.pvalues);
    // ScoutSkipsFirstPart: UNION {w[i].accepted : i \in Counts(m) \ {1}} when the Promise is in parts.
    const from = r.scoutSkipsFirstPart && w.length > 1 ? 1 : 0;
    if (!r.scoutIgnoresAccepted) for (let i = from; i < w.length; i++) for (const pv of w[i]!.accepted) pvalues.set(pvalueKey(pv), pv);
    if (r.quorum(N, acks.size)) return [{ ...x, scout: null }, [{ type: 'Adopted', ballot: sc.ballot, pvalues: [...pvalues.values()], ...withMark(mark) }]];
    return [{ ...x, scout: { ballot: sc.ballot, acks, pvalues, mark } }, []];
  });
}

/*
 * CommanderReceiveAccepted: (Mutant = "CommanderIgnoresBallot" \/ c.ballot = m.ballot) /\ (Mutant = "CommanderIgnoresSlot" \/ c.slot = m.slot);
 * IF m.promised = m.ballot \/ Mutant = "CommanderCountsRejections" THEN (a vote) ELSE (preempted; under
 * CommanderRetriesAtLeaderBallot, when its leader is active at a newer ballot, a commander of it with the Accept).
 */
function commanderReceiveAccepted(r: Rules, N: number, n: number, x: NodeSpec, m: MessageOf<'Accepted'>): Result[] {
  const out: Result[] = [];
  for (const [key, c] of x.commanders) {
    if ((!ballotEq(c.ballot, m.ballot) && !r.commanderIgnoresBallot) || (c.slot !== m.slot && !r.commanderIgnoresSlot)) continue;
    const rest = new Map(x.commanders);
    rest.delete(key);
    if (!ballotEq(m.promised, m.ballot) && !r.commanderCountsRejections) {
      if (r.commanderRetriesAtLeaderBallot && x.lActive && ballotLt(c.ballot, x.lBallot)) {
        const retry: CommanderSpec = { ballot: x.lBallot, slot: c.slot, prop: c.prop, acks: new Set() };
        out.push([{ ...x, commanders: rest.set(commanderSpecKey(retry), retry) }, [{ type: 'Accept', ballot: x.lBallot, slot: c.slot, prop: c.prop }]]);
        continue;
      }
      out.push([{ ...x, commanders: rest }, [{ type: 'Preempted', leader: n, ballot: m.promised }]]);
      continue;
    }
    if (c.acks.has(m.acceptor)) continue;
    const acks = new Set(c.acks).add(m.acceptor);
    if (r.quorum(N, acks.size)) {
      out.push([{ ...x, commanders: rest }, [{ type: 'Decision', slot: c.slot, prop: c.prop }]]);
    } else {
      const nc: CommanderSpec = { ...c, acks };
      out.push([{ ...x, commanders: rest.set(commanderSpecKey(nc), nc) }, []]);
    }
  }
  return out;
}

const hasSlot = (d: Iterable<{ slot: number }>, slot: number): boolean => { for (const x of d) if (x.slot === slot) return true; return false; };

/*
 * LeaderReceiveAdopted, as the .tla writes it: PMax(pvalues) is every [slot, prop] of a pvalue
 * whose ballot no pvalue of its slot exceeds; mark == Max(Max(lMark[n], m.mark), ExecutedBelow(n)) (AdoptIgnoresMark: 1 for m.mark; rSlotOut[n];
 * AdoptMarkFromSlotIn: rSlotIn[n]); Above(D) keeps the
 * slots at or above the mark (all of D under ProposeBelowMark); adopted == Above(PMax(pvalues)) (AdoptLowestBallot: PMax takes the
 * pvalue that exceeds no pvalue of its slot);
 * AdoptPrefersOwnOverNoOp: adopted leaves out a no-op where lProposals[n] has the slot);
 * props == adopted \cup {d \in Above(lProposals[n]) : ~HasSlot(adopted, d.slot)}; every prop is driven.
 */
function leaderReceiveAdopted(r: Rules, x: NodeSpec, m: MessageOf<'Adopted'>): Result {
  if (!ballotEq(m.ballot, x.lBallot) || x.lActive) return null;
  const lMark = Math.max(x.lMark, r.adoptIgnoresMark ? 1 : m.mark ?? 1, r.adoptMarkFromSlotIn ? x.rSlotIn : x.rSlotOut);
  const above = (d: SlotProp): boolean => r.proposeBelowMark || d.slot >= lMark;
  const adopted: SlotProp[] = [];
  for (const p of m.pvalues) {
    const best = (q: PValue): boolean => (r.adoptLowestBallot ? !ballotLt(q.ballot, p.ballot) : !ballotLt(p.ballot, q.ballot));
    // AdoptPrefersOwnOverNoOp: ~(d.prop = NoOp /\ HasSlot(lProposals[n], d.slot))
    const ownOverNoOp = r.adoptPrefersOwnOverNoOp && propKey(p.prop) === NOOP_KEY && hasSlot(x.lProposals.values(), p.slot);
    if (m.pvalues.every((q) => q.slot !== p.slot || best(q)) && above(p) && !ownOverNoOp) adopted.push({ slot: p.slot, prop: p.prop });
  }
  const own = [...x.lProposals.values()].filter(above);
  const props = [...adopted, ...own.filter((d) => !hasSlot(adopted, d.slot))];
  const lProposals = new Map<string, SlotProp>();
  for (const d of props) lProposals.set(slotPropKey(d), d);
  const commanders = new Map(x.commanders);
  const sent: SpecMessage[] = [];
  for (const d of lProposals.values()) {
    const c: CommanderSpec = { ballot: m.ballot, slot: d.slot, prop: d.prop, acks: new Set() };
    commanders.set(commanderSpecKey(c), c);
    sent.push({ type: 'Accept', ballot: m.ballot, slot: d.slot, prop: d.prop });
  }
  return [{ ...x, lProposals, lMark, lActive: true, commanders }, sent];
}

/*
 * LeaderReceivePreempted: m.leader = n /\ Less(lBallot[n], m.ballot); lBallot moves above m.ballot;
 * lActive' = IF Mutant = "PreemptedStaysActive" THEN lActive ELSE FALSE.
 */
function leaderReceivePreempted(r: Rules, n: number, x: NodeSpec, m: MessageOf<'Preempted'>): Result {
  if (m.leader !== n || !ballotLt(x.lBallot, m.ballot)) return null;
  return [{ ...x, lActive: r.preemptedStaysActive ? x.lActive : false, lBallot: { num: m.ballot.num + 1, leader: n } }, []];
}

/*
 * LeaderReceivePropose: (Mutant = "ProposeBelowMark" \/ m.slot >= Max(lMark[n], aMark[n]))
 * /\ (Mutant = "LeaderDrivesSlotTwice" \/ ~HasSlot(lProposals[n], m.slot));
 * the leader keeps d, and if active starts a commander and sends its Accept.
 */
function leaderReceivePropose(r: Rules, x: NodeSpec, m: MessageOf<'Propose'>): Result {
  if (!r.proposeBelowMark && m.slot < Math.max(x.lMark, x.aMark)) return null;
  if (!r.leaderDrivesSlotTwice && hasSlot(x.lProposals.values(), m.slot)) return null;
  // prop |-> IF Mutant = "LeaderSplitsBatch" /\ IsLong(m.prop) THEN m.prop.batch[1] ELSE m.prop
  const batch = longBatch(m.prop);
  const d: SlotProp = { slot: m.slot, prop: r.leaderSplitsBatch && batch !== undefined ? batch[0]! : m.prop };
  const lProposals = leaderProposalsOf(x).with(slotPropKey(d), d);
  if (!x.lActive) return [{ ...x, lProposals }, []];
  const c: CommanderSpec = { ballot: x.lBallot, slot: d.slot, prop: d.prop, acks: new Set() };
  const commanders = new Map(x.commanders).set(commanderSpecKey(c), c);
  return [{ ...x, lProposals, commanders }, [{ type: 'Accept', ballot: x.lBallot, slot: d.slot, prop: d.prop }]];
}

/*
 * ReplicaExecute: b == IF Mutant = "ExecuteOwnProposal" /\ mine # {} THEN (CHOOSE d \in mine : TRUE).prop
 * ELSE SlotValue(rDecisions[n], s) (a replica proposes once per slot: mine has at most one element);
 * fresh == CASE Mutant = "ExecuteTwice" -> ReqsOf(b)
 * [] Mutant = "DedupeWholeBatch" -> IF Range(ReqsOf(b)) \subseteq done THEN <<>> ELSE ReqsOf(b)
 * [] OTHER -> Unexecuted(ReqsOf(b), done); run \in RunOrders(fresh) (ExecuteBatchAnyOrder: every order);
 * each answer's index is at + j (AnswerBatchLastIndex: at + Len(run); AnswerIndexInBatch: at + i where
 * ReqsOf(b)[i] = run[j], its place in the batch, which counts the batch's requests executed before).
 */
function replicaExecute(r: Rules, n: number, x: NodeSpec): Result[] {
  const s = x.rSlotOut;
  const decisions = decisionsOf(x).bucket(DECISION_BY_SLOT, s);
  if (decisions.length === 0) return [];
  const mine = [...x.rProposals.values()].filter((d) => d.slot === s);
  const choices: Proposal[] = r.executeOwnProposal && mine.length > 0 ? [mine[0]!.prop] : decisions.map((d) => d.prop);
  const lastIndex = r.answerBatchLastIndex ? (_j: number, at: number, len: number): number => at + len : undefined;
  return choices.flatMap((b) => {
    const q = reqsOf(b);
    const fresh = r.executeTwice ? q : r.dedupeWholeBatch ? (q.every((p) => x.rExecutedIds.has(p)) ? [] : q) : unexecuted(x, b);
    const runs = r.executeBatchAnyOrder ? orders(fresh) : [fresh];
    // AnswerIndexInBatch: the place in b of the j-th request run.
    const inBatch = (run: readonly Proposal[]) => (j: number, at: number): number => at + 1 + q.findIndex((p) => propKey(p) === propKey(run[j - 1]!));
    return runs.map((run) => executeSlot(n, x, b, run, r.answerIndexInBatch ? inBatch(run) : lastIndex));
  });
}

/** DistinctSeqs(Range(q), Len(q)): every order of q's requests (none if q repeats one). */
function orders(q: readonly Proposal[]): Proposal[][] {
  if (new Set(q.map(propKey)).size !== q.length) return [];
  if (q.length <= 1) return [[...q]];
  return q.flatMap((p, i) => orders([...q.slice(0, i), ...q.slice(i + 1)]).map((rest) => [p, ...rest]));
}

/*
 * NodeRestart: lBallot' = IF Mutant = "ReuseBallotAfterRestart" THEN lBallot ELSE (num + 1);
 * lActive' = IF Mutant = "RestartStaysActive" THEN lActive ELSE FALSE;
 * the acceptor's state and mark and the replica's snapshot survive, the replica restarts from it.
 */
function nodeRestart(r: Rules, n: number, x: NodeSpec): Result {
  const lBallot = r.reuseBallotAfterRestart ? x.lBallot : { num: x.lBallot.num + 1, leader: n };
  let restarted = emptyVolatile(n, { aBallot: x.aBallot, aAccepted: acceptedOf(x), aMark: x.aMark, lBallot, rSnap: x.rSnap });
  // RestartLosesHistory: rExecuted' = <<>> (rSlotOut' is still the snapshot's slot).
  if (r.restartLosesHistory) restarted = { ...restarted, rExecuted: ExecSeq.of([]), rExecutedIds: idsOf(ExecSeq.of([])) };
  return [r.restartStaysActive ? { ...restarted, lActive: x.lActive } : restarted, [{ type: 'Join', node: n }]];
}

/*
 * ReplicaSnapshot: n \in CheckpointNodes /\ rSnap[n].slot < rSlotOut[n];
 * slot == IF Mutant = "SnapshotWrongSlot" THEN rSlotOut[n] + 1 ELSE rSlotOut[n];
 * rSnap' = [slot, executed |-> rExecuted[n]], rDecisions unchanged (ReplicaForget drops them),
 * rSlotIn' = IF Mutant = "SnapshotKeepsSlotIn" THEN rSlotIn ELSE Max(rSlotIn[n], slot).
 */
function replicaSnapshot(r: Rules, cfg: SpecConfig, n: number, x: NodeSpec): Result {
  if (cfg.bounds.checkpointNodes === undefined || !cfg.bounds.checkpointNodes.has(n)) return null;
  if (x.rSnap.slot >= x.rSlotOut) return null;
  const slot = r.snapshotWrongSlot ? x.rSlotOut + 1 : x.rSlotOut;
  const rSlotIn = r.snapshotKeepsSlotIn ? x.rSlotIn : Math.max(x.rSlotIn, slot);
  return [{ ...x, rSnap: { slot, executed: x.rExecuted }, rSlotIn }, []];
}

/*
 * ReplicaForget(n, s), s \in {d.slot + 1 : d \in rDecisions[n]}:
 * Mutant = "ForgetAboveSnapshot" \/ s <= rSnap[n].slot; rDecisions' = {d \in @ : d.slot >= s}.
 */
function replicaForget(r: Rules, x: NodeSpec): Result[] {
  const held = [...x.rDecisions].filter(([, d]) => r.forgetAboveSnapshot || d.slot + 1 <= x.rSnap.slot).sort((a, b) => a[1].slot - b[1].slot);
  const out: Result[] = [];
  let rDecisions = decisionsOf(x);
  held.forEach(([k, d], i) => {
    rDecisions = rDecisions.without(k);
    if (held[i + 1]?.[1].slot !== d.slot) out.push([{ ...x, rDecisions }, []]); // s is a slot: all its decisions go together
  });
  return out;
}

/*
 * AcceptorCompact: mark == IF Mutant = "CompactUndecided" THEN HighestAccepted(n) + 1 ELSE rSnap[n].slot;
 * aMark[n] < mark; the pvalues below the mark go (CompactThroughMark: at the mark too), and so do the leader's proposals and commanders (lMark' = Max(lMark, mark)). HighestAccepted(n) is aMark[n] - 1 when
 * nothing is accepted, else the highest accepted slot.
 */
function acceptorCompact(r: Rules, x: NodeSpec): Result {
  let mark = x.rSnap.slot;
  if (r.compactUndecided) {
    let highest = x.aMark - 1;
    for (const pv of x.aAccepted.values()) if (pv.slot > highest) highest = pv.slot;
    mark = highest + 1;
  }
  if (x.aMark >= mark) return null;
  let aAccepted = acceptedOf(x);
  for (const [k, pv] of x.aAccepted) if (pv.slot < mark || (r.compactThroughMark && pv.slot === mark)) aAccepted = aAccepted.without(k);
  return [{ ...x, aMark: mark, aAccepted, ...leaderCompactedTo(x, mark) }, []];
}
