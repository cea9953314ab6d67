------------------------ MODULE MultiPaxosRefinesLog ------------------------
(***************************************************************************)
(* MultiPaxos implements LogSpec under the refinement mapping that takes a *)
(* slot's chosen value to be the proposal of any Decision message for it.  *)
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
