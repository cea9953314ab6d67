------------------------------- MODULE LogSpec -------------------------------
(***************************************************************************)
(* What Multi-Paxos is for, with no messages, roles or failures: a log of *)
(* chosen values.  Each slot's value is chosen once and never changes.    *)
(* MultiPaxos refines this spec (see MultiPaxosRefinesLog.tla): the value *)
(* of a slot in any Decision message is that slot's chosen value.         *)
(***************************************************************************)
CONSTANTS Slot, Value

VARIABLE log   \* the set of [slot, value] chosen so far

Init == log = {}

(* Value v is chosen for slot s, which had no value yet.                   *)
Choose(s, v) ==
    /\ ~\E e \in log : e.slot = s
    /\ log' = log \cup {[slot |-> s, value |-> v]}

Next == \E s \in Slot, v \in Value : Choose(s, v)

Spec == Init /\ [][Next]_log

\* No slot ever holds two values.
OneValuePerSlot == \A e, f \in log : e.slot = f.slot => e = f
=============================================================================
