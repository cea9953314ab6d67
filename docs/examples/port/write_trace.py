#!/usr/bin/env python3
"""A port's trace, written by hand-coded Python: the worked example of docs/porting.md.

Three nodes run the kv application; node 1 invokes one `set`, leads, and gets it decided
with node 2's acceptor; replicas 1 and 2 execute it. Every event carries what a port must
emit: the spec action, its parameters, the messages the step sent (spec projections) and
the node's spec variables after the step. The TypeScript checker accepts the output:

    python3 docs/examples/port/write_trace.py docs/examples/port/port-example.ndjson
    npm run check-traces -- docs/examples/port/port-example.ndjson

No imports beyond the standard library: this is what a port in any language has to do.
"""
import copy
import hashlib
import json
import sys

N = 3


def dumps(value):
    """JSON as JavaScript's JSON.stringify writes it (no spaces, non-ASCII kept)."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def canonical(value):
    """Canonical JSON: object keys sorted (src/statemachines/digest.ts canonicalJson)."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, sort_keys=True)


def digest(app_state):
    """stateDigest: the first 16 hex digits of the SHA-256 of the canonical JSON."""
    return hashlib.sha256(canonical(app_state).encode("utf-8")).hexdigest()[:16]


def sort_set(elements):
    """Sets are arrays; sorting by JSON text is not required but makes traces diff well."""
    return sorted(elements, key=dumps)


def init_state(n):
    """Node n's spec variables in Init (spec/MultiPaxos.tla)."""
    return {
        "aBallot": {"num": 0, "leader": 0}, "aAccepted": [],
        "lBallot": {"num": 0, "leader": n}, "lActive": False, "lProposals": [],
        "scout": None, "commanders": [],
        "rSlotIn": 1, "rSlotOut": 1, "rRequests": [], "rProposals": [],
        "rDecisions": [], "rExecuted": [], "invoked": [],
    }


class Trace:
    """Holds each node's spec state, seq and Lamport clock; writes one line per step."""

    def __init__(self, out):
        self.out = out
        self.state = {n: init_state(n) for n in range(1, N + 1)}
        self.seq = {n: 0 for n in range(1, N + 1)}
        self.clock = {n: 0 for n in range(1, N + 1)}
        self.sent_at = {}  # message text -> the sender's clock when it sent it
        header = {
            "kind": "header", "format": "paxos-trace/2",
            "spec": {"module": "MultiPaxos", "constants": {"N": N, "Window": 5}},
            "cluster": {"nodes": list(range(1, N + 1))},
            "app": {"name": "kv"},
            "runId": "port-example", "generator": "docs/examples/port/write_trace.py",
        }
        out.write(dumps(header) + "\n")

    def step(self, node, role, action, params=None, sent=(), received=None, change=None):
        """One event: apply `change` to node's state, advance seq and clock, write the line."""
        self.seq[node] += 1
        carried = self.sent_at.get(dumps(received), 0) if received is not None else 0
        self.clock[node] = max(self.clock[node], carried) + 1
        if change is not None:
            change(self.state[node])
        for s in self.state[node]:
            if s not in ("rExecuted",) and isinstance(self.state[node][s], list):
                self.state[node][s] = sort_set(self.state[node][s])
        for m in sent:
            self.sent_at.setdefault(dumps(m), self.clock[node])
        event = {
            "node": node, "seq": self.seq[node], "clock": self.clock[node],
            "role": role, "action": action, "params": params or {},
            "sent": list(sent), "state": copy.deepcopy(self.state[node]),
        }
        self.out.write(dumps(event) + "\n")


def receive(message, sender):
    """params of a receiving action: the message, and (informational) who sent it."""
    return {"from": sender, "message": message}


def main(path):
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        t = Trace(out)
        ballot = {"num": 0, "leader": 1}
        cmd = {"op": "set", "key": "a", "value": "1"}
        p = {"caller": 1, "clientId": 1, "input": dumps(cmd)}
        app_after = {"entries": {"a": "1"}}
        output = {"ok": True, "op": "set", "key": "a"}

        # The application calls invoke on node 1; its Requester sends the Invoke.
        t.step(1, "Client", "ClientInvoke",
               {"client": {"kind": "invoke", "clientId": 1, "input": p["input"], "at": 0}})
        invoke = {"type": "Invoke", "replica": 1, "prop": p}
        t.step(1, "Requester", "RequesterInvoke", {"proposal": p}, sent=[invoke],
               change=lambda s: s["invoked"].append(p))
        t.step(1, "Replica", "ReplicaReceiveInvoke", receive(invoke, 1), received=invoke,
               change=lambda s: s["rRequests"].append(p))

        # The replica proposes it for slot 1; the (passive) leader keeps the proposal.
        propose = {"type": "Propose", "slot": 1, "prop": p}

        def propose_change(s):
            s["rRequests"].remove(p)
            s["rProposals"].append({"slot": 1, "prop": p})
            s["rSlotIn"] = 2
        t.step(1, "Replica", "ReplicaPropose", {"proposal": p}, sent=[propose], change=propose_change)
        t.step(1, "Leader", "LeaderReceivePropose", receive(propose, 1), received=propose,
               change=lambda s: s["lProposals"].append({"slot": 1, "prop": p}))

        # Phase 1: the leader's timer starts a scout; acceptors 1 and 2 promise (a quorum of 3).
        prepare = {"type": "Prepare", "ballot": ballot}

        def spawn(s):
            s["scout"] = {"ballot": ballot, "acks": [], "pvalues": []}
        t.step(1, "Leader", "LeaderSpawnScout", {"timer": "leader-timeout"}, sent=[prepare], change=spawn)
        promises = {}
        for a in (1, 2):
            promises[a] = {"type": "Promise", "acceptor": a, "ballot": ballot, "promised": ballot, "accepted": []}
            t.step(a, "Acceptor", "AcceptorReceivePrepare", receive(prepare, 1), sent=[promises[a]],
                   received=prepare, change=lambda s: s.update(aBallot=ballot))
        t.step(1, "Scout", "ScoutReceivePromise", receive(promises[1], 1), received=promises[1],
               change=lambda s: s["scout"]["acks"].append(1))
        adopted = {"type": "Adopted", "ballot": ballot, "pvalues": []}
        t.step(1, "Scout", "ScoutReceivePromise", receive(promises[2], 2), sent=[adopted],
               received=promises[2], change=lambda s: s.update(scout=None))

        # Adopted: the leader becomes active and drives slot 1 with a commander.
        accept = {"type": "Accept", "ballot": ballot, "slot": 1, "prop": p}

        def adopt(s):
            s["lActive"] = True
            s["commanders"].append({"ballot": ballot, "slot": 1, "prop": p, "acks": []})
        t.step(1, "Leader", "LeaderReceiveAdopted", receive(adopted, 1), sent=[accept],
               received=adopted, change=adopt)

        # Phase 2: acceptors 1 and 2 accept; the commander counts a quorum and decides.
        accepted = {}
        for a in (1, 2):
            accepted[a] = {"type": "Accepted", "acceptor": a, "ballot": ballot, "slot": 1, "promised": ballot}
            t.step(a, "Acceptor", "AcceptorReceiveAccept", receive(accept, 1), sent=[accepted[a]],
                   received=accept,
                   change=lambda s: s["aAccepted"].append({"ballot": ballot, "slot": 1, "prop": p}))
        t.step(1, "Commander", "CommanderReceiveAccepted", receive(accepted[1], 1), received=accepted[1],
               change=lambda s: s["commanders"][0]["acks"].append(1))
        decision = {"type": "Decision", "slot": 1, "prop": p}
        t.step(1, "Commander", "CommanderReceiveAccepted", receive(accepted[2], 2), sent=[decision],
               received=accepted[2], change=lambda s: s.update(commanders=[]))

        # Replicas 1 and 2 learn the decision and execute slot 1; each answers with index 1.
        for r in (1, 2):
            t.step(r, "Replica", "ReplicaReceiveDecision", receive(decision, 1), received=decision,
                   change=lambda s: s["rDecisions"].append({"slot": 1, "prop": p}))

            def execute(s):
                s["rProposals"] = [d for d in s["rProposals"] if d["slot"] != 1]
                s["rExecuted"].append(p)
                s["rSlotOut"] = 2
            invoked = {"type": "Invoked", "replica": r, "prop": p, "index": 1}
            t.step(r, "Replica", "ReplicaExecute",
                   {"proposal": p, "output": output, "digest": digest(app_after)},
                   sent=[invoked], change=execute)

        # The application on node 1 is given the output.
        t.step(1, "Client", "ClientReturn",
               {"client": {"kind": "return", "clientId": 1, "at": 12, "output": output}})


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "docs/examples/port/port-example.ndjson")
