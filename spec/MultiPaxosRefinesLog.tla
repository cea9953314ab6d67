------------------------ MODULE MultiPaxosRefinesLog ------------------------
(***************************************************************************)
(* MultiPaxos implements LogSpec under the refinement mapping that takes a *)
(* slot's chosen value to be the proposal of any Decision message for it.  *)
(* A value is a batch (MultiPaxos's Proposal: a request, the no-op, or a   *)
(* sequence of 2..BatchMax requests), so the log is a log of batches; the  *)
(* history of requests a replica executes is that log flattened, each      *)
(* request at its first place (SnapshotsSound states it).                  *)
(* TLC checks LogRefinement as a temporal property of MultiPaxos!Spec; the *)
(* embedded engine, which cannot load two modules nor check action         *)
(* properties, checks the same steps through the ghost `refines` instead.  *)
(***************************************************************************)
EXTENDS MultiPaxos

Log == INSTANCE LogSpec WITH log <- ChosenIn(msgs),
                             Slot <- 1..(MaxSlot + 1),
                             Value <- Proposal

LogRefinement == Log!Spec
=============================================================================
