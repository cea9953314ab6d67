----------------------------- MODULE MultiPaxos -----------------------------
(***************************************************************************)
(* Multi-Paxos as this cluster runs it, after "Paxos Made Moderately       *)
(* Complex" (van Renesse and Altinbuken) and the "Clustering by Consensus" *)
(* design.  Every node hosts an Acceptor, a Replica and a Leader; a Leader *)
(* runs a Scout for phase 1 and one Commander per slot for phase 2.       *)
(*                                                                         *)
(* The spec is written at the level of the implementation's roles and      *)
(* messages: every action is one step of one role on one node, named as   *)
(* the handler that implements it (see docs/protocol.md), so that a trace *)
(* of the running code can be replayed against it event by event.        *)
(*                                                                         *)
(* The network is the set `msgs` of every message ever sent.  Receiving a *)
(* message does not remove it, so a message may be received never (loss), *)
(* many times (duplication) and in any order (reordering).  Timers are     *)
(* actions that may fire at any time.  A crash and restart loses all role *)
(* state but the Acceptor's and the Leader's ballot, which are durable.   *)
(*                                                                         *)
(* Actions take their values from the message they receive and from the   *)
(* node's state, never from enumerating constants, so that a trace with    *)
(* any number of ballots, slots and requests can be replayed.  The model   *)
(* bounds (MaxBallot, MaxSlot, MaxRestarts) appear only as guards on the   *)
(* actions that start a scout, take a new slot, or restart a node.         *)
(*                                                                         *)
(* Checkpoints (see the section "Checkpoints and compaction" below): a    *)
(* replica may snapshot its executed prefix; its node's acceptor then     *)
(* discards the pvalues below that snapshot (its low-water mark) and its  *)
(* node's leader the proposals below it.  A node that never snapshots     *)
(* behaves exactly as before: every new guard is true and every new field *)
(* keeps its initial value (mark 1, snapshot at slot 1, nothing executed).*)
(*                                                                         *)
(* Batching (see "Batches" below): a slot decides a batch, a non-empty    *)
(* sequence of requests executed in order, or the no-op.  A replica       *)
(* proposes 1 to BatchMax of the requests waiting for a slot as one       *)
(* batch.  A batch of one request is written as the request itself, so    *)
(* with BatchMax = 1 every value, state and step is the one of the spec  *)
(* before batching.                                                        *)
(***************************************************************************)
EXTENDS Naturals, FiniteSets, Sequences

CONSTANTS
    N,            \* number of nodes; nodes are 1..N
    LeaderNodes,  \* the nodes whose leader timer may fire (a subset of 1..N)
    ReplicaNodes, \* the nodes that run a replica (a subset of 1..N)
    Callers,      \* the nodes on which clients invoke requests (replica nodes)
    RequestsPerCaller, \* how many requests each caller invokes
    Window,       \* how many slots a replica may propose beyond its slot_out
    MaxBallot,    \* model bound: highest ballot number a leader runs a scout for
    MaxSlot,      \* model bound: highest slot a replica may propose for
    MaxRestarts,  \* model bound: how many crash-restarts may happen in all
    CheckpointNodes, \* the nodes whose replica may take snapshots (a subset of ReplicaNodes)
    BatchMax,     \* the most requests a replica proposes for one slot: it proposes 1 to
                  \* Min(waiting, BatchMax) (a count; the implementation may take fewer, as
                  \* it also bounds a batch's size in bytes, which the spec leaves to it)
    WelcomeParts, \* model bound: the part counts a Welcome may be sent in, a set of
                  \* positive numbers (see "Welcome parts"; the implementation picks the
                  \* count from the bytes; {1}: every Welcome is one message)
    PromiseParts, \* model bound: the part counts a Promise may be sent in, as
                  \* WelcomeParts (see "Promise parts"; {1}: every Promise is one message)
    Mutant        \* "none", or the name of a deliberate bug (see Mutants)

VARIABLES
    msgs,        \* the set of all messages sent so far
    aBallot,     \* aBallot[n]: the ballot acceptor n promised (durable)
    aAccepted,   \* aAccepted[n]: its accepted pvalues, one per slot (durable)
    aMark,       \* aMark[n]: its low-water mark: it keeps pvalues at slots >= aMark[n] only (durable)
    lBallot,     \* lBallot[n]: leader n's current ballot (durable)
    lActive,     \* lActive[n]: leader n has been adopted with lBallot[n]
    lProposals,  \* lProposals[n]: the [slot, prop] leader n is driving
    lMark,       \* lMark[n]: leader n never proposes below this slot (decided: compacted, or executed by its replica)
    scout,       \* scout[n]: leader n's phase-1 scout, or NoScout
    commanders,  \* commanders[n]: leader n's phase-2 commanders
    rSlotIn,     \* rSlotIn[n]: the next slot replica n will propose for
    rSlotOut,    \* rSlotOut[n]: the next slot replica n will execute
    rRequests,   \* rRequests[n]: client requests waiting for a slot
    rProposals,  \* rProposals[n]: [slot, prop] that replica n proposed (prop: a batch)
    rDecisions,  \* rDecisions[n]: [slot, prop] that replica n knows decided (prop: a batch)
    rExecuted,   \* rExecuted[n]: the requests replica n executed, in order
    rSnap,       \* rSnap[n]: replica n's snapshot [slot, executed] (durable)
    invoked,     \* the client requests invoked so far
    restarts,    \* how many crash-restarts have happened
    monotone,    \* ghost: every step so far kept acceptors monotone
    refines      \* ghost: every step so far was a step of LogSpec

protocolVars == <<msgs, aBallot, aAccepted, aMark, lBallot, lActive, lProposals,
                  lMark, scout, commanders, rSlotIn, rSlotOut, rRequests,
                  rProposals, rDecisions, rExecuted, rSnap, invoked, restarts>>
vars == <<protocolVars, monotone, refines>>

-----------------------------------------------------------------------------
(***************************************************************************)
(* Values.                                                                 *)
(***************************************************************************)
Node == 1..N

\* A ballot is a pair <<num, leader>> ordered lexicographically; it is a
\* record [num, leader] so that it reads the same in the spec, on the wire
\* and in traces.
Bottom == [num |-> 0, leader |-> 0]   \* below every leader's ballot
Less(a, b) == \/ a.num < b.num
              \/ a.num = b.num /\ a.leader < b.leader
Max(a, b) == IF a < b THEN b ELSE a
Min(a, b) == IF a < b THEN a ELSE b

\* A client request: the caller's node, a per-caller id, and the input the
\* state machine executes (opaque to the protocol).
NoOp == [caller |-> 0, clientId |-> 0, input |-> "noop"]
Requests == [caller : Callers, clientId : 1..RequestsPerCaller, input : {"op"}]

(***************************************************************************)
(* A request's identity is its caller and id: a caller never invokes two  *)
(* requests with one id (RequesterInvoke), so the pair names one request, *)
(* and a replica asks "did I execute it?" of the ids it executed.  That is *)
(* how an implementation keeps its duplicate table bounded (per caller, a *)
(* set of ids as ranges), and how a trace checker answers the question   *)
(* without holding every executed request.  In the models, whose one      *)
(* input is "op", comparing ids is comparing requests, and every model    *)
(* has the states it had when requests were compared whole.               *)
(***************************************************************************)
ReqId(r) == <<r.caller, r.clientId>>

\* In the models every request has the one input "op", so an id names one
\* request: two requests of the model never share an id.  (An id made of
\* the client id alone let only one of two callers' requests with the same
\* client id be invoked, since RequesterInvoke refuses an id used before:
\* ci-race shrank from 15,698 states to 61 and ci-slots from 27,848 to 785,
\* every property still true.)
ASSUME \A r, q \in Requests : ReqId(r) = ReqId(q) => r = q

Range(seq) == {seq[i] : i \in 1..Len(seq)}

(***************************************************************************)
(* Batches.  What a slot decides is a batch: a non-empty sequence of       *)
(* distinct requests, executed in order, or the no-op.  A batch of one     *)
(* request is written as that request, as before batching, and a longer    *)
(* one as the record [batch |-> q]; so with BatchMax = 1 every batch is a  *)
(* request or the no-op, and every value, state and trace of the spec is   *)
(* the one it had before batching.  The field `prop` of Propose, Accept    *)
(* and Decision, of pvalues, proposals, commanders and decisions holds a   *)
(* batch; a client's Invoke and Invoked, a replica's waiting requests and *)
(* its history hold requests.                                              *)
(***************************************************************************)
BatchOf(q) == IF Len(q) = 1 THEN q[1] ELSE [batch |-> q]
IsLong(b) == "batch" \in DOMAIN b
\* The requests of batch b, in order (none for the no-op).
ReqsOf(b) == IF IsLong(b) THEN b.batch ELSE IF b = NoOp THEN <<>> ELSE <<b>>
InBatch(r, b) == r \in Range(ReqsOf(b))
\* The sequences of k distinct elements of S.
DistinctSeqs(S, k) == {q \in [1..k -> S] : Cardinality(Range(q)) = k}
LongBatches == {[batch |-> q] : q \in UNION {DistinctSeqs(Requests, k) : k \in 2..BatchMax}}
\* The values a slot may decide: every batch of at most BatchMax requests,
\* and the no-op (with BatchMax = 1: the requests and the no-op).
Proposal == Requests \cup {NoOp} \cup LongBatches


\* A quorum is a strict majority.  (Mutant SmallQuorum: one less.)
IsQuorum(S) == IF Mutant = "SmallQuorum" THEN 2 * Cardinality(S) >= N - 1
                                         ELSE 2 * Cardinality(S) > N

\* A scout also keeps the highest low-water mark its Promises reported.
NoScout == [ballot |-> Bottom, acks |-> {}, pvalues |-> {}, mark |-> 1]

\* The snapshot a replica starts with: before slot 1, nothing executed.
NoSnapshot == [slot |-> 1, executed |-> <<>>]

\* The proposal decided for slot s among decided pairs D (at most one).
HasSlot(D, s) == \E d \in D : d.slot = s
SlotValue(D, s) == (CHOOSE d \in D : d.slot = s).prop

-----------------------------------------------------------------------------
(***************************************************************************)
(* Mutants.  Setting the constant Mutant to one of these names plants a   *)
(* deliberate bug, to show that model checking catches it (see            *)
(* test/spec/mutants.test.ts, which names the property each one breaks):  *)
(*   SmallQuorum            a quorum is one node less than a majority     *)
(*   AcceptLowerBallot      an acceptor accepts a ballot below its promise *)
(*   PromiseOmitsAccepted   a Promise leaves out the accepted pvalues     *)
(*   ScoutIgnoresAccepted   a scout drops the pvalues Promises report     *)
(*   NoRedrive              an adopted leader does not re-drive proposals *)
(*   VolatileAcceptor       an acceptor forgets its state on a restart    *)
(*   ReplicaCorruptsRequest a replica alters a client's request           *)
(*   ExecuteOwnProposal     a replica executes what it proposed for a slot *)
(*                          instead of what was decided                   *)
(*   ProposeSlotZero        a replica proposes for slot 0                 *)
(*   ReuseBallotAfterRestart a restarted leader keeps its old ballot      *)
(*   AnswerOnDecision       a replica answers a client when it learns the *)
(*                          decision, before executing it                 *)
(*   AnswerLatestIndex      a replica answers a retried request with the  *)
(*                          result of its latest execution                *)
(*   ExecuteTwice           a replica executes a request decided in two   *)
(*                          slots twice                                   *)
(* and six about checkpoints:                                             *)
(*   CompactUndecided       an acceptor compacts up to the highest slot it *)
(*                          accepted instead of its node's snapshot, so   *)
(*                          it discards pvalues of undecided slots        *)
(*   PromiseOmitsAtMark     a Promise carries the pvalues strictly above   *)
(*                          the mark, leaving out the one at the mark     *)
(*   ProposeBelowMark       a leader proposes below its mark (it neither  *)
(*                          drops its proposals there nor ignores a       *)
(*                          Propose there) instead of leaving those slots *)
(*                          to catch-up from a snapshot                   *)
(*   SnapshotWrongSlot      a replica labels its snapshot one slot past   *)
(*                          what it executed                              *)
(*   SnapshotKeepsSlotIn    a replica that proposed nothing lately takes  *)
(*                          a snapshot but keeps its next proposal slot   *)
(*                          below it, in the range it just discarded     *)
(*   ForgetAboveSnapshot    a replica forgets decisions at or above its   *)
(*                          snapshot slot (even without a snapshot)       *)
(* Four more, of the phase-1, phase-2 and restart kinds, are found by     *)
(* exhaustive search of the racing models ci-race and ci-race-ballots     *)
(* (test/explore/race.test.ts):                                           *)
(*   PromiseNotRecorded     an acceptor answers a Prepare with a promise  *)
(*                          it does not record                            *)
(*   CommanderCountsRejections a commander counts an Accepted that names  *)
(*                          a higher promised ballot as a vote            *)
(*   RestartStaysActive     a restarted leader believes it is still       *)
(*                          adopted, under its new ballot                 *)
(*   AdoptLowestBallot      an adopted leader takes, for each slot, the   *)
(*                          pvalue with the LOWEST ballot                 *)
(* and four about batches (test/spec/models/batch-*.cfg, ci-batch):       *)
(*   DedupeWholeBatch       a replica skips a decided batch only if it    *)
(*                          executed all of its requests before, else it  *)
(*                          executes them all (dedupe per batch, not per  *)
(*                          request)                                      *)
(*   ExecuteBatchAnyOrder   a replica executes a batch's requests in any  *)
(*                          order, as if the batch were a set             *)
(*   LeaderSplitsBatch      a leader proposes only the first request of a *)
(*                          batch it receives                             *)
(*   AnswerBatchLastIndex   a replica answers each request of a batch     *)
(*                          with the index of the batch's last request    *)
(* and two about Welcome parts (ci-welcome-parts):                        *)
(*   WelcomeMixesParts      a replica assembles a Welcome from parts of    *)
(*                          Welcomes at different slots                   *)
(*   WelcomeMissingPart     a replica installs a Welcome once it holds     *)
(*                          all parts but one (it counted a duplicate)    *)
(* and one about Promise parts (ci-promise-parts):                        *)
(*   ScoutCountsPartialPromise  a scout counts an acceptor's Promise, and  *)
(*                          its pvalues, from the one part it received    *)
(* and two that no property caught before PromiseCoversAccepted and       *)
(* ProposalsAhead were stated:                                            *)
(*   AcceptKeepsPromise     an acceptor accepts a higher ballot without   *)
(*                          raising its promise to it                     *)
(*   WelcomeOverProposals   a replica installs a Welcome while proposals  *)
(*                          of its own are pending                        *)
(* and one about the slots an adopted leader leaves to its replica:       *)
(*   AdoptMarkFromSlotIn    an adopted leader leaves the slots below its  *)
(*                          replica's next proposal slot, not below its   *)
(*                          next slot to execute                          *)
(* and one an outside review wrote that passed every CI model until       *)
(* ci-checkpoint checked HistoriesSound:                                  *)
(*   RestartLosesHistory    a restarted replica resumes at its snapshot's *)
(*                          slot with an empty history                    *)
(* and four an outside review wrote that passed every CI model until      *)
(* DecisionsChosen, PromisesReport and PhaseOneFirst were stated:         *)
(*   CommanderIgnoresSlot   a commander counts an Accepted of its ballot  *)
(*                          for any slot                                  *)
(*   PromiseHighestBallotOnly a Promise carries only the pvalues of the   *)
(*                          highest ballot its acceptor accepted          *)
(*   PreemptedStaysActive   a preempted leader moves to a higher ballot   *)
(*                          but stays active (skips phase 1)              *)
(*   AdoptIgnoresMark       an adopted leader ignores the quorum's mark   *)
(*                          the Adopted reports                           *)
(* and one written for PromisesReport, a bug its first half let through  *)
(* (of the CI models, only ci-race-retry saw it, 31 steps in):            *)
(*   PromiseRelabelsBallot  a Promise labels the pvalues it reports with  *)
(*                          the ballot it promises                        *)
(* and one written for OneValuePerBallot (AcceptorMonotonicity: a step    *)
(* later):                                                                *)
(*   LeaderDrivesSlotTwice  a leader takes a Propose for a slot it        *)
(*                          already drives, and drives that slot twice    *)
(* and one a second outside review wrote, which no CI model caught until  *)
(* AdoptionsReport was stated:                                            *)
(*   ScoutKeepsLastMark     a scout keeps the mark of the last Promise it  *)
(*                          counted, not the highest                      *)
(* and one more of that review's, which no CI model caught until         *)
(* AcceptsAsAdopted was stated:                                           *)
(*   AdoptPrefersOwnOverNoOp an adopted leader keeps its own proposal for *)
(*                          a slot where it adopted the no-op             *)
(* and one more of that review's, which only the test model batch-restart *)
(* showed until the CI model ci-batch-redecided:                          *)
(*   AnswerIndexInBatch     a replica answers each request of a batch     *)
(*                          with its place in the batch, counting its     *)
(*                          requests executed before                      *)
(* and two more of that review's, which no CI model caught until          *)
(* ci-compact-slots and ci-snapshot-promise:                              *)
(*   CompactThroughMark     an acceptor compacting discards the pvalue at *)
(*                          its new mark too                              *)
(*   PromiseFromSnapshot    a Promise carries the pvalues from its node's *)
(*                          snapshot slot up, with the acceptor's older   *)
(*                          mark                                          *)
(* and one more of that review's, which no CI model caught until          *)
(* ci-promise-parts-slots (AdoptionsReport):                              *)
(*   ScoutSkipsFirstPart    a scout drops the pvalues of part 1 of a      *)
(*                          Promise in parts                              *)
(* and the last of that review's, which no CI model caught until           *)
(* ci-race-rescout (OneValuePerBallot):                                    *)
(*   CommanderRetriesAtLeaderBallot  a commander that meets a higher       *)
(*                          ballot, while its leader is active at a newer  *)
(*                          one, sends its own proposal again under that   *)
(*                          newer ballot                                   *)
(* and one written for that model, where a commander of an older ballot    *)
(* meets the Accepteds of its leader's newer one (ci-race-retry, where a   *)
(* restarted leader's commander meets its older ballot's, catches it too): *)
(*   CommanderIgnoresBallot a commander counts an Accepted for its slot at *)
(*                          any ballot of its leader                       *)
(***************************************************************************)
Mutants == {"none", "SmallQuorum", "AcceptLowerBallot", "PromiseOmitsAccepted",
            "ScoutIgnoresAccepted", "NoRedrive", "VolatileAcceptor",
            "ReplicaCorruptsRequest", "ExecuteOwnProposal", "ProposeSlotZero",
            "ReuseBallotAfterRestart", "AnswerOnDecision", "AnswerLatestIndex",
            "ExecuteTwice", "CompactUndecided", "PromiseOmitsAtMark",
            "ProposeBelowMark", "SnapshotWrongSlot", "PromiseNotRecorded",
            "CommanderCountsRejections", "RestartStaysActive", "AdoptLowestBallot",
            "DedupeWholeBatch", "ExecuteBatchAnyOrder", "LeaderSplitsBatch",
            "AnswerBatchLastIndex", "SnapshotKeepsSlotIn", "ForgetAboveSnapshot",
            "WelcomeMixesParts", "WelcomeMissingPart", "ScoutCountsPartialPromise",
            "AcceptKeepsPromise", "WelcomeOverProposals", "AdoptMarkFromSlotIn",
            "RestartLosesHistory", "CommanderIgnoresSlot", "PromiseHighestBallotOnly",
            "PreemptedStaysActive", "AdoptIgnoresMark", "PromiseRelabelsBallot",
            "LeaderDrivesSlotTwice", "ScoutKeepsLastMark", "AdoptPrefersOwnOverNoOp",
            "AnswerIndexInBatch", "PromiseFromSnapshot", "CompactThroughMark",
            "ScoutSkipsFirstPart", "CommanderRetriesAtLeaderBallot",
            "CommanderIgnoresBallot"}
ASSUME Mutant \in Mutants
ASSUME BatchMax \in Nat /\ BatchMax >= 1
ASSUME WelcomeParts # {} /\ \A k \in WelcomeParts : k \in Nat /\ k >= 1
ASSUME PromiseParts # {} /\ \A k \in PromiseParts : k \in Nat /\ k >= 1

-----------------------------------------------------------------------------
(***************************************************************************)
(* Step checks.  Two properties are about steps, not states: an acceptor  *)
(* only moves forward, and the decided log only grows as LogSpec allows.  *)
(* TLC checks such action properties directly; the embedded engine cannot, *)
(* so each step records in a ghost variable whether it kept the property:  *)
(* `monotone` where an acceptor's state is written, `refines` where a     *)
(* message is sent (a step that sends nothing leaves the log alone).  The  *)
(* ghosts stay TRUE in every correct behaviour, so they add no states.     *)
(***************************************************************************)
acceptorVars == <<aBallot, aAccepted, aMark, monotone>>
leaderVars == <<lBallot, lActive, lProposals, lMark, scout, commanders>>
replicaVars == <<rSlotIn, rSlotOut, rRequests, rProposals, rDecisions, rExecuted, rSnap>>
networkVars == <<msgs, refines>>

\* The acceptor of n moves to promised ballot p with accepted pvalues A and
\* low-water mark k.  Monotone relative to what is kept: the mark never
\* decreases, and a pvalue at a slot at or above the new mark is kept or
\* replaced by one with a higher ballot; below the mark it may be dropped.
\* (Not named b: the embedded engine, tla-checker 0.9.0, evaluated
\* Less(b, aBallot[n]) here as Less(aBallot[n], aBallot[n]), the argument b
\* captured by Less's own parameter b, so a promise going down passed
\* unnoticed.  TLC is not affected.)
AcceptorStepMonotone(n, p, A, k) ==
    /\ ~Less(p, aBallot[n])
    /\ aMark[n] <= k
    /\ \A pv \in aAccepted[n] :
          \/ pv.slot < k
          \/ pv \in A
          \/ \E pw \in A : pw.slot = pv.slot /\ Less(pv.ballot, pw.ballot)
SetAcceptorState(n, b, A, k) ==
    /\ aBallot' = [aBallot EXCEPT ![n] = b]
    /\ aAccepted' = [aAccepted EXCEPT ![n] = A]
    /\ aMark' = [aMark EXCEPT ![n] = k]
    /\ monotone' = (monotone /\ AcceptorStepMonotone(n, b, A, k))
SetAcceptor(n, b, A) == SetAcceptorState(n, b, A, aMark[n])

\* The refinement mapping to LogSpec: a slot's chosen value is the one in
\* any Decision message.
ChosenIn(M) == {[slot |-> m.slot, value |-> m.prop] : m \in {x \in M : x.type = "Decision"}}

\* LogSpec's next-state relation, on the mapped log before and after a step.
IsLogStep(before, after) ==
    \/ before = after
    \/ \E e \in after :
          /\ after = before \cup {e}
          /\ ~\E f \in before : f.slot = e.slot

(***************************************************************************)
(* Messages (their types are in IsMessage below).  Replies to a Scout or  *)
(* Commander go to the leader named in the ballot they answer; Prepare,   *)
(* Accept, Decision and Propose are broadcasts and carry no addressee.    *)
(***************************************************************************)
SendAll(M) ==
    /\ msgs' = msgs \cup M
    /\ refines' = (refines /\ \/ \A m \in M : m.type # "Decision" \/ m \in msgs
                              \/ IsLogStep(ChosenIn(msgs), ChosenIn(msgs \cup M)))
Send(m) == SendAll({m})
SendNothing == UNCHANGED networkVars

-----------------------------------------------------------------------------
Init ==
    /\ msgs = {}
    /\ aBallot = [n \in Node |-> Bottom]
    /\ aAccepted = [n \in Node |-> {}]
    /\ aMark = [n \in Node |-> 1]
    /\ lBallot = [n \in Node |-> [num |-> 0, leader |-> n]]
    /\ lActive = [n \in Node |-> FALSE]
    /\ lProposals = [n \in Node |-> {}]
    /\ lMark = [n \in Node |-> 1]
    /\ scout = [n \in Node |-> NoScout]
    /\ commanders = [n \in Node |-> {}]
    /\ rSlotIn = [n \in Node |-> 1]
    /\ rSlotOut = [n \in Node |-> 1]
    /\ rRequests = [n \in Node |-> {}]
    /\ rProposals = [n \in Node |-> {}]
    /\ rDecisions = [n \in Node |-> {}]
    /\ rExecuted = [n \in Node |-> <<>>]
    /\ rSnap = [n \in Node |-> NoSnapshot]
    /\ invoked = {}
    /\ restarts = 0
    /\ monotone = TRUE
    /\ refines = TRUE

\* Segments, for a message sent in parts (see "Promise parts" and "Welcome
\* parts").  The i-th of k contiguous segments of sequence q (the first
\* ones shorter).
Segment(q, i, k) == SubSeq(q, ((i - 1) * Len(q)) \div k + 1, (i * Len(q)) \div k)
\* The i-th of k segments of a set D of records with a slot, one per slot
\* (decisions, or an acceptor's pvalues), by slot: those whose place in
\* slot order (from 1) is in the i-th segment of 1..Cardinality(D).
SlotRank(D, d) == Cardinality({e \in D : e.slot < d.slot}) + 1
DecisionSegment(D, i, k) ==
    {d \in D : /\ ((i - 1) * Cardinality(D)) \div k < SlotRank(D, d)
               /\ SlotRank(D, d) <= (i * Cardinality(D)) \div k}

-----------------------------------------------------------------------------
(***************************************************************************)
(* Acceptor.                                                               *)
(***************************************************************************)

(* Acceptor n receives a Prepare.  It promises the ballot if it is higher *)
(* than any it promised before, and answers with the ballot it has now    *)
(* promised and every pvalue it has accepted: a higher promised ballot    *)
(* tells the scout it was preempted; the pvalues let the new leader carry *)
(* on whatever may already have been chosen.  (Answering a Prepare again  *)
(* with the same Promise changes nothing: a stuttering step.)             *)
(* The Promise also carries the acceptor's low-water mark: the pvalues it *)
(* reports are exactly those at and above the mark (it holds no others),   *)
(* and the mark tells the leader that every slot below it is decided, so  *)
(* that the leader never proposes there (see LeaderReceiveAdopted).        *)
(* The Promise is sent in k parts (see "Promise parts").                  *)
AcceptorReceivePrepare(n, m, k) ==
    /\ m.type = "Prepare"
    /\ LET promised == IF Less(aBallot[n], m.ballot) THEN m.ballot ELSE aBallot[n]
           accepted == CASE Mutant = "PromiseOmitsAccepted" -> {}
                         [] Mutant = "PromiseOmitsAtMark" ->
                               {pv \in aAccepted[n] : pv.slot > aMark[n]}
                         [] Mutant = "PromiseFromSnapshot" ->
                               {pv \in aAccepted[n] : pv.slot >= rSnap[n].slot}
                         [] Mutant = "PromiseHighestBallotOnly" ->
                               {pv \in aAccepted[n] :
                                   \A q \in aAccepted[n] : ~Less(pv.ballot, q.ballot)}
                         [] Mutant = "PromiseRelabelsBallot" ->
                               {[pv EXCEPT !.ballot = promised] : pv \in aAccepted[n]}
                         [] OTHER -> aAccepted[n]
           reply == {[type |-> "Promise", acceptor |-> n, ballot |-> m.ballot,
                      promised |-> promised, mark |-> aMark[n], part |-> i, parts |-> k,
                      accepted |-> DecisionSegment(accepted, i, k)] : i \in 1..k}
       IN  /\ ~(reply \subseteq msgs)
           /\ SetAcceptor(n, IF Mutant = "PromiseNotRecorded" THEN aBallot[n] ELSE promised,
                          aAccepted[n])
           /\ SendAll(reply)
    /\ UNCHANGED <<leaderVars, replicaVars, invoked, restarts>>

(* Acceptor n receives an Accept.  Unless it promised a higher ballot, it  *)
(* accepts the pvalue, replacing what it accepted for that slot (which has *)
(* a lower or equal ballot), and promises the ballot.  It answers with the *)
(* ballot it has now promised: equal to the Accept's ballot means yes.     *)
(* An Accept below the acceptor's mark is ignored: that slot is decided,  *)
(* its value is in a snapshot, and storing it again would undo compaction *)
(* (the stale commander that sent it is not needed for that slot).         *)
AcceptorReceiveAccept(n, m) ==
    /\ m.type = "Accept"
    /\ m.slot >= aMark[n]
    /\ LET ok == Mutant = "AcceptLowerBallot" \/ ~Less(m.ballot, aBallot[n])
           promised == IF ok THEN m.ballot ELSE aBallot[n]
           accepted == IF ok THEN {pv \in aAccepted[n] : pv.slot # m.slot}
                                  \cup {[ballot |-> m.ballot, slot |-> m.slot, prop |-> m.prop]}
                             ELSE aAccepted[n]
           reply == [type |-> "Accepted", acceptor |-> n, ballot |-> m.ballot,
                     slot |-> m.slot, promised |-> promised]
       IN  /\ reply \notin msgs \/ accepted # aAccepted[n]
           /\ SetAcceptor(n, IF Mutant = "AcceptKeepsPromise" THEN aBallot[n] ELSE promised, accepted)
           /\ Send(reply)
    /\ UNCHANGED <<leaderVars, replicaVars, invoked, restarts>>

-----------------------------------------------------------------------------
(***************************************************************************)
(* Scout: phase 1 for leader n's current ballot.                           *)
(***************************************************************************)

(***************************************************************************)
(* Promise parts.  A Promise carries every pvalue its acceptor holds (at   *)
(* and above its mark): up to a checkpoint interval of them, or the whole  *)
(* log without checkpoints, more than a message may hold.  So a Promise is *)
(* sent as k parts, each a message of its own: part i of k carries the     *)
(* i-th of k segments (by slot) of the pvalues, and the ballot, promised   *)
(* ballot and mark in every part.  With k = 1 the one part is the whole    *)
(* Promise, as before parts (the implementation picks k from the bytes,    *)
(* the model from the set PromiseParts).                                   *)
(*                                                                         *)
(* Why counting only whole Promises is safe.  The scout counts an         *)
(* acceptor's yes only once it holds a part of every index 1..k of that    *)
(* acceptor's Promise for its ballot (the same ballot, promised ballot,    *)
(* mark and count), and then keeps the pvalues of all k parts.  Adopted's  *)
(* PMax over a quorum must see every pvalue each acceptor of the quorum    *)
(* holds at and above its mark: counting an acceptor from some of its      *)
(* parts (mutant ScoutCountsPartialPromise) is a Promise that omits        *)
(* pvalues, which loses a chosen value as PromiseOmitsAccepted does        *)
(* (AcceptsSafe, Agreement).  Parts of two Promises of one acceptor for    *)
(* the scout's ballot b, both saying yes with one mark, carry the same     *)
(* pvalues: once it promised b the acceptor accepts nothing below b, it    *)
(* accepts at b only from b's commanders, which exist once b's one scout   *)
(* has ended, and a compaction changes its mark; so their parts assemble   *)
(* to what either Promise carries.  A Promise that preempts (promised >    *)
(* ballot) ends the scout from any one of its parts: it counts no pvalue.  *)
(* The parts a scout holds but has not counted are not spec state, as for  *)
(* Welcome parts: msgs keeps every part, receiving one that completes      *)
(* nothing is a stuttering step, and the counting step reads the other     *)
(* parts from msgs.                                                        *)
(***************************************************************************)

\* The functions w on the indexes is with w[i] a message of cands whose part is i:
\* {w \in [is -> cands] : \A i \in is : w[i].part = i}, built one index at a time, so
\* that a model checker enumerates the product of each index's candidates (one each, as
\* a rule) rather than all |cands|^k functions (35^9 for a Promise in nine parts).
\* The recursive call's argument names no local of the body, so that an engine which
\* substitutes arguments without renaming (tla-checker 0.9 does) reads it right.
RECURSIVE PartChoices(_, _)
PartChoices(cands, is) ==
    IF is = {} THEN {[i \in is |-> cands]}
    ELSE LET i == CHOOSE j \in is : TRUE
         IN  {[j \in is |-> IF j = i THEN x ELSE w[j]] :
                 x \in {c \in cands : c.part = i},
                 w \in PartChoices(cands, is \ {CHOOSE j \in is : TRUE})}

\* The parts whose index is one of is, of the Promise that part m belongs to:
\* the same acceptor, ballot, promised ballot, mark and count.
PromisePartsOf(m, is) ==
    PartChoices({x \in msgs : /\ x.type = "Promise" /\ x.acceptor = m.acceptor
                              /\ x.ballot = m.ballot /\ x.promised = m.promised
                              /\ x.mark = m.mark /\ x.parts = m.parts}, is)
\* The indexes a scout counts an acceptor with: every part (Mutant
\* ScoutCountsPartialPromise: the one part it received).
Counts(m) == IF Mutant = "ScoutCountsPartialPromise" THEN {m.part} ELSE 1..m.parts
\* The indexes whose pvalues a scout leaves out: none (Mutant
\* ScoutSkipsFirstPart: part 1 of a Promise in parts).
Skipped(m) == IF Mutant = "ScoutSkipsFirstPart" /\ m.parts > 1 THEN {1} ELSE {}

(* The scout of node n receives a Promise for its ballot (part m of it).   *)
(* A yes from an acceptor not heard before is counted, once the scout      *)
(* holds every part of it, and its accepted pvalues kept; once a quorum    *)
(* said yes the ballot is adopted with every pvalue they reported, and the *)
(* highest mark they reported.  A higher promised ballot means another     *)
(* leader got ahead: the scout reports Preempted to its leader and ends.   *)
ScoutReceivePromise(n, m) ==
    /\ m.type = "Promise"
    /\ scout[n] # NoScout
    /\ m.ballot = scout[n].ballot
    /\ IF m.promised = m.ballot
         THEN /\ m.acceptor \notin scout[n].acks
              /\ \E w \in PromisePartsOf(m, Counts(m)) :
                 LET acks == scout[n].acks \cup {m.acceptor}
                     pvalues == IF Mutant = "ScoutIgnoresAccepted"
                                  THEN scout[n].pvalues
                                  ELSE scout[n].pvalues \cup UNION {w[i].accepted : i \in Counts(m) \ Skipped(m)}
                     mark == IF scout[n].mark < m.mark \/ Mutant = "ScoutKeepsLastMark"
                               THEN m.mark ELSE scout[n].mark
                 IN  /\ w[m.part] = m
                     /\ IF IsQuorum(acks)
                          THEN /\ scout' = [scout EXCEPT ![n] = NoScout]
                               /\ Send([type |-> "Adopted", ballot |-> m.ballot, pvalues |-> pvalues,
                                        mark |-> mark])
                          ELSE /\ scout' = [scout EXCEPT ![n] = [ballot |-> m.ballot, acks |-> acks,
                                                                 pvalues |-> pvalues, mark |-> mark]]
                               /\ SendNothing
         ELSE /\ scout' = [scout EXCEPT ![n] = NoScout]
              /\ Send([type |-> "Preempted", leader |-> n, ballot |-> m.promised])
    /\ UNCHANGED <<acceptorVars, lBallot, lActive, lProposals, lMark, commanders,
                   replicaVars, invoked, restarts>>

-----------------------------------------------------------------------------
(***************************************************************************)
(* Commander: phase 2 for one slot under leader n's ballot.                *)
(***************************************************************************)

\* A fresh commander for decision-shaped d under ballot b, and its Accept.
Commander(b, d) == [ballot |-> b, slot |-> d.slot, prop |-> d.prop, acks |-> {}]
AcceptFor(b, d) == [type |-> "Accept", ballot |-> b, slot |-> d.slot, prop |-> d.prop]

(* A commander of node n receives an Accepted for its ballot and slot.  A  *)
(* yes from an acceptor not heard before is counted; once a quorum         *)
(* accepted, the proposal is chosen and the commander tells every replica  *)
(* and ends.  A higher promised ballot preempts it.  (Mutant               *)
(* CommanderRetriesAtLeaderBallot: if its leader is active at a newer      *)
(* ballot by then, the commander instead sends its proposal again under    *)
(* that ballot, for which the leader may have adopted another value.)      *)
CommanderReceiveAccepted(n, m) ==
    /\ m.type = "Accepted"
    /\ \E c \in commanders[n] :
          /\ Mutant = "CommanderIgnoresBallot" \/ c.ballot = m.ballot
          /\ Mutant = "CommanderIgnoresSlot" \/ c.slot = m.slot
          /\ IF m.promised = m.ballot \/ Mutant = "CommanderCountsRejections"
               THEN LET acks == c.acks \cup {m.acceptor}
                    IN  /\ m.acceptor \notin c.acks
                        /\ IF IsQuorum(acks)
                             THEN /\ commanders' = [commanders EXCEPT ![n] = @ \ {c}]
                                  /\ Send([type |-> "Decision", slot |-> c.slot, prop |-> c.prop])
                             ELSE /\ commanders' = [commanders EXCEPT ![n] =
                                                      (@ \ {c}) \cup {[c EXCEPT !.acks = acks]}]
                                  /\ SendNothing
               ELSE IF Mutant = "CommanderRetriesAtLeaderBallot" /\ lActive[n] /\ Less(c.ballot, lBallot[n])
                      THEN /\ commanders' = [commanders EXCEPT ![n] = (@ \ {c}) \cup {Commander(lBallot[n], c)}]
                           /\ Send(AcceptFor(lBallot[n], c))
                      ELSE /\ commanders' = [commanders EXCEPT ![n] = @ \ {c}]
                           /\ Send([type |-> "Preempted", leader |-> n, ballot |-> m.promised])
    /\ UNCHANGED <<acceptorVars, lBallot, lActive, lProposals, lMark, scout,
                   replicaVars, invoked, restarts>>

-----------------------------------------------------------------------------
(***************************************************************************)
(* Leader.                                                                 *)
(***************************************************************************)

(* Leader n's timer fires while it is not active and runs no scout: it     *)
(* starts a scout for its ballot, which sends Prepare to every acceptor.   *)
(* (Retransmitting the Prepare later sends a message already sent.)        *)
LeaderSpawnScout(n) ==
    /\ n \in LeaderNodes
    /\ ~lActive[n]
    /\ scout[n] = NoScout
    /\ lBallot[n].num <= MaxBallot                         \* model bound
    /\ scout' = [scout EXCEPT ![n] = [NoScout EXCEPT !.ballot = lBallot[n]]]
    /\ Send([type |-> "Prepare", ballot |-> lBallot[n]])
    /\ UNCHANGED <<acceptorVars, lBallot, lActive, lProposals, lMark, commanders,
                   replicaVars, invoked, restarts>>

(* Leader n receives a Propose for a slot it has no proposal for.  It keeps *)
(* it, and if it is active it starts a commander for it at once.  A        *)
(* Propose below the leader's mark is ignored: that slot is decided and   *)
(* its acceptors may have discarded its pvalues, so a new ballot there     *)
(* could not learn the chosen value (the proposer catches up instead).    *)
(* So is one below its node's acceptor's mark: aMark is durable while     *)
(* lMark restarts at 1, and below aMark the slot is decided all the same  *)
(* (safe: it only refuses a step).  Then a Propose below every node's     *)
(* mark can never be acted on again, so a trace checker may forget it.    *)
LeaderReceivePropose(n, m) ==
    /\ m.type = "Propose"
    /\ Mutant = "ProposeBelowMark" \/ m.slot >= Max(lMark[n], aMark[n])
    /\ Mutant = "LeaderDrivesSlotTwice" \/ ~HasSlot(lProposals[n], m.slot)
    /\ LET d == [slot |-> m.slot,
                 prop |-> IF Mutant = "LeaderSplitsBatch" /\ IsLong(m.prop)
                            THEN m.prop.batch[1] ELSE m.prop] IN
       /\ lProposals' = [lProposals EXCEPT ![n] = @ \cup {d}]
       /\ IF lActive[n]
            THEN /\ commanders' = [commanders EXCEPT ![n] = @ \cup {Commander(lBallot[n], d)}]
                 /\ Send(AcceptFor(lBallot[n], d))
            ELSE /\ UNCHANGED commanders
                 /\ SendNothing
    /\ UNCHANGED <<acceptorVars, lBallot, lActive, lMark, scout, replicaVars, invoked, restarts>>

\* For every slot with an adopted pvalue, the proposal of the pvalue with the
\* highest ballot.  (A leader proposes one value per slot and ballot, so the
\* highest ballot names one proposal.)
PMax(pvalues) ==
    {[slot |-> pv.slot, prop |-> pv.prop] :
        pv \in {p \in pvalues : \A q \in pvalues :
                   q.slot = p.slot => IF Mutant = "AdoptLowestBallot" THEN ~Less(q.ballot, p.ballot)
                                                                    ELSE ~Less(p.ballot, q.ballot)}}

(* What PMax must give, checked as an assumption on every set of pvalues  *)
(* over two slots, two ballots and two proposals (one proposal per slot   *)
(* and ballot, as leaders propose): one proposal for each slot the pvalues *)
(* name, that of a pvalue with the highest ballot for that slot.  It is an *)
(* assumption because no model small enough for CI reaches an Adopted     *)
(* whose pvalues hold two slots at two ballots (that needs a third ballot, *)
(* so a second restart or a second leader with two slots): a PMax that    *)
(* compared ballots across slots, keeping only the pvalues with the       *)
(* highest ballot of all, passed every model.  The ballots 0.2 and 1.1     *)
(* also tell a comparison by leader first from one by number first.       *)
PMaxPValues == [ballot : {[num |-> 0, leader |-> 2], [num |-> 1, leader |-> 1]},
                slot : {1, 2}, prop : {"a", "b"}]
OneProposalPerBallot(P) == \A p, q \in P : p.ballot = q.ballot /\ p.slot = q.slot => p.prop = q.prop
PMaxSound(P) ==
    /\ {d.slot : d \in PMax(P)} = {pv.slot : pv \in P}
    /\ \A d \in PMax(P) :
          \E pv \in P : /\ pv.slot = d.slot /\ pv.prop = d.prop
                        /\ \A q \in P : q.slot = pv.slot => ~Less(pv.ballot, q.ballot)
ASSUME Mutant = "AdoptLowestBallot" \/
       \A P \in SUBSET PMaxPValues : OneProposalPerBallot(P) => PMaxSound(P)

(* Leader n learns its scout adopted its ballot.  For every slot that some *)
(* acceptor of the quorum accepted, the highest-ballot proposal replaces   *)
(* the leader's own, since it may have been chosen.  The leader becomes    *)
(* active and re-drives every proposal it now holds with a commander: a    *)
(* slot adopted but not re-driven could otherwise stay undecided forever.  *)
(* Slots below the highest mark of the quorum are left alone: they are    *)
(* decided, and an acceptor of the quorum discarded their pvalues, so the *)
(* pvalues adopted there (from acceptors that have not compacted yet) may *)
(* be stale and the chosen value may be missing from them.  The leader's  *)
(* mark rises to that mark; its own replica, if it is behind, catches up  *)
(* from a peer's snapshot (Welcome), never through this leader.            *)
(* Slots its own replica executed are left alone too: they are decided,  *)
(* so driving them again is useless, and without checkpoints (no marks)   *)
(* the leader would otherwise send an Accept for every slot of the run at *)
(* each adoption.  A replica that lacks the decision of such a slot gets  *)
(* it as it would anyway: from the Decision sent when the slot was        *)
(* decided (an implementation's replica asks its peers to send it again), *)
(* or from a peer's snapshot.  Mutant AdoptMarkFromSlotIn also leaves the *)
(* slots its replica proposed for, which need not be decided.             *)
ExecutedBelow(n) == IF Mutant = "AdoptMarkFromSlotIn" THEN rSlotIn[n] ELSE rSlotOut[n]
LeaderReceiveAdopted(n, m) ==
    /\ m.type = "Adopted"
    /\ m.ballot = lBallot[n]
    /\ ~lActive[n]
    /\ LET mark == Max(Max(lMark[n], IF Mutant = "AdoptIgnoresMark" THEN 1 ELSE m.mark),
                       ExecutedBelow(n))
           Above(D) == IF Mutant = "ProposeBelowMark" THEN D ELSE {d \in D : d.slot >= mark}
           adopted == {d \in Above(PMax(m.pvalues)) :
                         ~(Mutant = "AdoptPrefersOwnOverNoOp" /\ d.prop = NoOp
                                                              /\ HasSlot(lProposals[n], d.slot))}
           props == adopted \cup {d \in Above(lProposals[n]) : ~HasSlot(adopted, d.slot)}
           driven == IF Mutant = "NoRedrive" THEN {} ELSE props
       IN  /\ lProposals' = [lProposals EXCEPT ![n] = props]
           /\ lMark' = [lMark EXCEPT ![n] = mark]
           /\ lActive' = [lActive EXCEPT ![n] = TRUE]
           /\ commanders' = [commanders EXCEPT ![n] = @ \cup {Commander(m.ballot, d) : d \in driven}]
           /\ SendAll({AcceptFor(m.ballot, d) : d \in driven})
    /\ UNCHANGED <<acceptorVars, lBallot, scout, replicaVars, invoked, restarts>>

(* Leader n learns that one of its scouts or commanders met a higher       *)
(* ballot.  It stops being active and moves to a ballot above the one that *)
(* preempted it; its leader timer will start a scout for it.               *)
LeaderReceivePreempted(n, m) ==
    /\ m.type = "Preempted"
    /\ m.leader = n
    /\ Less(lBallot[n], m.ballot)
    /\ lBallot' = [lBallot EXCEPT ![n] = [num |-> m.ballot.num + 1, leader |-> n]]
    /\ lActive' = IF Mutant = "PreemptedStaysActive" THEN lActive
                  ELSE [lActive EXCEPT ![n] = FALSE]
    /\ SendNothing
    /\ UNCHANGED <<acceptorVars, lProposals, lMark, scout, commanders, replicaVars, invoked, restarts>>

-----------------------------------------------------------------------------
(***************************************************************************)
(* Replica.                                                                *)
(***************************************************************************)

\* The ids of the requests replica n executed (see ReqId).
ExecutedIds(n) == {ReqId(q) : q \in Range(rExecuted[n])}
Executed(n, p) == ReqId(p) \in ExecutedIds(n)
\* Where executed request p stands in replica n's history (p executed once).
IndexOf(n, p) == CHOOSE i \in 1..Len(rExecuted[n]) : ReqId(rExecuted[n][i]) = ReqId(p)

(***************************************************************************)
(* A client's answer.  The application is a deterministic state machine   *)
(* that the spec leaves abstract: the output of the i-th request a replica *)
(* executes is a function of the first i requests of its history.  So an   *)
(* answer names the request, the replica that gives it, and the index i of *)
(* the request in that replica's history: two answers with the same index *)
(* in agreeing histories carry the same output (ClientAnswers, below).     *)
(***************************************************************************)
Answer(n, p, i) == [type |-> "Invoked", replica |-> n, prop |-> p, index |-> i]
Known(n, p) == \/ p \in rRequests[n]
               \/ \E d \in rProposals[n] : InBatch(p, d.prop)
               \/ \E d \in rDecisions[n] : InBatch(p, d.prop)

(* Replica n receives a client's Invoke.  A request it already executed is *)
(* answered again, with where it stands in n's history (the client may     *)
(* have missed the answer, or n learnt of the execution from a Welcome);   *)
(* one it already knows of is ignored; a new one waits for a slot.         *)
ReplicaReceiveInvoke(n, m) ==
    /\ m.type = "Invoke"
    /\ m.replica = n
    /\ IF Executed(n, m.prop)
         THEN LET i == IF Mutant = "AnswerLatestIndex" THEN Len(rExecuted[n])
                                                      ELSE IndexOf(n, m.prop)
              IN  /\ Answer(n, m.prop, i) \notin msgs
                  /\ Send(Answer(n, m.prop, i))
                  /\ UNCHANGED rRequests
         ELSE /\ ~Known(n, m.prop)
              /\ rRequests' = [rRequests EXCEPT ![n] = @ \cup
                                 {IF Mutant = "ReplicaCorruptsRequest"
                                    THEN [m.prop EXCEPT !.input = "corrupted"] ELSE m.prop}]
              /\ SendNothing
    /\ UNCHANGED <<acceptorVars, leaderVars, rSlotIn, rSlotOut, rProposals,
                   rDecisions, rExecuted, rSnap, invoked, restarts>>

(* The batches replica n may propose: any 1 to Min(|waiting|, BatchMax)   *)
(* of its distinct waiting requests, in any order.  The implementation    *)
(* bounds a batch by count and by bytes, so it may propose fewer requests *)
(* than wait (in their order of arrival, one of these); the rest wait for *)
(* the next slot.  With BatchMax = 1: one waiting request, as before.     *)
IsWaitingBatch(n, b) ==
    LET q == ReqsOf(b) IN
    /\ 1 <= Len(q)
    /\ Len(q) <= Min(Cardinality(rRequests[n]), BatchMax)
    /\ Cardinality(Range(q)) = Len(q)
    /\ Range(q) \subseteq rRequests[n]
WaitingBatches(n) ==
    {BatchOf(q) : q \in UNION {DistinctSeqs(rRequests[n], k) :
                                 k \in 1..Min(Cardinality(rRequests[n]), BatchMax)}}

(* Replica n proposes batch b of waiting requests for its next free slot,  *)
(* if that slot is within the window above the next slot to execute.       *)
ReplicaPropose(n, b) ==
    /\ IsWaitingBatch(n, b)
    /\ rSlotIn[n] < rSlotOut[n] + Window
    /\ rSlotIn[n] <= MaxSlot                                \* model bound
    /\ ~HasSlot(rDecisions[n], rSlotIn[n])
    /\ LET slot == IF Mutant = "ProposeSlotZero" THEN rSlotIn[n] - 1 ELSE rSlotIn[n] IN
       /\ rProposals' = [rProposals EXCEPT ![n] = @ \cup {[slot |-> slot, prop |-> b]}]
       /\ Send([type |-> "Propose", slot |-> slot, prop |-> b])
    /\ rRequests' = [rRequests EXCEPT ![n] = @ \ Range(ReqsOf(b))]
    /\ rSlotIn' = [rSlotIn EXCEPT ![n] = @ + 1]
    /\ UNCHANGED <<acceptorVars, leaderVars, rSlotOut, rDecisions, rExecuted, rSnap, invoked, restarts>>

(* Replica n has requests waiting but its next slot was already decided   *)
(* (another replica's proposal took it): it moves on to the next slot.     *)
ReplicaSkipSlot(n) ==
    /\ rRequests[n] # {}
    /\ rSlotIn[n] < rSlotOut[n] + Window
    /\ rSlotIn[n] <= MaxSlot                                \* model bound
    /\ HasSlot(rDecisions[n], rSlotIn[n])
    /\ rSlotIn' = [rSlotIn EXCEPT ![n] = @ + 1]
    /\ SendNothing
    /\ UNCHANGED <<acceptorVars, leaderVars, rSlotOut, rRequests, rProposals,
                   rDecisions, rExecuted, rSnap, invoked, restarts>>

(* Replica n's gap timer: the next slot to execute is undecided while a   *)
(* later one is decided, and n proposed nothing for it (whoever did may    *)
(* have crashed).  It proposes a no-op so that execution can move on.      *)
ReplicaProposeNoop(n) ==
    /\ ~HasSlot(rDecisions[n], rSlotOut[n])
    /\ \E d \in rDecisions[n] : d.slot > rSlotOut[n]
    /\ ~HasSlot(rProposals[n], rSlotOut[n])
    /\ LET propose == [type |-> "Propose", slot |-> rSlotOut[n], prop |-> NoOp]
       IN  /\ propose \notin msgs
           /\ Send(propose)
    /\ UNCHANGED <<acceptorVars, leaderVars, replicaVars, invoked, restarts>>

(* Replica n receives a Decision it did not know and records it.  (Mutant   *)
(* AnswerOnDecision answers the client at once, guessing the request will *)
(* be the next one n executes.)  A Decision below n's snapshot is ignored: *)
(* the snapshot already holds its effect.                                 *)
ReplicaReceiveDecision(n, m) ==
    /\ m.type = "Decision"
    /\ m.slot >= rSnap[n].slot
    /\ [slot |-> m.slot, prop |-> m.prop] \notin rDecisions[n]
    /\ rDecisions' = [rDecisions EXCEPT ![n] = @ \cup {[slot |-> m.slot, prop |-> m.prop]}]
    /\ IF Mutant = "AnswerOnDecision" /\ m.prop # NoOp /\ ~Executed(n, ReqsOf(m.prop)[1])
         THEN Send(Answer(n, ReqsOf(m.prop)[1], Len(rExecuted[n]) + 1))
         ELSE SendNothing
    /\ UNCHANGED <<acceptorVars, leaderVars, rSlotIn, rSlotOut, rRequests, rProposals,
                   rExecuted, rSnap, invoked, restarts>>

\* The requests of sequence q that are not in the set E, in q's order.
\* The requests of q whose id is not in the set of ids E, in q's order.
RECURSIVE Unexecuted(_, _)
Unexecuted(q, E) == IF q = <<>> THEN <<>>
                    ELSE (IF ReqId(Head(q)) \in E THEN <<>> ELSE <<Head(q)>>) \o Unexecuted(Tail(q), E)
\* The orders in which a replica runs the requests q of a batch: q's own.
\* (Mutant ExecuteBatchAnyOrder: any order, as if the batch were a set.)
RunOrders(q) == IF Mutant = "ExecuteBatchAnyOrder" THEN DistinctSeqs(Range(q), Len(q)) ELSE {q}

(* Replica n executes its next slot, which is decided, with batch b.  The  *)
(* requests of a batch n had proposed for it that are not in b lost the   *)
(* slot and wait for another.  The requests of b are executed in b's      *)
(* order, each but those executed before (a request decided in two slots, *)
(* in one batch or two), and each caller is answered with its request's  *)
(* index in n's history; the no-op executes nothing.  Slots are executed *)
(* strictly in order.  With batches of one request, this is executing the *)
(* request unless it was executed before.                                 *)
ReplicaExecute(n) ==
    /\ \E s \in {x.slot : x \in rDecisions[n]} :
       /\ s = rSlotOut[n]
       /\ LET mine == {d \in rProposals[n] : d.slot = s}
              b == IF Mutant = "ExecuteOwnProposal" /\ mine # {}
                     THEN (CHOOSE d \in mine : TRUE).prop
                     ELSE SlotValue(rDecisions[n], s)
              lost == UNION {Range(ReqsOf(e.prop)) : e \in mine} \ Range(ReqsOf(b))
              done == ExecutedIds(n)
              fresh == CASE Mutant = "ExecuteTwice" -> ReqsOf(b)
                         [] Mutant = "DedupeWholeBatch" ->
                               IF {ReqId(r) : r \in Range(ReqsOf(b))} \subseteq done THEN <<>> ELSE ReqsOf(b)
                         [] OTHER -> Unexecuted(ReqsOf(b), done)
              at == Len(rExecuted[n])
          IN  \E run \in RunOrders(fresh) :
              /\ rRequests' = [rRequests EXCEPT ![n] = @ \cup lost]
              /\ rProposals' = [rProposals EXCEPT ![n] = @ \ mine]
              /\ rExecuted' = [rExecuted EXCEPT ![n] = @ \o run]
              /\ SendAll({Answer(n, run[j], CASE Mutant = "AnswerBatchLastIndex" -> at + Len(run)
                                               [] Mutant = "AnswerIndexInBatch" ->
                                                    at + CHOOSE i \in 1..Len(ReqsOf(b)) : ReqsOf(b)[i] = run[j]
                                               [] OTHER -> at + j)
                          : j \in 1..Len(run)})
              /\ rSlotOut' = [rSlotOut EXCEPT ![n] = s + 1]
    /\ UNCHANGED <<acceptorVars, leaderVars, rSlotIn, rDecisions, rSnap, invoked, restarts>>

(***************************************************************************)
(* Welcome parts.  A Welcome carries a replica's state (its application   *)
(* state and duplicate table, for which its history rExecuted stands) and *)
(* its decisions: more than a message may hold once the state is large.  *)
(* So a Welcome is sent as k parts, each a message of its own: part i of k *)
(* carries the i-th of k contiguous segments of the history and of the    *)
(* decisions (by slot), and the slot they are the state at.  With k = 1   *)
(* the one part is the whole Welcome, as before parts (the implementation *)
(* picks k from the bytes, the model from the set WelcomeParts).         *)
(*                                                                         *)
(* Why assembling is safe.  A replica installs only when it holds a part  *)
(* of every index 1..k for one slot and one k.  Each is a segment of a    *)
(* sound state at that slot (SnapshotsSound: the history at a slot is the *)
(* execution of the decided log below it, the same at every replica), so *)
(* their concatenation is that state whichever replica or Welcome each    *)
(* came from, and their decisions are decisions.  Parts from Welcomes at  *)
(* two slots (mutant WelcomeMixesParts), or all parts but one (mutant     *)
(* WelcomeMissingPart), would install a history that is not the state at  *)
(* the slot (HistoriesSound).  A part that is lost is a lost Welcome: the *)
(* Join stays in msgs and is answered again.  The parts a replica holds   *)
(* but has not installed are not spec state: msgs keeps every part, so    *)
(* receiving a part that completes nothing is a stuttering step, and the  *)
(* install step reads the other parts from msgs (the implementation keeps *)
(* them for one Welcome per sender, and drops the others: lost messages). *)
(***************************************************************************)

\* Part i of the k-part Welcome that replica n sends to node j.
WelcomePart(n, j, i, k) ==
    [type |-> "Welcome", node |-> j, slot |-> rSlotOut[n], part |-> i, parts |-> k,
     decisions |-> DecisionSegment(rDecisions[n], i, k),
     executed |-> Segment(rExecuted[n], i, k)]

(* Replica n receives a restarted node's Join and welcomes it with what it *)
(* knows: its next slot to execute, the decisions, and what it executed,   *)
(* in k parts (see "Welcome parts").                                       *)
(* `executed` stands for the application state at `slot` (a snapshot     *)
(* taken on the spot).  n ships every decision it holds: after            *)
(* ReplicaForget those are at and above the slot it forgot below (at most *)
(* its snapshot's), so a Welcome is a snapshot plus a tail of decisions   *)
(* and the decisions after it, never the whole log.                       *)
ReplicaReceiveJoin(n, m, k) ==
    /\ m.type = "Join"
    /\ m.node # n
    /\ m.node \in ReplicaNodes
    /\ LET welcome == {WelcomePart(n, m.node, i, k) : i \in 1..k}
       IN  /\ ~(welcome \subseteq msgs)
           /\ SendAll(welcome)
    /\ UNCHANGED <<acceptorVars, leaderVars, replicaVars, invoked, restarts>>

\* The parts whose index is one of is, of the Welcome that part m belongs to:
\* the same addressee, slot and count.  (Mutant WelcomeMixesParts: any slot.)
PartsOf(m, is) ==
    PartChoices({x \in msgs : /\ x.type = "Welcome" /\ x.node = m.node /\ x.parts = m.parts
                              /\ (Mutant = "WelcomeMixesParts" \/ x.slot = m.slot)}, is)
\* The history the parts w[1..k] carry, in order.
RECURSIVE Assembled(_, _)
Assembled(w, k) == IF k = 0 THEN <<>> ELSE Assembled(w, k - 1) \o w[k].executed
\* The indexes a replica installs with: every part (Mutant WelcomeMissingPart:
\* every part but the last, when there are two or more).
Installs(m) == IF Mutant = "WelcomeMissingPart" /\ m.parts > 1 /\ m.part < m.parts
                 THEN 1..(m.parts - 1) ELSE 1..m.parts

(* Replica n, which has proposed nothing since it restarted, receives a    *)
(* part m of a Welcome from a replica that is further ahead and holds      *)
(* every part of it (see "Welcome parts"): it takes over the decisions and *)
(* what was executed, and continues from that slot.                        *)
ReplicaReceiveWelcome(n, m) ==
    /\ m.type = "Welcome"
    /\ m.node = n
    /\ rSlotOut[n] < m.slot
    /\ Mutant = "WelcomeOverProposals" \/ rProposals[n] = {}
    /\ \E w \in PartsOf(m, Installs(m)) :
          /\ w[m.part] = m
          /\ rDecisions' = [rDecisions EXCEPT ![n] = @ \cup UNION {w[i].decisions : i \in Installs(m)}]
          /\ rExecuted' = [rExecuted EXCEPT ![n] = Assembled(w, Cardinality(Installs(m)))]
    /\ rSlotOut' = [rSlotOut EXCEPT ![n] = m.slot]
    /\ rSlotIn' = [rSlotIn EXCEPT ![n] = Max(@, m.slot)]
    /\ SendNothing
    /\ UNCHANGED <<acceptorVars, leaderVars, rRequests, rProposals, rSnap, invoked, restarts>>

-----------------------------------------------------------------------------
(***************************************************************************)
(* Checkpoints and compaction.  Four steps, each local to one node, keep  *)
(* a node's state bounded by the slots it still needs.  Each discards only *)
(* what no later step can need; the property NothingNeededDiscarded (and   *)
(* SnapshotsSound, AcceptsSafe) state it, and the mutants named above     *)
(* show that each guard matters.                                           *)
(*                                                                         *)
(* Why an acceptor may discard the pvalues below its mark k: the mark is   *)
(* its own node's durable snapshot slot, so every slot below k was        *)
(* executed there, hence decided, and its effect survives any crash in    *)
(* that snapshot.  The pvalues of a decided slot serve one purpose: to    *)
(* make a later ballot propose the chosen value again.  A later ballot's  *)
(* quorum meets every quorum that accepted the chosen value, so for each  *)
(* slot s it hears from some acceptor that either still holds a pvalue    *)
(* for s at or above the chosen ballot (and adopts the chosen value, as in *)
(* plain Paxos) or has discarded it, in which case its Promise carries a  *)
(* mark above s and the leader leaves s alone.  So a leader proposes only *)
(* at slots at or above the highest mark of its quorum, and below it the  *)
(* pvalues are needed by no one.                                           *)
(***************************************************************************)

(* Replica n snapshots its executed prefix: the state after executing     *)
(* every slot below rSlotOut[n] (here the history rExecuted[n], which the *)
(* application state is a function of), written to disk.  It keeps its   *)
(* decisions: forgetting them is its own step, ReplicaForget, so that a   *)
(* replica can keep a tail of decisions below its snapshot for peers that *)
(* are a little behind.  Only the nodes in CheckpointNodes take snapshots *)
(* (a model bound; the implementation snapshots every so many slots).     *)
(* A replica that proposed nothing lately has its next proposal slot      *)
(* rSlotIn below the snapshot; it moves up to the snapshot slot, since    *)
(* every slot below is decided and its decision may be forgotten: a      *)
(* proposal there would be ignored by every compacted leader, and         *)
(* ReplicaSkipSlot could not pass it, so the next request would wait      *)
(* forever (mutant SnapshotKeepsSlotIn, invariant ProposesAboveSnapshot). *)
ReplicaSnapshot(n) ==
    /\ n \in CheckpointNodes
    /\ rSnap[n].slot < rSlotOut[n]
    /\ LET slot == IF Mutant = "SnapshotWrongSlot" THEN rSlotOut[n] + 1 ELSE rSlotOut[n]
       IN  /\ rSnap' = [rSnap EXCEPT ![n] = [slot |-> slot, executed |-> rExecuted[n]]]
           /\ rSlotIn' = IF Mutant = "SnapshotKeepsSlotIn" THEN rSlotIn
                          ELSE [rSlotIn EXCEPT ![n] = Max(@, slot)]
    /\ SendNothing
    /\ UNCHANGED <<acceptorVars, leaderVars, rSlotOut, rRequests, rProposals,
                   rDecisions, rExecuted, invoked, restarts>>

(* Replica n forgets its decisions below slot s, at or below its snapshot. *)
(* Safe: the snapshot holds their effect, a Decision below the snapshot   *)
(* is ignored (ReplicaReceiveDecision), a restart starts from the         *)
(* snapshot, and a replica that needs those slots is sent a Welcome with  *)
(* a state instead.  What it is for: a replica that forgets below an      *)
(* earlier snapshot than its latest keeps a tail of decisions, from which *)
(* a peer a little behind catches up without rejoining (the               *)
(* implementation forgets below its previous snapshot's slot when it      *)
(* takes a new one).  s comes from the state (the slot after a decision   *)
(* n holds), never from a constant, so a trace that forgets below any     *)
(* slot can be replayed: forgetting below s is forgetting below the slot  *)
(* after the highest decision n holds below s.  It never forgets at or    *)
(* above the snapshot: the decisions from rSlotIn[n] up to rSlotOut[n]    *)
(* are how n knows to skip those slots rather than propose in them        *)
(* (mutant ForgetAboveSnapshot, invariant ProposesAboveSnapshot).         *)
ReplicaForget(n, s) ==
    /\ Mutant = "ForgetAboveSnapshot" \/ s <= rSnap[n].slot
    /\ rDecisions' = [rDecisions EXCEPT ![n] = {d \in @ : d.slot >= s}]
    /\ SendNothing
    /\ UNCHANGED <<acceptorVars, leaderVars, rSlotIn, rSlotOut, rRequests, rProposals,
                   rExecuted, rSnap, invoked, restarts>>

(* Acceptor n raises its mark to its node's snapshot slot and discards    *)
(* the pvalues below it (safe: see above).  Its promise is unchanged.     *)
(* In the same step n's leader leaves the slots below the mark, as        *)
(* LeaderCompact does (safe for the same reason: they are decided): no    *)
(* state then has n's acceptor compacted and its leader still holding a   *)
(* proposal or commander below the mark.  With LeaderReceivePropose and   *)
(* ReplicaReceiveDecision refusing slots below the mark, a Propose or     *)
(* Decision below every node's mark is never acted on again, so a trace   *)
(* checker may forget it.                                                 *)
HighestAccepted(n) == IF aAccepted[n] = {} THEN aMark[n] - 1
                      ELSE (CHOOSE pv \in aAccepted[n] :
                               \A pw \in aAccepted[n] : pw.slot <= pv.slot).slot
AcceptorCompact(n) ==
    /\ LET mark == IF Mutant = "CompactUndecided" THEN HighestAccepted(n) + 1
                                                 ELSE rSnap[n].slot
       IN  /\ aMark[n] < mark
           /\ SetAcceptorState(n, aBallot[n],
                               {pv \in aAccepted[n] : IF Mutant = "CompactThroughMark" THEN pv.slot > mark
                                                                                   ELSE pv.slot >= mark},
                               mark)
           /\ lMark' = [lMark EXCEPT ![n] = Max(@, mark)]
           /\ lProposals' = [lProposals EXCEPT ![n] = {d \in @ : d.slot >= mark}]
           /\ commanders' = [commanders EXCEPT ![n] = {c \in @ : c.slot >= mark}]
    /\ SendNothing
    /\ UNCHANGED <<lBallot, lActive, scout, replicaVars, invoked, restarts>>

(* Leader n raises its mark to its node's acceptor's mark and discards its *)
(* proposals and commanders below it: those slots are decided (the        *)
(* acceptor's mark is a snapshot slot), so driving them is useless, and   *)
(* after a new ballot it would be unsafe (see LeaderReceivePropose).      *)
(* AcceptorCompact already does this in its own step; this one is enabled *)
(* after a NodeRestart, which sets the volatile lMark back to 1 and leaves *)
(* the durable aMark.                                                     *)
LeaderCompact(n) ==
    /\ lMark[n] < aMark[n]
    /\ lMark' = [lMark EXCEPT ![n] = aMark[n]]
    /\ lProposals' = [lProposals EXCEPT ![n] = {d \in @ : d.slot >= aMark[n]}]
    /\ commanders' = [commanders EXCEPT ![n] = {c \in @ : c.slot >= aMark[n]}]
    /\ SendNothing
    /\ UNCHANGED <<acceptorVars, lBallot, lActive, scout, replicaVars, invoked, restarts>>

-----------------------------------------------------------------------------
(***************************************************************************)
(* Clients and crashes.                                                    *)
(***************************************************************************)

(* A client on node r.caller invokes request r through its Requester,      *)
(* which sends it to the replica of its own node.  The id is one its       *)
(* caller never used (see ReqId): a new request, not a retry.              *)
RequesterInvoke(r) ==
    /\ \A q \in invoked : ReqId(q) # ReqId(r)
    /\ invoked' = invoked \cup {r}
    /\ Send([type |-> "Invoke", replica |-> r.caller, prop |-> r])
    /\ UNCHANGED <<acceptorVars, leaderVars, replicaVars, restarts>>

(* Node n crashes and restarts.  The acceptor's promise, accepted pvalues *)
(* and mark, the leader's ballot and the replica's snapshot were on disk  *)
(* and survive; the replica restarts from its snapshot (slot 1 and an     *)
(* empty history if it never took one), everything else starts afresh,    *)
(* and the node's Bootstrap asks its peers to Join.                        *)
(* The leader moves to a ballot it never used: it forgot what it proposed  *)
(* under its old one, and proposing again under that same ballot could get *)
(* a second value accepted for a slot (mutant ReuseBallotAfterRestart).    *)
NodeRestart(n) ==
    /\ restarts < MaxRestarts                              \* model bound
    /\ restarts' = restarts + 1
    /\ IF Mutant = "VolatileAcceptor"
         THEN SetAcceptorState(n, Bottom, {}, 1)
         ELSE UNCHANGED acceptorVars
    /\ lBallot' = IF Mutant = "ReuseBallotAfterRestart" THEN lBallot
                  ELSE [lBallot EXCEPT ![n] = [num |-> @.num + 1, leader |-> n]]
    /\ lActive' = IF Mutant = "RestartStaysActive" THEN lActive
                  ELSE [lActive EXCEPT ![n] = FALSE]
    /\ lProposals' = [lProposals EXCEPT ![n] = {}]
    /\ lMark' = [lMark EXCEPT ![n] = 1]
    /\ scout' = [scout EXCEPT ![n] = NoScout]
    /\ commanders' = [commanders EXCEPT ![n] = {}]
    /\ rSlotIn' = [rSlotIn EXCEPT ![n] = rSnap[n].slot]
    /\ rSlotOut' = [rSlotOut EXCEPT ![n] = rSnap[n].slot]
    /\ rRequests' = [rRequests EXCEPT ![n] = {}]
    /\ rProposals' = [rProposals EXCEPT ![n] = {}]
    /\ rDecisions' = [rDecisions EXCEPT ![n] = {}]
    /\ rExecuted' = [rExecuted EXCEPT ![n] = IF Mutant = "RestartLosesHistory" THEN <<>>
                                             ELSE rSnap[n].executed]
    /\ Send([type |-> "Join", node |-> n])
    /\ UNCHANGED <<invoked, rSnap>>

-----------------------------------------------------------------------------
(***************************************************************************)
(* The next-state relation.  A message-driven action is tried on the      *)
(* messages of its type only.                                              *)
(***************************************************************************)
Msgs(t) == {m \in msgs : m.type = t}

Next ==
    \/ \E m \in Msgs("Prepare") : \E n \in Node : \E k \in PromiseParts : AcceptorReceivePrepare(n, m, k)
    \/ \E m \in Msgs("Accept") : \E n \in Node : AcceptorReceiveAccept(n, m)
    \/ \E m \in Msgs("Promise") : ScoutReceivePromise(m.ballot.leader, m)
    \/ \E m \in Msgs("Accepted") : CommanderReceiveAccepted(m.ballot.leader, m)
    \/ \E n \in Node : LeaderSpawnScout(n)
    \/ \E m \in Msgs("Propose") : \E n \in LeaderNodes : LeaderReceivePropose(n, m)
    \/ \E m \in Msgs("Adopted") : LeaderReceiveAdopted(m.ballot.leader, m)
    \/ \E m \in Msgs("Preempted") : LeaderReceivePreempted(m.leader, m)
    \/ \E m \in Msgs("Invoke") : ReplicaReceiveInvoke(m.replica, m)
    \/ \E n \in ReplicaNodes : \E b \in WaitingBatches(n) : ReplicaPropose(n, b)
    \/ \E n \in ReplicaNodes : ReplicaSkipSlot(n)
    \/ \E n \in ReplicaNodes : ReplicaProposeNoop(n)
    \/ \E m \in Msgs("Decision") : \E n \in ReplicaNodes : ReplicaReceiveDecision(n, m)
    \/ \E n \in ReplicaNodes : ReplicaExecute(n)
    \/ \E m \in Msgs("Join") : \E n \in ReplicaNodes : \E k \in WelcomeParts : ReplicaReceiveJoin(n, m, k)
    \/ \E m \in Msgs("Welcome") : ReplicaReceiveWelcome(m.node, m)
    \/ \E r \in Requests : RequesterInvoke(r)
    \/ \E n \in Node : NodeRestart(n)
    \/ \E n \in ReplicaNodes : ReplicaSnapshot(n)
    \/ \E n \in ReplicaNodes : \E s \in {d.slot + 1 : d \in rDecisions[n]} : ReplicaForget(n, s)
    \/ \E n \in Node : AcceptorCompact(n)
    \/ \E n \in Node : LeaderCompact(n)

Spec == Init /\ [][Next]_vars

-----------------------------------------------------------------------------
(***************************************************************************)
(* Properties.                                                             *)
(***************************************************************************)

(* The types are written with the model bounds, and as predicates rather *)
(* than as SUBSET or Seq sets, which an engine would have to enumerate.   *)
BallotT == [num : 0..(MaxBallot + MaxRestarts + 1), leader : 0..N]
SlotT == 1..(MaxSlot + 1)
ProposalT == Proposal                 \* a batch
RequestT == Requests \cup {NoOp}      \* a request
PValueT == [ballot : BallotT, slot : SlotT, prop : ProposalT]
DecidedT == [slot : SlotT, prop : ProposalT]
IsSetOf(S, T) == \A x \in S : x \in T
IsSeqOf(q, T) == \A i \in 1..Len(q) : q[i] \in T

\* Every message is one of the protocol's, with fields of the right types.
IsMessage(m) ==
    CASE m.type = "Prepare" -> m \in [type : {"Prepare"}, ballot : BallotT]
      [] m.type = "Promise" -> /\ m.acceptor \in Node /\ m.ballot \in BallotT
                               /\ m.promised \in BallotT /\ m.mark \in SlotT
                               /\ m.parts \in PromiseParts /\ m.part \in 1..m.parts
                               /\ IsSetOf(m.accepted, PValueT)
      [] m.type = "Accept" -> m \in [type : {"Accept"}, ballot : BallotT, slot : SlotT, prop : ProposalT]
      [] m.type = "Accepted" -> m \in [type : {"Accepted"}, acceptor : Node, ballot : BallotT,
                                       slot : SlotT, promised : BallotT]
      [] m.type = "Decision" -> m \in [type : {"Decision"}, slot : SlotT, prop : ProposalT]
      [] m.type = "Propose" -> m \in [type : {"Propose"}, slot : SlotT, prop : ProposalT]
      [] m.type = "Adopted" -> /\ m.ballot \in BallotT /\ m.mark \in SlotT
                               /\ IsSetOf(m.pvalues, PValueT)
      [] m.type = "Preempted" -> m \in [type : {"Preempted"}, leader : Node, ballot : BallotT]
      [] m.type = "Invoke" -> m \in [type : {"Invoke"}, replica : Node, prop : RequestT]
      [] m.type = "Invoked" -> m \in [type : {"Invoked"}, replica : Node, prop : RequestT,
                                      index : 1..(BatchMax * MaxSlot + 1)]
      [] m.type = "Join" -> m \in [type : {"Join"}, node : Node]
      [] m.type = "Welcome" -> /\ m.node \in Node /\ m.slot \in SlotT
                               /\ m.parts \in WelcomeParts /\ m.part \in 1..m.parts
                               /\ IsSetOf(m.decisions, DecidedT) /\ IsSeqOf(m.executed, RequestT)
      [] OTHER -> FALSE

\* Every variable holds a value of its intended type.
TypeOK ==
    /\ \A m \in msgs : IsMessage(m)
    /\ \A n \in Node :
        /\ aBallot[n] \in BallotT
        /\ IsSetOf(aAccepted[n], PValueT)
        /\ aMark[n] \in SlotT
        /\ lBallot[n] \in BallotT
        /\ lActive[n] \in BOOLEAN
        /\ IsSetOf(lProposals[n], DecidedT)
        /\ lMark[n] \in SlotT
        /\ scout[n].ballot \in BallotT
        /\ IsSetOf(scout[n].acks, Node)
        /\ IsSetOf(scout[n].pvalues, PValueT)
        /\ scout[n].mark \in SlotT
        /\ \A c \in commanders[n] : /\ c.ballot \in BallotT /\ c.slot \in SlotT
                                    /\ c.prop \in ProposalT /\ IsSetOf(c.acks, Node)
        /\ rSlotIn[n] \in SlotT
        /\ rSlotOut[n] \in SlotT
        /\ IsSetOf(rRequests[n], RequestT)
        /\ IsSetOf(rProposals[n], DecidedT)
        /\ IsSetOf(rDecisions[n], DecidedT)
        /\ IsSeqOf(rExecuted[n], RequestT)
        /\ rSnap[n].slot \in SlotT
        /\ IsSeqOf(rSnap[n].executed, RequestT)
    /\ IsSetOf(invoked, Requests)
    /\ restarts \in 0..MaxRestarts
    /\ monotone \in BOOLEAN
    /\ refines \in BOOLEAN

\* Everything decided anywhere: in a Decision message or at a replica.
AllDecided == {[slot |-> m.slot, prop |-> m.prop] : m \in {x \in msgs : x.type = "Decision"}}
              \cup UNION {rDecisions[n] : n \in Node}

\* Agreement: no two different proposals are decided for the same slot.
Agreement == \A d, e \in AllDecided : d.slot = e.slot => d.prop = e.prop

\* Validity: every decided batch other than the no-op is one a replica
\* proposed, as it proposed it, and each of its requests was invoked.
\* (With batches of one request: the request was proposed and invoked.)
Proposed == {m.prop : m \in {x \in msgs : x.type = "Propose"}}
Validity == \A d \in AllDecided : d.prop # NoOp =>
                /\ d.prop \in Proposed
                /\ \A i \in 1..Len(ReqsOf(d.prop)) : ReqsOf(d.prop)[i] \in invoked

\* Replica consistency: what two replicas executed are prefixes of one
\* another, and no replica executes a request twice.  A history is of
\* requests, whatever batches they were decided in: two replicas that run
\* one batch in two orders, or a request in two batches twice, break it.
IsPrefix(s, t) == Len(s) <= Len(t) /\ \A i \in 1..Len(s) : s[i] = t[i]
ExecutedPrefix == \A n1, n2 \in ReplicaNodes :
                      IsPrefix(rExecuted[n1], rExecuted[n2]) \/ IsPrefix(rExecuted[n2], rExecuted[n1])
NoDuplicateExecution == \A n \in Node : \A i, j \in 1..Len(rExecuted[n]) :
                            i # j => ReqId(rExecuted[n][i]) # ReqId(rExecuted[n][j])
ReplicaConsistency == ExecutedPrefix /\ NoDuplicateExecution

\* Client answers: a client is told only the result of its request's one
\* execution.  Every answer is for a request of a decided batch; all answers for one
\* request name the same index; and a replica whose history reaches that
\* index has the request there.  With ReplicaConsistency this makes every
\* answer the output of the request at the one place it holds in the log.
Answers == {m \in msgs : m.type = "Invoked"}
AnsweredDecided == \A m \in Answers : \E d \in AllDecided : InBatch(m.prop, d.prop)
AnswersAgree == \A m1, m2 \in Answers : m1.prop = m2.prop => m1.index = m2.index
AnsweredAsExecuted == \A m \in Answers : \A n \in ReplicaNodes :
                          m.index <= Len(rExecuted[n]) => rExecuted[n][m.index] = m.prop
ClientAnswers == AnsweredDecided /\ AnswersAgree /\ AnsweredAsExecuted

\* Acceptor monotonicity (an action property, recorded by Observe): an
\* acceptor's promised ballot never decreases, and an accepted pvalue is
\* only replaced by one for the same slot with a higher ballot.
AcceptorMonotonicity == monotone
AcceptorMonotonicityStep ==   \* TLC only
    [][\A n \in Node : AcceptorStepMonotone(n, aBallot'[n], aAccepted'[n], aMark'[n])]_vars

\* An acceptor's promise covers what it accepted: no pvalue it holds has a
\* ballot above its promised ballot.  Accepting at ballot b is a promise not
\* to accept below b; an acceptor that accepts without raising its promise
\* answers a later Prepare below b with a yes, and may then replace its
\* pvalue at b by one at a lower ballot.  (The one CI model with three
\* acceptors, ci-normal, has an acceptor accept before it saw a Prepare: the
\* racing models' RaceShape keeps every acceptor that accepts at a ballot in
\* that ballot's phase-1 quorum, so none of them reaches this.)
PromiseCoversAccepted == \A n \in Node : \A pv \in aAccepted[n] : ~Less(aBallot[n], pv.ballot)

\* A replica's proposals are for slots it has not executed: a proposal below
\* rSlotOut is one ReplicaExecute will never settle, so its requests, which
\* Known then keeps from being taken again, would wait forever (a Welcome
\* installed over pending proposals would leave them so).  The liveness
\* models have no restart, so EventuallyExecuted cannot see it.
ProposalsAhead == \A n \in ReplicaNodes : \A d \in rProposals[n] : d.slot >= rSlotOut[n]

\* Refinement (a step property, recorded by Observe): every step changes the
\* decided log as a step of LogSpec does, or leaves it alone.  The same
\* refinement is checked by TLC in MultiPaxosRefinesLog.tla.
RefinesLog == refines

(***************************************************************************)
(* Checkpoints.  Three properties say that compaction loses nothing a     *)
(* later step needs.                                                       *)
(***************************************************************************)

\* Nothing needed is discarded: every slot below an acceptor's mark is
\* decided and is held in some replica's snapshot (one at a later slot)
\* or among some replica's decisions, so a replica that is behind can
\* still catch up; and every slot below a leader's mark is decided, so the
\* leader loses nothing by never proposing there.
HeldSomewhere(s) == \E r \in Node : rSnap[r].slot > s \/ HasSlot(rDecisions[r], s)
NothingNeededDiscarded ==
    /\ \A n \in Node : \A s \in 1..(aMark[n] - 1) : HasSlot(AllDecided, s) /\ HeldSomewhere(s)
    /\ \A n \in Node : \A s \in 1..(lMark[n] - 1) : HasSlot(AllDecided, s)

\* A replica never has its next proposal slot where a slot is decided but
\* its decision is gone: not below its own snapshot (the decisions there
\* may be forgotten), and it knows the decision of every slot from its next
\* proposal slot up to its next slot to execute, which ReplicaSkipSlot
\* needs to pass them.  A request proposed in such a slot would never be
\* decided again for it (a liveness failure that the liveness model,
\* without checkpoints, cannot see).
ProposesAboveSnapshot ==
    \A n \in ReplicaNodes :
        /\ rSlotIn[n] >= rSnap[n].slot
        /\ \A s \in rSlotIn[n]..(rSlotOut[n] - 1) : HasSlot(rDecisions[n], s)

\* A snapshot (a replica's, or the state a Welcome ships) at slot k is the
\* state after executing the decided log below k: every slot below k is
\* decided, and its history holds each request of the decided batches once,
\* in the order of its first place in the log: the first slot whose batch
\* holds it, then its position in that batch (no-ops execute nothing).
SlotReqs(s) == ReqsOf(SlotValue(AllDecided, s))
FirstSlot(p, k) == CHOOSE s \in 1..(k - 1) :
                       /\ InBatch(p, SlotValue(AllDecided, s))
                       /\ \A t \in 1..(s - 1) : ~InBatch(p, SlotValue(AllDecided, t))
PosIn(p, q) == CHOOSE i \in 1..Len(q) : q[i] = p
FirstBefore(p, r, k) ==
    LET s == FirstSlot(p, k)
        t == FirstSlot(r, k)
    IN  s < t \/ (s = t /\ PosIn(p, SlotReqs(s)) < PosIn(r, SlotReqs(t)))
SoundAt(k, e) ==
    /\ \A s \in 1..(k - 1) : HasSlot(AllDecided, s)
    /\ Range(e) = UNION {Range(SlotReqs(s)) : s \in 1..(k - 1)}
    /\ \A i, j \in 1..Len(e) : i < j => FirstBefore(e[i], e[j], k)
\* (A Welcome in parts is checked once assembled, by HistoriesSound: a part
\* alone is a segment of a state, not a state.)
SnapshotsSound ==
    /\ \A n \in Node : SoundAt(rSnap[n].slot, rSnap[n].executed)
    /\ \A m \in msgs : m.type = "Welcome" /\ m.parts = 1 => SoundAt(m.slot, m.executed)

\* Every replica's history is the state at its next slot to execute: the
\* execution of the decided log below it.  What a replica installs from a
\* Welcome, whole or assembled from parts, must be that state.
HistoriesSound == \A n \in ReplicaNodes : SoundAt(rSlotOut[n], rExecuted[n])

\* Accepts are safe (the invariant Paxos rests on, stated on messages): once
\* a quorum accepted a proposal for a slot at some ballot, every Accept for
\* that slot at that ballot or a higher one carries the same proposal.  A
\* leader that adopts without a pvalue it needed (a Promise that leaves it
\* out) or proposes in a compacted slot breaks this before anything is
\* decided.
IsYes(x, b, s) == x.type = "Accepted" /\ x.ballot = b /\ x.slot = s /\ x.promised = b
AcceptedBy(b, s) == {m.acceptor : m \in {x \in msgs : IsYes(x, b, s)}}
ChosenAccepts == {m \in msgs : m.type = "Accept" /\ IsQuorum(AcceptedBy(m.ballot, m.slot))}
AcceptsSafe == \A c \in ChosenAccepts : \A m \in msgs :
                   (m.type = "Accept" /\ m.slot = c.slot /\ ~Less(m.ballot, c.ballot))
                       => m.prop = c.prop

\* Three invariants of the protocol's steps, each stated for bugs that broke
\* no property above in any CI model (an outside review's mutants): what it
\* takes for them to break Agreement is two leaders, two slots and three
\* ballots, beyond what CI can search.
\*
\* A Decision names a proposal a quorum accepted: an Accept for its slot and
\* proposal at a ballot a quorum voted yes for, at that slot.  A commander
\* that counts votes for another slot (mutant CommanderIgnoresSlot), or
\* rejections (CommanderCountsRejections), breaks it when it decides.
DecisionsChosen ==
    \A d \in Msgs("Decision") :
        \E a \in Msgs("Accept") : /\ a.slot = d.slot /\ a.prop = d.prop
                                  /\ IsQuorum(AcceptedBy(a.ballot, a.slot))

\* A Promise reports every vote that can still matter, and nothing else:
\* for each slot at or above its mark where its acceptor voted yes at a
\* ballot below the one it now promises, the Promise (one of its parts)
\* carries a pvalue of that slot at that ballot or higher; and each pvalue
\* it carries is a vote of its acceptor, for an Accept some leader sent.
\* Such a vote came before the Promise (an acceptor accepts no ballot below
\* its promise), a later Accept replaces a pvalue only by one at a higher
\* ballot, and only compaction discards, below the mark.  A Promise that
\* keeps the pvalues of its highest ballot alone (PromiseHighestBallotOnly)
\* breaks the first half; one that labels its pvalues with the ballot it
\* promises (PromiseRelabelsBallot) the second.
PromisesReport ==
    /\ \A p \in Msgs("Promise") : \A y \in Msgs("Accepted") :
          (/\ IsYes(y, y.ballot, y.slot) /\ y.acceptor = p.acceptor
           /\ Less(y.ballot, p.promised) /\ y.slot >= p.mark)
              => \E q \in Msgs("Promise") :
                    /\ q.acceptor = p.acceptor /\ q.ballot = p.ballot
                    /\ q.promised = p.promised /\ q.mark = p.mark /\ q.parts = p.parts
                    /\ \E pv \in q.accepted : pv.slot = y.slot /\ ~Less(pv.ballot, y.ballot)
    /\ \A p \in Msgs("Promise") : \A pv \in p.accepted :
          /\ \E y \in Msgs("Accepted") : IsYes(y, pv.ballot, pv.slot) /\ y.acceptor = p.acceptor
          /\ AcceptFor(pv.ballot, pv) \in msgs

\* Phase 2 only after phase 1: a leader is active only at a ballot its scout
\* adopted, and every Accept is at an adopted ballot, for a slot at or above
\* the mark that adoption reported.  Below that mark the slots are decided
\* and an acceptor of the quorum discarded their pvalues, so what the leader
\* adopted there may lack the chosen value.  A preempted leader that stays
\* active under its new ballot (PreemptedStaysActive), or one that adopts
\* without the quorum's mark (AdoptIgnoresMark), breaks it.
PhaseOneFirst ==
    /\ \A n \in LeaderNodes : lActive[n] => \E m \in Msgs("Adopted") : m.ballot = lBallot[n]
    /\ \A a \in Msgs("Accept") :
          \E m \in Msgs("Adopted") : m.ballot = a.ballot /\ a.slot >= m.mark

\* One proposal per ballot and slot: a ballot is its leader's alone, and the
\* leader drives each slot once under it.  Accepteds carry no proposal, so
\* with two Accepts of one ballot and slot a quorum's votes do not say which
\* proposal they chose, and DecisionsChosen cannot tell.  A leader that
\* drives a slot it already drives (LeaderDrivesSlotTwice) breaks it at its
\* second Accept; a commander that, turned down, retries under its leader's
\* newer ballot with its own proposal (CommanderRetriesAtLeaderBallot, a
\* second outside review's bug) breaks it on ci-race-rescout, where the
\* leader adopted another value at that ballot.
OneValuePerBallot ==
    \A a1, a2 \in Msgs("Accept") : a1.ballot = a2.ballot /\ a1.slot = a2.slot => a1.prop = a2.prop

\* An Adopted reports what a quorum's whole Promises reported: for each
\* acceptor of some quorum, a yes Promise for its ballot, all of its parts,
\* whose pvalues the Adopted carries and whose mark is at most the
\* Adopted's; each pvalue the Adopted carries is in such a Promise of that
\* quorum, and its mark is 1 or the mark of one.  (The scout's quorum, the
\* Promises it counted.)  A scout that keeps the mark of the last Promise
\* it counts, not the highest (ScoutKeepsLastMark), breaks it with an
\* Adopted whose mark is below one of its quorum's; the leader then drives
\* slots that quorum's acceptor has compacted.  Adopted does not name its
\* quorum, hence "some quorum"; Promises of an acceptor for one ballot with
\* one mark differ only by pvalues at that ballot, which no Adopted of it
\* carries, so the choice of Promise loses nothing.
WholePromises(a, b) ==
    UNION {PromisePartsOf(p, 1..p.parts) :
              p \in {x \in Msgs("Promise") : x.acceptor = a /\ x.ballot = b /\ x.promised = b}}
Reported(w) == UNION {w[i].accepted : i \in DOMAIN w}
AdoptionsReport ==
    \A m \in Msgs("Adopted") :
        \E Q \in SUBSET Node :
            /\ IsQuorum(Q)
            /\ \A a \in Q : \E w \in WholePromises(a, m.ballot) :
                   Reported(w) \subseteq m.pvalues /\ w[1].mark <= m.mark
            /\ \A pv \in m.pvalues :
                   \E a \in Q : \E w \in WholePromises(a, m.ballot) : pv \in Reported(w)
            /\ \/ m.mark = 1
               \/ \E a \in Q : \E w \in WholePromises(a, m.ballot) : w[1].mark = m.mark

\* Phase 2 carries phase 1's values: for each ballot, an adoption of it that
\* every Accept of that ballot follows: the Accept's slot is at or above the
\* adoption's mark, and where the adoption reported pvalues for that slot,
\* it carries the proposal of the highest ballot among them.  (Stated with
\* its own "highest", not PMax, which mutant AdoptLowestBallot changes.)  A
\* leader can adopt one ballot twice, from two scouts (its timer starts a
\* second one before the first one's Adopted arrives), and follows the
\* first Adopted it receives, hence "an adoption".  A leader that keeps
\* its own proposal where it adopted the no-op (AdoptPrefersOwnOverNoOp)
\* breaks it at that slot's Accept; so would one taking only the pvalues of
\* the highest ballot across all slots (a second outside review's bug in
\* the fast encoding; in the .tla, the ASSUME on PMax rules it out).
IsHighest(pv, P) == \A q \in P : q.slot = pv.slot => ~Less(pv.ballot, q.ballot)
AcceptsAsAdopted ==
    \A b \in {a.ballot : a \in Msgs("Accept")} :
        \E m \in Msgs("Adopted") :
            /\ m.ballot = b
            /\ \A a \in {x \in Msgs("Accept") : x.ballot = b} :
                  /\ a.slot >= m.mark
                  /\ \A pv \in m.pvalues :
                        (pv.slot = a.slot /\ IsHighest(pv, m.pvalues)) => pv.prop = a.prop

-----------------------------------------------------------------------------
(***************************************************************************)
(* Liveness.  Under these fairness assumptions, every invoked request is   *)
(* eventually executed by every replica: every role step that is enabled  *)
(* long enough is taken (so every message is eventually received: in this *)
(* network, losses end), and clients, leader timers and crashes are left  *)
(* free (the liveness model has one leader node and no crashes).           *)
(***************************************************************************)
(* Each role's steps are asked of the nodes that run that role, as Next   *)
(* takes them: every node is an acceptor, the leaders are LeaderNodes and  *)
(* the replicas ReplicaNodes.  Weak fairness of a step Next never takes    *)
(* is a condition no behaviour meets once that step is enabled: quantified *)
(* over every node, LeaderReceivePropose of a node that runs no leader was *)
(* enabled by the first Propose (and ReplicaReceiveDecision of a node that *)
(* runs no replica by the first Decision), so no behaviour that proposes   *)
(* was fair, and TLC found EventuallyExecuted true because no fair         *)
(* behaviour invoked a request (see NothingInvokedFairly below).           *)
Fairness ==
    /\ \A n \in Node :
        /\ WF_vars(\E m \in msgs : \E k \in PromiseParts : AcceptorReceivePrepare(n, m, k))
        /\ WF_vars(\E m \in msgs : AcceptorReceiveAccept(n, m))
    /\ \A n \in LeaderNodes :
        /\ WF_vars(\E m \in msgs : ScoutReceivePromise(n, m))
        /\ WF_vars(\E m \in msgs : CommanderReceiveAccepted(n, m))
        /\ WF_vars(LeaderSpawnScout(n))
        /\ WF_vars(\E m \in msgs : LeaderReceivePropose(n, m))
        /\ WF_vars(\E m \in msgs : LeaderReceiveAdopted(n, m))
        /\ WF_vars(\E m \in msgs : LeaderReceivePreempted(n, m))
    /\ \A n \in ReplicaNodes :
        /\ WF_vars(\E m \in msgs : ReplicaReceiveInvoke(n, m))
        /\ WF_vars(\E b \in WaitingBatches(n) : ReplicaPropose(n, b))
        /\ WF_vars(ReplicaSkipSlot(n))
        /\ WF_vars(ReplicaProposeNoop(n))
        /\ WF_vars(\E m \in msgs : ReplicaReceiveDecision(n, m))
        /\ WF_vars(ReplicaExecute(n))

LiveSpec == Spec /\ Fairness

\* Every invoked request is eventually executed by every replica.
EventuallyExecuted == \A r \in Requests :
                         r \in invoked ~> \A n \in ReplicaNodes : r \in Range(rExecuted[n])

\* Non-vacuity of the liveness models: no behaviour that meets Fairness
\* invokes a request.  A liveness model must VIOLATE this (model
\* liveness-vacuity, "expect: violation"): the violation is a fair behaviour
\* that invokes a request, which EventuallyExecuted then has to execute.  If
\* Fairness asked for a step Next never takes, no behaviour that proposes
\* would be fair and this would hold, as it did on TLC before Fairness was
\* quantified over each role's nodes.  (The embedded engine does not see
\* that case: it found a fair behaviour there too, so this check needs TLC.)
NothingInvokedFairly == \A r \in Requests : r \in invoked ~> FALSE
-----------------------------------------------------------------------------
(***************************************************************************)
(* State constraints that models may use.                                  *)
(***************************************************************************)

(* GapFirst aims a search at the no-op gap (ReplicaProposeNoop), which    *)
(* an unconstrained model reaches only among 107,195 states.  It explores  *)
(* the behaviours in which nothing has been executed yet, replica 1 has    *)
(* learnt no decision and replica 2 has learnt decisions for slot 2 only:  *)
(* the way to a gap at slot 1.  Like the Max* bounds it only limits what   *)
(* is explored: every state it keeps is still checked, and the behaviours  *)
(* beyond it are those of the other models.  Needs replicas 1 and 2.       *)
GapFirst ==
    /\ \A n \in ReplicaNodes : rSlotOut[n] = 1
    /\ rDecisions[1] = {}
    /\ \A d \in rDecisions[2] : d.slot = 2

(* RaceShape aims a search at two leaders racing on one slot: the models   *)
(* ci-race and ci-race-ballots (N = 3, leaders 1 and 2, replicas 1 and 2   *)
(* each proposing its own request, a crash and restart), where phase-1 and *)
(* phase-2 bugs live.  Unconstrained, such a model grows past 4 million    *)
(* states and does not finish in CI time (the explorer's measure; the one  *)
(* conjunct that answers each ballot once divides it by about 20).  Each   *)
(* conjunct below removes behaviours that either another CI                *)
(* model covers or that only repeat, in another order or with other names, *)
(* behaviours RaceShape keeps.  Every state it keeps is checked.           *)
(*  - Nobody learns: no replica receives a Decision.  Agreement and        *)
(*    Validity read the Decision messages themselves; learning, executing  *)
(*    and answering clients are ci-normal's, ci-slots', ci-gap's and       *)
(*    ci-restart's work.                                                   *)
(*  - Requests first: no Prepare is sent before every request has been     *)
(*    proposed, and a leader runs phase 1 at ballot number 0 only with a   *)
(*    proposal in hand (unless it restarted), so that both values are in   *)
(*    play when the leaders race.  ci-normal has requests arriving at any  *)
(*    time.                                                                *)
(*  - One scout per result: a leader's timer does not start a new scout    *)
(*    for its ballot while its last scout's Adopted or Preempted is still  *)
(*    unread.  Retransmitting a Prepare is ci-normal's and ci-preempt's.   *)
(*  - One answer per ballot: an acceptor answers a ballot's Prepare, and   *)
(*    a ballot's Accept for a slot, once (a re-sent answer is lost).  The  *)
(*    answers that matter are the first: a later one carries the state of  *)
(*    an acceptor that has since moved on, and re-answering is exercised   *)
(*    by ci-preempt and ci-restart.                                        *)
(*  - The leaders' majorities meet in acceptor 2: acceptor 1 never answers *)
(*    leader 2 and acceptor 3 never answers leader 1 (those messages are   *)
(*    lost).  Two majorities of three acceptors share one or more; the     *)
(*    bugs of phase 1 and 2 are in what flows through the fewest, and the  *)
(*    acceptors play the same part whatever their names.                  *)
(*  - Only leader nodes crash, and a restarted node's replica stays quiet  *)
(*    (it neither receives an Invoke again nor proposes): the crash that   *)
(*    matters here is the leader's, and a replica's restart is ci-restart's *)
(*    and restart-reproposes'.                                             *)
(*  - Only leader 1 runs phase 1 at a ballot number above 0 (ballot 1.1 is *)
(*    the higher ballot that sees the two leaders' pvalues for one slot).  *)
(* Needs N = 3 and leaders 1 and 2.                                        *)
Restarted(n) == \E m \in Msgs("Join") : m.node = n
RaceShape ==
    /\ \A n \in ReplicaNodes : rDecisions[n] = {}
    /\ Msgs("Prepare") # {} => \A r \in Requests : \E m \in Msgs("Propose") : InBatch(r, m.prop)
    /\ \A l \in LeaderNodes :
          scout[l] # NoScout /\ lBallot[l].num = 0 /\ ~Restarted(l) => lProposals[l] # {}
    /\ \A l \in LeaderNodes :
          scout[l] # NoScout /\ scout[l].acks = {} =>
              /\ ~lActive[l] => \A m \in Msgs("Adopted") : m.ballot # scout[l].ballot
              /\ \A m \in Msgs("Preempted") : m.leader = l => ~Less(lBallot[l], m.ballot)
    /\ \A m1, m2 \in Msgs("Promise") :
          m1.acceptor = m2.acceptor /\ m1.ballot = m2.ballot => m1 = m2
    /\ \A m1, m2 \in Msgs("Accepted") :
          m1.acceptor = m2.acceptor /\ m1.ballot = m2.ballot /\ m1.slot = m2.slot => m1 = m2
    /\ \A m \in Msgs("Promise") \cup Msgs("Accepted") :
          /\ m.acceptor = 1 => m.ballot.leader # 2
          /\ m.acceptor = 3 => m.ballot.leader # 1
    /\ \A m \in Msgs("Join") :
          /\ m.node \in LeaderNodes
          /\ rRequests[m.node] = {} /\ rProposals[m.node] = {} /\ rSlotIn[m.node] = 1
    /\ \A m \in Msgs("Prepare") : m.ballot.leader = 2 => m.ballot.num = 0

(* RaceRetry is RaceShape without its last conjunct, for the model        *)
(* ci-race-retry (ci-race-ballots' constants): leader 2 too may run phase  *)
(* 1 at ballot number 1.  It gets there only by a restart (a Preempted     *)
(* above 0.2 is 1.1, which would send it to 2.2, above MaxBallot), so the  *)
(* states it adds are those of a leader that crashes in the race, comes    *)
(* back at 1.2, the model's highest ballot, and must adopt whatever 0.1,   *)
(* 0.2 and 1.1 may have chosen: the restart and phase-1 bugs' ground.      *)
(* Every other conjunct is RaceShape's, kept for the reasons given there.  *)
(* It keeps every state RaceShape keeps, so a model with it checks all     *)
(* that ci-race-ballots checks.  Needs N = 3 and leaders 1 and 2.          *)
RaceRetry ==
    /\ \A n \in ReplicaNodes : rDecisions[n] = {}
    /\ Msgs("Prepare") # {} => \A r \in Requests : \E m \in Msgs("Propose") : InBatch(r, m.prop)
    /\ \A l \in LeaderNodes :
          scout[l] # NoScout /\ lBallot[l].num = 0 /\ ~Restarted(l) => lProposals[l] # {}
    /\ \A l \in LeaderNodes :
          scout[l] # NoScout /\ scout[l].acks = {} =>
              /\ ~lActive[l] => \A m \in Msgs("Adopted") : m.ballot # scout[l].ballot
              /\ \A m \in Msgs("Preempted") : m.leader = l => ~Less(lBallot[l], m.ballot)
    /\ \A m1, m2 \in Msgs("Promise") :
          m1.acceptor = m2.acceptor /\ m1.ballot = m2.ballot => m1 = m2
    /\ \A m1, m2 \in Msgs("Accepted") :
          m1.acceptor = m2.acceptor /\ m1.ballot = m2.ballot /\ m1.slot = m2.slot => m1 = m2
    /\ \A m \in Msgs("Promise") \cup Msgs("Accepted") :
          /\ m.acceptor = 1 => m.ballot.leader # 2
          /\ m.acceptor = 3 => m.ballot.leader # 1
    /\ \A m \in Msgs("Join") :
          /\ m.node \in LeaderNodes
          /\ rRequests[m.node] = {} /\ rProposals[m.node] = {} /\ rSlotIn[m.node] = 1

(* AdoptAfterCompact aims a search at a leader adopting a mark above 1   *)
(* (model ci-adopt-mark: leader 2, replica 1, node 1 checkpointing, one  *)
(* restart, MaxBallot 1).  The one restart is node 2's, after node 1's   *)
(* acceptor compacted: leader 2 then runs phase 1 again, at ballot 1.2,   *)
(* where acceptor 1 reports mark 2 and acceptor 2 still holds slot 1's    *)
(* pvalue, and its own node has executed nothing (it runs no replica).    *)
(* Unconstrained, the model has 1,117,894 states (the explorer's count).  *)
(* Needs nodes 1 and 2.                                                   *)
AdoptAfterCompact == restarts = 0 \/ (aMark[1] > 1 /\ lBallot[2].num > 0)

(* NoOpReadopted aims a search at a leader adopting a no-op for a slot    *)
(* where it holds a request of its own (model ci-noop-readopt: nodes 1    *)
(* and 2 run leaders and replicas, caller 1 invokes two requests, no      *)
(* restart).  Leader 1 decides slot 2 first; replica 2, which proposed    *)
(* nothing, sees the gap at slot 1 and proposes the no-op there; leader 1 *)
(* drives it; leader 2, holding replica 1's request for slot 1, then runs *)
(* phase 1 and must adopt the no-op that may have been chosen.            *)
(*  - Replica 1 learns no decision, replica 2 only slot 2's.              *)
(*  - Leader 1 takes nothing for slot 1 but the no-op; leader 2 takes no  *)
(*    no-op, and nothing but slot 1 before it is adopted.                 *)
(*  - Replica 1 proposes request 1 for slot 1 (the two requests' orders   *)
(*    play the same part).                                                 *)
(*  - Leader 2 runs phase 1 only once an acceptor voted for leader 1's    *)
(*    proposal in slot 1.                                                  *)
(*  - An acceptor answers each Prepare, and each Accept, once.            *)
(* Unconstrained, the model has more than 4.5 million states (the         *)
(* explorer stopped there).  Needs N = 2 and leaders 1 and 2.             *)
PreparedByLeader2 == \E m \in Msgs("Prepare") : m.ballot.leader = 2
VotedForLeader1InSlot1 == \E m \in Msgs("Accepted") : IsYes(m, m.ballot, 1) /\ m.ballot.leader = 1
NoOpReadopted ==
    /\ rDecisions[1] = {}
    /\ \A d \in rDecisions[2] : d.slot = 2
    /\ \A d \in lProposals[1] : d.slot = 1 => d.prop = NoOp
    /\ \A d \in lProposals[2] : d.prop # NoOp /\ (lActive[2] \/ d.slot = 1)
    /\ \A d \in rProposals[1] : d.slot = 1 => (d.prop \in Requests /\ d.prop.clientId = 1)
    /\ PreparedByLeader2 => VotedForLeader1InSlot1
    /\ \A m1, m2 \in Msgs("Promise") :
          m1.acceptor = m2.acceptor /\ m1.ballot = m2.ballot => m1 = m2
    /\ \A m1, m2 \in Msgs("Accepted") :
          m1.acceptor = m2.acceptor /\ m1.ballot = m2.ballot /\ m1.slot = m2.slot => m1 = m2

(* RedecidedInBatch aims a search at a request decided in two slots, alone *)
(* and then in a batch (model ci-batch-redecided: one node, caller 1       *)
(* invokes two requests, ballots 0 and 1, one restart).  The replica       *)
(* proposes request 1 alone for slot 1 and restarts; it hears request 1    *)
(* again and request 2, learns slot 1 decided, executes it and proposes   *)
(* the two as one batch for slot 2, which it must execute skipping        *)
(* request 1, and answer request 2 with index 2.                          *)
(*  - Request 2 is invoked only after the restart.                         *)
(*  - The leader runs phase 1 only after the restart (at ballot 1).        *)
(*  - Slot 1 is proposed only request 1 alone; slot 2 only a batch that    *)
(*    starts with request 1 (with request 2 first, its place in the batch *)
(*    is its index, whoever counts the places).                            *)
(* Unconstrained, the model (test/spec/models/batch-restart) is larger     *)
(* than CI time allows.                                                    *)
RedecidedInBatch ==
    /\ restarts = 0 => /\ \A r \in invoked : r.clientId = 1
                       /\ Msgs("Prepare") = {}
    /\ \A m \in Msgs("Propose") :
          /\ m.slot = 1 => (m.prop \in Requests /\ m.prop.clientId = 1)
          /\ m.slot = 2 => (IsLong(m.prop) /\ m.prop.batch[1].clientId = 1)


(* PromiseBeforeCompact aims a search at a Prepare answered between a      *)
(* snapshot and the compaction to it (model ci-snapshot-promise: one node, *)
(* one request, a restart and ballot 1.1).  The node decides, executes and *)
(* snapshots slot 1, and restarts before its acceptor compacts; its        *)
(* leader runs phase 1 at 1.1, and the acceptor, still at mark 1, must     *)
(* report its vote in slot 1, which the snapshot holds.                    *)
(*  - The node restarts only after its snapshot.                           *)
(*  - After the restart, the acceptor compacts only once it answered a     *)
(*    Prepare of ballot 1.1.                                               *)
(* Unconstrained, the model has 17,886 states (the explorer).  Needs N = 1. *)
PromiseBeforeCompact ==
    restarts > 0 => /\ rSnap[1].slot > 1
                    /\ aMark[1] = 1 \/ \E m \in Msgs("Promise") : m.ballot.num = 1

(* PartsOverTwoSlots aims a search at a Promise in parts that carries a    *)
(* pvalue in each part (model ci-promise-parts-slots: one node, two        *)
(* requests, two slots, a restart and ballot 1.1, every Promise in two     *)
(* parts).  The node decides request i in slot i and restarts once its    *)
(* acceptor holds pvalues for both slots; its leader runs phase 1 at 1.1,  *)
(* and the Promise carries slot 1's pvalue in part 1 and slot 2's in part  *)
(* 2: the Adopted must carry both.                                        *)
(*  - Slot i is proposed only request i.                                   *)
(*  - Every Promise and Accepted says yes (with one leader, a no answers   *)
(*    a message of ballot 0 received after the restart).                  *)
(*  - The node restarts only once its acceptor holds pvalues for slots 1   *)
(*    and 2, and its replica then stays as the restart left it (no        *)
(*    request, proposal or decision).                                      *)
(* Unconstrained, more than 4.1 million states (the explorer stopped      *)
(* there).  Needs N = 1.                                                   *)
PartsOverTwoSlots ==
    /\ \A m \in Msgs("Propose") : m.prop \in Requests /\ m.prop.clientId = m.slot
    /\ \A m \in Msgs("Promise") \cup Msgs("Accepted") : m.promised = m.ballot
    /\ restarts > 0 => /\ {pv.slot : pv \in aAccepted[1]} = {1, 2}
                       /\ rRequests[1] = {} /\ rProposals[1] = {} /\ rDecisions[1] = {}

(* AdoptedOverTwoBallots aims a search at an Adopted whose pvalues hold    *)
(* two slots at two ballots (model ci-adopt-two-ballots: one node, two     *)
(* requests, two slots, window 2, two restarts and ballots up to 2.1).     *)
(* The node accepts request 1 for slot 1 at 0.1 and restarts; at 1.1 it    *)
(* accepts request 2 for slot 2 and restarts again; at 2.1 the Promise,    *)
(* and the Adopted, carry slot 1's pvalue at 0.1 and slot 2's at 1.1.      *)
(* That is the Adopted where a PMax that compared ballots across slots     *)
(* would drop slot 1's: the .tla's PMax is checked by the ASSUME on PMax,  *)
(* the fast encoding's by conformance with the .tla on this model.         *)
(*  - The replica learns no decision (executing is other models' work;     *)
(*    with window 2 it proposes slot 2 without executing slot 1).          *)
(*  - Slot i is proposed only request i, and slot 2 only after the first   *)
(*    restart.                                                             *)
(*  - Every Promise and Accepted says yes.                                 *)
(*  - After the first restart the acceptor keeps slot 1's pvalue of ballot *)
(*    0 (it never accepts slot 1 again); after the second it holds slot    *)
(*    2's of ballot 1, and the replica stays as the restart left it.       *)
(* With window 1, decisions learnt and slot 2 proposed at any time,        *)
(* 57,997 states (the explorer).  Needs N = 1.                             *)
HoldsAt(n, s, num) == \E pv \in aAccepted[n] : pv.slot = s /\ pv.ballot.num = num
AdoptedOverTwoBallots ==
    /\ rDecisions[1] = {}
    /\ \A m \in Msgs("Propose") : m.prop \in Requests /\ m.prop.clientId = m.slot
    /\ \A m \in Msgs("Propose") : m.slot = 2 => restarts > 0
    /\ \A m \in Msgs("Promise") \cup Msgs("Accepted") : m.promised = m.ballot
    /\ restarts > 0 => HoldsAt(1, 1, 0)
    /\ restarts > 1 => /\ HoldsAt(1, 2, 1)
                       /\ rRequests[1] = {} /\ rProposals[1] = {}

(* RaceRescout aims a search at a commander of a leader's older ballot     *)
(* still waiting once the leader is active at a newer one (model           *)
(* ci-race-rescout: ci-race with ballot 1 and no restart).  Leader 1 is    *)
(* adopted at 0.1 and drives replica 1's request; before it hears so, its  *)
(* timer starts a second scout at 0.1, which acceptor 2, having promised   *)
(* leader 2 meanwhile, answers with a no; so leader 1 is preempted while   *)
(* its commander of 0.1 waits, runs phase 1 at 1.1, adopts leader 2's      *)
(* value, and is active at 1.1 when that commander hears a no.  (One slot  *)
(* suffices: the second scout, not a second commander, preempts it.)       *)
(* The conjuncts are RaceShape's, but for three:                           *)
(*  - Leader 1 may start a second scout at 0.1 while its Adopted is        *)
(*    unread, and acceptor 2 may answer 0.1's Prepare twice: yes, then no  *)
(*    naming 0.2 (RaceShape allows neither).                               *)
(*  - Leader 2 runs phase 1 only once leader 1's Adopted of 0.1 is sent,   *)
(*    and while at ballot number 0 each leader takes only its own          *)
(*    replica's request (ci-race has the races in every other order).      *)
(*  - No node restarts (MaxRestarts = 0), so nothing about Joins.          *)
(* Without the last conjunct, 61,634 states; without it, the one before    *)
(* and the no naming 0.2, 319,774 (the explorer's counts).                 *)
(* Needs N = 3, leaders 1 and 2, replicas 1 and 2.                         *)
Ballot01 == [num |-> 0, leader |-> 1]
Ballot02 == [num |-> 0, leader |-> 2]
RaceRescout ==
    /\ \A n \in ReplicaNodes : rDecisions[n] = {}
    /\ Msgs("Prepare") # {} => \A r \in Requests : \E m \in Msgs("Propose") : InBatch(r, m.prop)
    /\ \A l \in LeaderNodes :
          scout[l] # NoScout /\ lBallot[l].num = 0 => lProposals[l] # {}
    /\ \A l \in LeaderNodes :
          scout[l] # NoScout /\ scout[l].acks = {} =>
              /\ ~lActive[l] => (\/ l = 1 /\ lBallot[l].num = 0
                                \/ \A m \in Msgs("Adopted") : m.ballot # scout[l].ballot)
              /\ \A m \in Msgs("Preempted") : m.leader = l => ~Less(lBallot[l], m.ballot)
    /\ \A m1, m2 \in Msgs("Promise") :
          m1.acceptor = m2.acceptor /\ m1.ballot = m2.ballot /\ m1 # m2 =>
              /\ m1.ballot = Ballot01
              /\ m1.promised # m2.promised
              /\ Ballot02 \in {m1.promised, m2.promised}
    /\ \A m1, m2 \in Msgs("Accepted") :
          m1.acceptor = m2.acceptor /\ m1.ballot = m2.ballot /\ m1.slot = m2.slot => m1 = m2
    /\ \A m \in Msgs("Promise") \cup Msgs("Accepted") :
          /\ m.acceptor = 1 => m.ballot.leader # 2
          /\ m.acceptor = 3 => m.ballot.leader # 1
    /\ \A m \in Msgs("Prepare") :
          m.ballot.leader = 2 => /\ m.ballot.num = 0
                                 /\ \E a \in Msgs("Adopted") : a.ballot = Ballot01
    /\ \A l \in LeaderNodes :
          lBallot[l].num = 0 => \A d \in lProposals[l] : d.prop \in Requests /\ d.prop.caller = l

=============================================================================
