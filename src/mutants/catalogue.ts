/**
 * The implementation mutants the trace checker must kill: each a NodeFactory that builds the
 * real Node with one broken role injected (or a corrupting network), and the scenarios that
 * exercise the bug. test/mutants/mutants.test.ts runs them and checks every one is rejected.
 */
import type { RoleFactories } from '../node/role-factories.js';
import { defaultNodeFactory, type NodeFactory } from '../sim/nodeFactory.js';
import type { Scenario } from '../sim/scenario.js';
import { scheduleOf } from '../sim/schedule.js';
import {
  AcceptLowerBallotAcceptor, ExecuteTwiceReplica, HalfQuorumCommander, HalfQuorumScout, IgnoreRejectionCommander, IgnoreRejectionScout,
  KeepFirstPValueAcceptor, LastPromiseOnlyScout, LowestPValueLeader, MarkGuardedCompactLeader, TieBreakPValueLeader, MinorityCommander, MinorityScout,
  PromiseYesAnywayAcceptor, SkipPhaseOneLeader, OutOfOrderReplica, OwnProposalLeader, PromiseOmitsAcceptedAcceptor, RedriveExecutedLeader,
  SlotInMarkLeader, VolatileAcceptor, WrongSlotCommander,
} from './roles.js';
import { corruptingFactory } from './inFlight.js';
import { faultScenario, withRacingLeaders } from '../trace/runs/faultScenarios.js';
import { CompactAtMarkAcceptor, LastMarkScout, OnePValuePerSlotScout, WindowOneOverReplica } from './selfReviewRoles.js';
import {
  AckOnCommitReplica, AnswerOnDecisionReplica, CheckpointWelcomeReplica, FreshIdRetryRequester, EarlyForgetRequester, ProposedInputReplica,
  SessionOutputReplica,
} from './clientRoles.js';
import { welcomeCorruptingFactory } from './welcomeInFlight.js';
import { LastPartHistoryReplica, smallWelcomesFactory } from './welcomePartRoles.js';
import { PartialPromiseScout, smallPromisesFactory } from './promisePartRoles.js';
import { BatchInputOverReplica, BatchOneOverReplica, DedupeWholeBatchReplica, LastIndexAnswerReplica, ReversedBatchReplica, SplitBatchLeader } from './batchRoles.js';
import { freshIdOnRetryFactory } from './clientLibrary.js';
import { RestoreForgetsIdReplica, RestoreInitialAppReplica } from './restoreRoles.js';
import type { FailureKind } from '../trace/replay/check.js';

export interface Mutant {
  name: string;
  /** The rule it breaks. */
  breaks: string;
  createNode: NodeFactory;
  /** Tried in order until the checker rejects one trace. */
  scenarios: Scenario[];
  /** The check that rejects its trace: 'client' (the application replayed along the history)
   * or 'linearizability' for a bug the spec replay alone accepts; unset, the spec replay. */
  killedBy?: FailureKind;
}

function withRoles(roles: Partial<RoleFactories>): NodeFactory {
  return (id, peers, options, env) => defaultNodeFactory(id, peers, { ...options, roles: { ...options.roles, ...roles } }, env);
}

const base = (seed: number, over: Partial<Scenario> = {}): Scenario => ({
  seed, nodes: 3, app: 'kv', workload: { clients: 2, ops: 4 }, schedule: scheduleOf(), ...over,
});

/** Leader changes while Accepts are in flight: stale Accepts, adopted pvalues, restarts. */
const leaderChurn = (seed: number): Scenario => base(seed, {
  nodes: 3, workload: { clients: 3, ops: 6 },
  schedule: scheduleOf({ duplicate: 0.2, reorder: 0.3, reorderMs: 60, loss: 0.05 }, [
    { kind: 'killLeader', at: 40, restart: 900 },
    { kind: 'isolateLeader', at: 1200, heal: 2400 },
    { kind: 'killLeader', at: 2600, restart: 3400 },
  ]),
});
/** The drawn fault scenario of validate-traces (faultScenarios.ts) with its replicas checkpointing every 4 slots. */
const drawnCheckpointed = (seed: number): Scenario => ({ ...faultScenario(seed), checkpointEvery: 4 });
/** The drawn fault scenario with 12 clients and batches of up to 2: requests wait for a slot of the window. */
const drawnCrowded = (seed: number): Scenario => {
  const s = faultScenario(seed);
  return { ...s, workload: { ...s.workload, clients: 12 }, batchMax: 2 };
};
/** Leaders racing on values (withRacingLeaders: five nodes, the leader isolated every 160 ms, 40% loss). */
const racing = (seed: number): Scenario => withRacingLeaders(base(seed));
const churnSeeds = (from: number, count: number): Scenario[] => Array.from({ length: count }, (_, i) => leaderChurn(from + i));

/**
 * Five nodes, heavy loss and a leader killed four times: a slot can end up accepted with
 * different proposals under different ballots, which is what a wrong pvalue choice needs.
 */
const heavyChurn = (seed: number): Scenario => base(seed, {
  nodes: 5, workload: { clients: 5, ops: 6 },
  schedule: scheduleOf({ loss: 0.25, duplicate: 0.1, reorder: 0.4, reorderMs: 80 }, [
    { kind: 'killLeader', at: 30, restart: 400 },
    { kind: 'killLeader', at: 300, restart: 900 },
    { kind: 'isolateLeader', at: 700, heal: 1500 },
    { kind: 'killLeader', at: 1300, restart: 2000 },
    { kind: 'killLeader', at: 1900, restart: 2600 },
  ]),
});

/**
 * Decisions overtake one another (slow, reordered links): a replica often learns a slot
 * before the one it must execute first. Four clients: node 1 has two, so requests of one
 * caller are decided while an earlier one is still pending.
 */
const gaps = (seed: number): Scenario => base(seed, { workload: { clients: 4, ops: 6 }, schedule: scheduleOf({ reorder: 0.6, reorderMs: 100 }) });

/**
 * Node 3, then node 2, crash and rejoin while the bank is being set up: two Welcomes, each
 * sent right after a request that changed the state (opening and funding accounts do).
 */
const rejoin = (seed: number): Scenario => base(seed, {
  app: 'bank', workload: { clients: 2, ops: 12 },
  schedule: scheduleOf({}, [{ kind: 'crash', at: 20, node: 3, restart: 60 }, { kind: 'crash', at: 70, node: 2, restart: 110 }]),
});

/**
 * Two clients per node, and nodes 2 and 3 crash while both of theirs wait: on restart each
 * client retries its request, which the others have executed meanwhile, so it is answered
 * from the duplicate table.
 */
const retriesAfterRestart = (seed: number): Scenario => base(seed, {
  workload: { clients: 6, ops: 6 },
  schedule: scheduleOf({}, [{ kind: 'crash', at: 30, node: 2, restart: 400 }, { kind: 'crash', at: 50, node: 3, restart: 450 }]),
});

/**
 * A replica that runs on from its own snapshot, which owes its node an answer. Node 1, the
 * leader, crashes while its client's request is out for acceptance; a new leader (after
 * leaderTimeoutMs) decides it and the others execute it. Node 1 restarts, installs their
 * Welcome (that answer now owed: its replica executed nothing) and snapshots it, then crashes
 * again before its Requester retransmits (invokeRetransmitMs). The peers are idle by then, so
 * the second restart's Welcome is at its own slot and installs nothing: its replica keeps
 * what it restored (a Welcome from a peer ahead would replace all of it), and the
 * retransmission is answered from the restored table or not at all. An own request it
 * executed itself was answered in the step that executed it: only an installed one can be
 * retried after a restart.
 */
const owedAfterRestart = (seed: number): Scenario => base(seed, {
  checkpointEvery: 3, workload: { clients: 2, ops: 6 },
  schedule: scheduleOf({}, [{ kind: 'crash', at: 30, node: 1, restart: 3000 }, { kind: 'crash', at: 3300, node: 1, restart: 3600 }]),
});

/** Node 3 is cut off for four seconds while its client waits: its requests time out again and again. */
const cutOffCaller = (seed: number): Scenario => base(seed, {
  app: 'bank', workload: { clients: 3, ops: 6 }, schedule: scheduleOf({}, [{ kind: 'partition', at: 30, heal: 4000, groups: [[3]] }]),
});

/**
 * Batches of up to four requests: nine clients on three nodes, loss and reordering, so a
 * replica's window fills and requests wait together.
 */
const batches = (seed: number): Scenario => base(seed, {
  workload: { clients: 9, ops: 6 }, batchMax: 4, schedule: scheduleOf({ loss: 0.1, reorder: 0.3, reorderMs: 60, duplicate: 0.1 }),
});
/** Batches of up to two: three clients a node, so a full batch leaves a request waiting. */
const smallBatches = (seed: number): Scenario => ({ ...batches(seed), batchMax: 2 });
/** Batches of up to four and at most 100 units of input (the inputs are 30 to 80): the input bound cuts most. */
const inputBatches = (seed: number): Scenario => ({ ...batches(seed), batchMaxInput: 100 });
/** The same with the leader killed and isolated: a request's batch loses its slot and is proposed again. */
const batchChurn = (seed: number): Scenario => ({ ...leaderChurn(seed), workload: { clients: 9, ops: 6 }, batchMax: 4 });

/**
 * Node 1, the first leader, is cut off while its commanders wait (only its own acceptor
 * answers them). Node 2 takes over, and the others decide and compact past those slots, so no
 * acceptor answers those commanders again. At the heal node 2 crashes: node 1, preempted by its
 * ballot, adopts a higher one whose quorum reports a mark above them, and only then catches up
 * from node 3 and snapshots at or below that mark. Its acceptor's AcceptorCompact must drop
 * the waiting commanders though the leader's mark is not below the new one. Which runs get
 * there depends on how the catch-up races the adoption: these are the 4 of 672 scanned
 * (snapshots every 20 or 30 slots, 5 to 7 requests a client, heals from 2.0 to 2.6 s, seeds 1 to 6).
 */
const staleCommanders = ([checkpointEvery, ops, heal]: readonly [number, number, number]): Scenario => base(2, {
  checkpointEvery, workload: { clients: 6, ops },
  schedule: scheduleOf({}, [{ kind: 'partition', at: 40, heal, groups: [[1]] }, { kind: 'crash', at: heal, node: 2, restart: null }]),
});

export const MUTANTS: readonly Mutant[] = [
  { name: 'AcceptLowerBallot', breaks: 'an acceptor accepts an Accept below its promise',
    // Seed 49: the first of 1..60 whose run has a stale Accept reach an acceptor that promised
    // higher, since leaders skip heartbeats to the peers their commanders reached (fewer changes).
    createNode: withRoles({ Acceptor: AcceptLowerBallotAcceptor }), scenarios: [leaderChurn(49)].concat(churnSeeds(1, 8)) },
  { name: 'LastPromiseOnly', breaks: 'a scout adopts the pvalues of every Promise of its quorum, not only the last',
    createNode: withRoles({ Scout: LastPromiseOnlyScout }), scenarios: churnSeeds(1, 8) },
  { name: 'KeepFirstPValue', breaks: 'an acceptor replaces its pvalue for a slot when it accepts the slot at a higher ballot',
    createNode: withRoles({ Acceptor: KeepFirstPValueAcceptor }), scenarios: churnSeeds(1, 8) },
  { name: 'PromiseOmitsAccepted', breaks: 'a Promise carries the accepted pvalues',
    createNode: withRoles({ Acceptor: PromiseOmitsAcceptedAcceptor }), scenarios: churnSeeds(1, 8) },
  { name: 'MinorityScout', breaks: 'a scout adopts only with a quorum of promises',
    createNode: withRoles({ Scout: MinorityScout }), scenarios: [base(1)] },
  { name: 'MinorityCommander', breaks: 'a commander decides only with a quorum of accepts',
    createNode: withRoles({ Commander: MinorityCommander }), scenarios: [base(1)] },
  // Half the acceptors are a majority of 3 or 5 too: these two show only in a cluster of 4.
  { name: 'HalfQuorumScout', breaks: 'a scout adopts only with a majority of promises (more than half: in a cluster of 4, three)',
    createNode: withRoles({ Scout: HalfQuorumScout }), scenarios: [base(1, { nodes: 4 })] },
  { name: 'HalfQuorumCommander', breaks: 'a commander decides only with a majority of accepts (more than half: in a cluster of 4, three)',
    createNode: withRoles({ Commander: HalfQuorumCommander }), scenarios: [base(1, { nodes: 4 })] },
  // A refusal (an answer reporting a higher promise) counted as a vote. leaderChurn's runs send no refusal at all (one
  // leader at a time, ballots only rising); these heavyChurn seeds each deliver some to a live commander or scout.
  { name: 'IgnoreRejectionCommander', breaks: 'a commander counts an Accepted only when its acceptor promised no higher ballot (else it is preempted)',
    createNode: withRoles({ Commander: IgnoreRejectionCommander }), scenarios: [118, 136, 153, 235].map(heavyChurn) },
  { name: 'IgnoreRejectionScout', breaks: 'a scout counts a Promise only when its acceptor promised no higher ballot (else it is preempted)',
    createNode: withRoles({ Scout: IgnoreRejectionScout }), scenarios: [118, 235, 384].map(heavyChurn) },
  { name: 'PromiseYesAnyway', breaks: 'an acceptor that promised a higher ballot says so in its Promise (a refusal), not yes',
    createNode: withRoles({ Acceptor: PromiseYesAnywayAcceptor }), scenarios: [118, 235, 384].map(heavyChurn).concat(churnSeeds(1, 4)) },
  { name: 'LowestPValueLeader', breaks: 'an adopting leader takes the highest-ballot pvalue of each slot',
    // Seeds found by scanning heavyChurn: 39 the first of 1..39 to exercise it while every Accept went
    // to every acceptor; 45, 54, 70, 72 and 75 those of 1..100 that do since a stable leader sends it to
    // a quorum and replicas skip Proposes a leader would ignore (several: which seed does is chaotic);
    // 90 the only one of 1..100 since leaders skip heartbeats to the peers their commanders reached;
    // 118, 136, 143, 153, 235, 361, 384 and 398 those of 1..400 since an adopted leader leaves the
    // slots its own replica executed (the bug shows only on a slot its replica has not executed).
    // Last, racing runs (withRacingLeaders), where one in nine kills it (11, 25 and 34: three of 1..34,
    // 2026-12-07), so that a change which moves the churn seeds' leaders leaves it killed.
    createNode: withRoles({ Leader: LowestPValueLeader }),
    scenarios: [118, 136, 143, 153, 235, 361, 384, 398].map(heavyChurn).concat(churnSeeds(1, 4), [11, 25, 34].map(racing)) },
  { name: 'TieBreakPValueLeader', breaks: 'an adopting leader takes the pvalue of the highest ballot, ordered by number and then leader id',
    // Two values for one slot at one ballot number come only from leaders racing (withRacingLeaders):
    // these are the seeds of 1..200 whose racing run kills it (2026-12-07); no drawn or churn scenario did.
    createNode: withRoles({ Leader: TieBreakPValueLeader }),
    scenarios: [25, 47, 55, 111, 114, 133, 158, 163, 180, 186].map(racing) },
  { name: 'SkipPhaseOne', breaks: 'a leader drives a proposal only once a quorum adopted its ballot (phase 1 before phase 2)',
    createNode: withRoles({ Leader: SkipPhaseOneLeader }), scenarios: churnSeeds(1, 8) },
  { name: 'OwnProposalLeader', breaks: 'an adopting leader replaces its own proposal by the adopted one',
    createNode: withRoles({ Leader: OwnProposalLeader }), scenarios: churnSeeds(1, 12) },
  { name: 'RedriveExecutedLeader', breaks: 'an adopting leader leaves the slots its own replica executed',
    createNode: withRoles({ Leader: RedriveExecutedLeader }), scenarios: churnSeeds(1, 12) },
  { name: 'SlotInMarkLeader', breaks: 'an adopting leader drives every slot its replica proposed for and has not executed',
    createNode: withRoles({ Leader: SlotInMarkLeader }), scenarios: churnSeeds(1, 12) },
  // Found in a Member cluster's traced run (tracedCluster.test.ts, CI of 2026-12-07), the Leader's code until 4ad1e9f.
  { name: 'MarkGuardedCompact', breaks: "an AcceptorCompact drops its node's leader's commanders below the new mark whatever the leader's own mark",
    createNode: withRoles({ Leader: MarkGuardedCompactLeader }),
    scenarios: ([[20, 6, 2200], [20, 6, 2300], [20, 6, 2400], [30, 5, 2200]] as const).map(staleCommanders) },
  { name: 'ExecuteOutOfOrder', breaks: 'a replica executes slots strictly in order',
    createNode: withRoles({ Replica: OutOfOrderReplica }),
    scenarios: [1, 2, 3].map((s) => base(s, { schedule: scheduleOf({ reorder: 0.5, reorderMs: 80, loss: 0.1 }) })) },
  { name: 'ExecuteTwice', breaks: 'a replica executes a request at most once',
    createNode: withRoles({ Replica: ExecuteTwiceReplica }),
    scenarios: [1, 2, 3].map((s) => base(s, { schedule: scheduleOf({ duplicate: 0.5, reorder: 0.3, reorderMs: 40 }) })) },
  { name: 'DecisionWrongSlot', breaks: 'a Decision names the slot its commander decided',
    createNode: withRoles({ Commander: WrongSlotCommander }), scenarios: [base(1)] },
  { name: 'VolatileAcceptor', breaks: "an acceptor's promise and accepted pvalues survive a restart",
    createNode: withRoles({ Acceptor: VolatileAcceptor }),
    scenarios: [1, 2, 3].map((s) => base(s, { schedule: scheduleOf({}, [{ kind: 'crash', at: 150, node: 2, restart: 600 }, { kind: 'crash', at: 900, node: 1, restart: 1400 }]) })) },
  { name: 'MessageMutatedInFlight', breaks: 'the network delivers what was sent (an Accept arrives with another proposal)',
    createNode: corruptingFactory(defaultNodeFactory), scenarios: [base(1)] },
  // The client boundary: what clients are told, the application state, exactly-once.
  { name: 'AckOnCommit', breaks: 'a client is acknowledged only once its request is executed at its slot',
    createNode: withRoles({ Replica: AckOnCommitReplica }), scenarios: [1, 2, 3].map(gaps), killedBy: 'client' },
  { name: 'AnswerOnDecision', breaks: 'a replica answers a request when it executes it, not when it learns its decision',
    createNode: withRoles({ Replica: AnswerOnDecisionReplica }), scenarios: [1, 2, 3].map(gaps) },
  { name: 'AppliesOwnProposal', breaks: 'a replica applies the decided input to its state machine',
    createNode: withRoles({ Replica: ProposedInputReplica }), scenarios: [base(1, { workload: { clients: 3, ops: 4 } })], killedBy: 'client' },
  { name: 'ResubmitUnderFreshId', breaks: 'a request keeps its client id across retries (one invoke takes effect at most once)',
    createNode: withRoles({ Requester: FreshIdRetryRequester }), scenarios: [1, 2].map(cutOffCaller), killedBy: 'client' },
  { name: 'RequesterForgetsEarly', breaks: 'a Requester keeps a request it invoked until its node executed it (the trace\'s invoked)',
    createNode: withRoles({ Requester: EarlyForgetRequester }), scenarios: [base(1)] },
  { name: 'RetryAfterRestartUnderFreshId', breaks: 'a client re-sends a request after a restart under its own client id',
    createNode: freshIdOnRetryFactory(defaultNodeFactory), scenarios: [1, 2].map((s) => ({ ...retriesAfterRestart(s), app: 'bank' as const })), killedBy: 'client' },
  { name: 'WelcomeStaleCheckpoint', breaks: 'a Welcome carries the state of the history it transfers',
    createNode: withRoles({ Replica: CheckpointWelcomeReplica }), scenarios: [1, 2, 3].map(rejoin), killedBy: 'client' },
  { name: 'WelcomeMutatedInFlight', breaks: 'the network delivers what was sent (a Welcome arrives with an altered state)',
    createNode: welcomeCorruptingFactory(defaultNodeFactory), scenarios: [1, 2].map(rejoin), killedBy: 'client' },
  // Welcomes in parts (every node's maxWelcomeBytes lowered to 300 bytes, so that the rejoins' Welcomes are split).
  { name: 'WelcomeLastPartHistory', breaks: 'a replica installs the history of every part of a Welcome, in part order',
    createNode: smallWelcomesFactory(withRoles({ Replica: LastPartHistoryReplica }), 300), scenarios: [1, 2, 3].map(rejoin) },
  // Promises in parts (every node's maxPromiseBytes lowered to 400 bytes, so that a Promise with pvalues is split).
  { name: 'ScoutCountsPartialPromise', breaks: 'a scout counts an acceptor once it holds every part of its Promise',
    createNode: smallPromisesFactory(withRoles({ Scout: PartialPromiseScout }), 400), scenarios: churnSeeds(1, 4) },
  { name: 'SessionOutput', breaks: 'a retried request is answered with its own output',
    createNode: withRoles({ Replica: SessionOutputReplica }), scenarios: [1, 2, 5, 6].map(retriesAfterRestart), killedBy: 'client' },
  // Restarts from a durable snapshot: a restart's event shows the restored history (by length, in a compact trace), not
  // the state and duplicate table restored with it, so a bug there shows only in later steps.
  { name: 'RestoreSkipsApp', breaks: "a replica restarted from its snapshot restores the snapshot's application state",
    createNode: withRoles({ Replica: RestoreInitialAppReplica }), scenarios: [1, 2].map(owedAfterRestart), killedBy: 'client' },
  { name: 'RestoreForgetsExecuted', breaks: 'a replica restarted from its snapshot still knows every request the snapshot executed',
    // Seeds 1..40 of owedAfterRestart all kill it. Twenty seeds each of retriesAfterRestart (with checkpoints), a cluster of
    // one restarted twice, a whole-cluster restart and node 3 restarted twice while its peers ran on kill none: no retry
    // there reaches a table that only the snapshot gave.
    createNode: withRoles({ Replica: RestoreForgetsIdReplica }), scenarios: [1, 2, 3].map(owedAfterRestart) },
  // Batches (a slot decides several requests).
  { name: 'ReversedBatch', breaks: "a replica runs a batch's requests in the batch's order",
    createNode: withRoles({ Replica: ReversedBatchReplica }), scenarios: [1, 2, 3].map(batches) },
  { name: 'DedupeWholeBatch', breaks: 'a replica skips each request of a batch that ran before (not only a batch that ran whole)',
    createNode: withRoles({ Replica: DedupeWholeBatchReplica }), scenarios: [1, 2, 3, 4, 5, 6].map(batchChurn) },
  { name: 'SplitBatchLeader', breaks: 'a leader proposes the batch a replica proposed, whole',
    createNode: withRoles({ Leader: SplitBatchLeader }), scenarios: [1, 2, 3].map(batches) },
  { name: 'LastIndexAnswer', breaks: "each request of a batch is answered with its own index in the history",
    createNode: withRoles({ Replica: LastIndexAnswerReplica }), scenarios: [1, 2, 3].map(batches) },
  { name: 'BatchOneOver', breaks: 'a replica proposes at most BatchMax requests for one slot',
    createNode: withRoles({ Replica: BatchOneOverReplica }), scenarios: [1, 2, 3].map(smallBatches) },
  { name: 'BatchInputOver', breaks: "a batch of two or more requests holds at most Limits.batchMaxInput units of input (the header's cluster.batchMaxInput)",
    createNode: withRoles({ Replica: BatchInputOverReplica }), scenarios: [1, 2, 3].map(inputBatches) },
  // From a review of our own (2026-12-07, selfReviewRoles.ts): bugs validate-traces caught, kept
  // so that the checker goes on catching them. Seeds: the first of 1..40 whose run kills each.
  { name: 'WindowOneOver', breaks: 'a replica proposes only while rSlotIn < rSlotOut + Window',
    createNode: withRoles({ Replica: WindowOneOverReplica }), scenarios: [2, 4, 10, 11].map(drawnCrowded) },
  { name: 'CompactAtMark', breaks: "an AcceptorCompact drops only the pvalues below its replica's snapshot slot",
    // Its memory then holds less than its log, which a restart restores: the nodes' journals assume
    // the two agree, so these seeds (of 1..15, 2026-12-07) are those whose trace the journals write
    // as a diff of whole states does (test/trace/format/incrementalDelta.test.ts), and that kill it.
    createNode: withRoles({ Acceptor: CompactAtMarkAcceptor }), scenarios: [5, 8, 9, 13].map(drawnCheckpointed) },
  { name: 'OnePValuePerSlot', breaks: "a scout keeps every pvalue of its quorum's Promises, not one per slot",
    createNode: withRoles({ Scout: OnePValuePerSlotScout }), scenarios: [2, 3, 4, 5].map(racing) },
  { name: 'LastMarkScout', breaks: "a scout's mark is the highest of its quorum's Promises, not the last one's",
    createNode: withRoles({ Scout: LastMarkScout }), scenarios: [25, 26, 29, 32, 35, 40].map(drawnCheckpointed) },
];
